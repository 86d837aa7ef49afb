"""Coordinator pages that adopt, tailor and edit frameworks, courses, roles and pathways."""

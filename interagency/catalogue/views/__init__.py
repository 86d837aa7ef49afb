"""Catalogue pages.

``public``: anyone may read; ``manage``: coordinators; ``interchange``: export and import.
"""

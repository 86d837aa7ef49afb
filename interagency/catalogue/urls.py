from django.urls import path

from interagency.catalogue.views import interchange, manage, public  # noqa: F401 (filled in next)

app_name = "catalogue"

# Public pages (no sign-in): the partnership's catalogue.
public_patterns = [
    path("p/<slug:code>/catalogue/", public.catalogue, name="index"),
    path("p/<slug:code>/catalogue/courses/<int:course_id>/", public.course, name="course"),
    path("p/<slug:code>/catalogue/roles/", public.roles, name="roles"),
    path("p/<slug:code>/catalogue/roles/<int:role_id>/", public.role, name="role"),
    path("p/<slug:code>/catalogue/which-training/", public.which_training, name="which-training"),
]

# Coordinator pages.
manage_patterns: list = []

# Export and import.
interchange_patterns = [
    path(
        "p/<slug:code>/catalogue/frameworks/<int:framework_id>/export.json",
        interchange.export_json,
        name="export-json",
    ),
    path(
        "p/<slug:code>/catalogue/frameworks/<int:framework_id>/export.xlsx",
        interchange.export_xlsx,
        name="export-xlsx",
    ),
    path("p/<slug:code>/catalogue/import/", interchange.import_framework, name="import"),
]

urlpatterns = [*public_patterns, *manage_patterns, *interchange_patterns]

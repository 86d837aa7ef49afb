from django.urls import path

from interagency.catalogue.views import equivalences, interchange, manage, public

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
M = "p/<slug:code>/catalogue/manage/"
manage_patterns = [
    path(M, manage.index, name="manage"),
    path(f"{M}frameworks/<int:framework_id>/adopt/", manage.adopt, name="manage-adopt"),
    path(
        f"{M}frameworks/<int:framework_id>/stop/", manage.stop_adopting, name="manage-stop-adopting"
    ),
    path(f"{M}frameworks/<int:framework_id>/", manage.framework, name="manage-framework"),
    path(
        f"{M}frameworks/<int:framework_id>/new-version/",
        manage.framework_version,
        name="manage-framework-version",
    ),
    path(f"{M}frameworks/<int:framework_id>/tiers/new/", manage.tier_new, name="manage-tier-new"),
    path(f"{M}tiers/<int:tier_id>/", manage.tier_edit, name="manage-tier"),
    path(f"{M}courses/", manage.courses, name="manage-courses"),
    path(f"{M}courses/<int:course_id>/", manage.tailor_course, name="manage-course-tailor"),
    path(f"{M}local-courses/", manage.local_courses, name="manage-local-courses"),
    path(f"{M}local-courses/new/", manage.local_course_new, name="manage-local-course-new"),
    path(
        f"{M}local-courses/<int:course_id>/",
        manage.local_course_edit,
        name="manage-local-course",
    ),
    path(
        f"{M}local-courses/<int:course_id>/delete/",
        manage.local_course_delete,
        name="manage-local-course-delete",
    ),
    path(f"{M}roles/", manage.roles, name="manage-roles"),
    path(f"{M}roles/new/", manage.role_new, name="manage-role-new"),
    path(f"{M}roles/<int:role_id>/pathway/", manage.pathway, name="manage-pathway"),
    path(f"{M}equivalences/", equivalences.equivalences, name="manage-equivalences"),
    path(
        f"{M}equivalences/<int:equivalence_id>/remove/",
        equivalences.equivalence_remove,
        name="manage-equivalence-remove",
    ),
]

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

"""Pages of the Sessions area (namespace ``sessions``, like the navigation area it fills)."""

from django.urls import path

app_name = "sessions"

urlpatterns: list = []

# Coordinators: the Sessions landing page (everyone), sessions, venues, booking settings
# (views/manage.py).
from interagency.delivery.views import manage  # noqa: E402

M = "p/<slug:code>/sessions/"
urlpatterns += [
    path(M, manage.index, name="index"),
    path(f"{M}manage/new/", manage.session_new, name="session-new"),
    path(f"{M}manage/<int:session_id>/", manage.session_page, name="manage"),
    path(f"{M}manage/<int:session_id>/edit/", manage.session_edit, name="session-edit"),
    path(f"{M}manage/<int:session_id>/cancel/", manage.session_cancel, name="session-cancel"),
    path(f"{M}venues/", manage.venues, name="venues"),
    path(f"{M}venues/new/", manage.venue_new, name="venue-new"),
    path(f"{M}venues/<int:venue_id>/", manage.venue_edit, name="venue-edit"),
    path(f"{M}settings/", manage.delivery_settings, name="settings"),
]

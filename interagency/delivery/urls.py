"""Pages of the Sessions area (namespace ``sessions``, like the navigation area it fills)."""

from django.urls import path  # noqa: F401  (routes are added per view module below)

app_name = "sessions"

urlpatterns: list = []

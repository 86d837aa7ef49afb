from django.urls import path

from interagency.catalogue.views import interchange, manage, public  # noqa: F401 (filled in next)

app_name = "catalogue"

# Public pages (no sign-in): the partnership's catalogue.
public_patterns = [
    path("p/<slug:code>/catalogue/", public.catalogue, name="index"),
]

# Coordinator pages.
manage_patterns: list = []

# Export and import.
interchange_patterns: list = []

urlpatterns = [*public_patterns, *manage_patterns, *interchange_patterns]

from django.urls import path

from interagency.regional import views

app_name = "regional"

urlpatterns = [
    path("r/<slug:region_code>/benchmarks/", views.benchmarks, name="benchmarks"),
    path(
        "r/<slug:region_code>/benchmarks/download.<str:kind>",
        views.benchmarks_download,
        name="benchmarks-download",
    ),
    path("p/<slug:code>/settings/region/", views.sharing, name="sharing"),
]

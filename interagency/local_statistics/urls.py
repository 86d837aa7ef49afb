from django.urls import path

from interagency.local_statistics import views

app_name = "local_statistics"

urlpatterns = [
    path("p/<slug:code>/reports/local-statistics/", views.figures, name="figures"),
    path(
        "p/<slug:code>/reports/local-statistics/authorities/",
        views.authorities,
        name="authorities",
    ),
]

from django.urls import path

from interagency.records import views

app_name = "records"

# Under the people area's address: it is about the people a member may see.
urlpatterns = [
    path("p/<slug:code>/people/training-status/", views.training_status, name="training-status"),
    path(
        "p/<slug:code>/people/training-status.csv",
        views.training_status_csv,
        name="training-status-csv",
    ),
]

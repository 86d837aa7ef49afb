from django.urls import path

from interagency.records import views, views_compliance

app_name = "records"

# Under the people area's address: it is about the people a member may see.
urlpatterns = [
    path("p/<slug:code>/people/training-status/", views.training_status, name="training-status"),
    path(
        "p/<slug:code>/people/training-status.csv",
        views.training_status_csv,
        name="training-status-csv",
    ),
    # The partnership's compliance (coordinators and board members).
    path("p/<slug:code>/records/compliance/", views_compliance.compliance, name="compliance"),
    path(
        "p/<slug:code>/records/compliance.csv",
        views_compliance.compliance_csv,
        name="compliance-csv",
    ),
    path(
        "p/<slug:code>/records/compliance.xlsx",
        views_compliance.compliance_xlsx,
        name="compliance-xlsx",
    ),
]

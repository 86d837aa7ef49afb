from django.urls import path

from interagency.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("partnerships/", views.choose, name="choose"),
    path("p/<slug:code>/", views.dashboard, name="dashboard"),
    path("p/<slug:code>/members/", views.members, name="members"),
    path("p/<slug:code>/members/<int:user_id>/roles/", views.member_roles, name="member-roles"),
    path("p/<slug:code>/settings/emails/", views.training_emails, name="training-emails"),
    path("p/<slug:code>/<slug:area>/", views.area, name="area"),
]

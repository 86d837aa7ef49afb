from django.urls import path

from interagency.audit import views

app_name = "audit"

urlpatterns = [
    path("p/<slug:code>/audit/", views.audit_list, name="list"),
    path("p/<slug:code>/audit/<int:pk>/", views.audit_detail, name="detail"),
]

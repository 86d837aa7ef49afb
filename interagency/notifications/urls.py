"""Coordinator pages for emails, in the Sessions area (namespace ``notifications``)."""

from django.urls import path

from interagency.notifications import views

app_name = "notifications"

urlpatterns = [
    path("p/<slug:code>/sessions/messages/", views.outbox, name="outbox"),
    path("p/<slug:code>/sessions/messages/<int:message_id>/retry/", views.retry, name="retry"),
    path("p/<slug:code>/sessions/messages/retry-failed/", views.retry_failed, name="retry-failed"),
    path("p/<slug:code>/sessions/messages/templates/", views.templates, name="templates"),
    path(
        "p/<slug:code>/sessions/messages/templates/<slug:kind>/",
        views.template_edit,
        name="template",
    ),
    path(
        "p/<slug:code>/sessions/messages/templates/<slug:kind>/reset/",
        views.template_reset,
        name="template-reset",
    ),
]

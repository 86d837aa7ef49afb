from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "interagency.notifications"
    label = "notifications"
    verbose_name = "Notifications"

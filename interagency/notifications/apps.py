from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "interagency.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from interagency.core.tasks_reaper import register
        from interagency.notifications.sending import reap_stale_claims

        register("outbox", lambda older_than: reap_stale_claims(older_than=older_than))

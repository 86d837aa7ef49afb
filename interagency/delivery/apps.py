from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "interagency.delivery"
    label = "delivery"
    verbose_name = "Sessions and bookings"

    def ready(self) -> None:
        # The catalogue's course page shows the next sessions without importing delivery.
        from interagency.catalogue import panels
        from interagency.delivery.panels import upcoming_sessions_panel

        panels.register("delivery: upcoming sessions", upcoming_sessions_panel)

        # The start page and menu show each role's daily work without importing delivery.
        from interagency.delivery import start_page

        start_page.register()

        # Booking emails are written by the sender when they go, not in the booking's request.
        from interagency.delivery import notices
        from interagency.notifications.rendering import register_source

        register_source(notices.SOURCE, notices.written_messages)

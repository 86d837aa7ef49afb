from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "interagency.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # Delivery announces its changes; evaluation listens (delivery never imports it).
        from interagency.delivery import signals
        from interagency.delivery.models import Booking, Session
        from interagency.evaluation import invitations

        signals.booking_confirmed.connect(
            invitations.on_booking_confirmed, sender=Booking, dispatch_uid="evaluation-registration"
        )
        signals.register_closed.connect(
            invitations.on_register_closed, sender=Session, dispatch_uid="evaluation-end-of-course"
        )

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "interagency.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        # Delivery announces its changes; evaluation listens (delivery never imports it).
        from interagency.delivery import notices, signals
        from interagency.delivery.models import Session
        from interagency.evaluation import invitations

        # The booking confirmation carries the registration questionnaire's link.
        notices.add_to_confirmations(
            "evaluation: registration", invitations.registration_postscript
        )
        signals.register_closed.connect(
            invitations.on_register_closed, sender=Session, dispatch_uid="evaluation-end-of-course"
        )

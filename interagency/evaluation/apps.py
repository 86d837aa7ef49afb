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
        # A partnership may hold a certificate until the end questionnaire is answered.
        from interagency.delivery import certificate_holds
        from interagency.evaluation.certificate_holds import end_questionnaire_hold

        certificate_holds.register("evaluation: end questionnaire", end_questionnaire_hold)

        # The start page lists the questionnaires waiting for a learner.
        from interagency.evaluation import start_page

        start_page.register()

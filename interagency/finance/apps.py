from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "interagency.finance"
    label = "finance"
    verbose_name = "Costs and funding"

    def ready(self) -> None:
        # Delegate charges are raised when a register closes; delivery announces it.
        from interagency.delivery import signals
        from interagency.delivery.models import Session
        from interagency.finance import receivers

        signals.register_closed.connect(
            receivers.on_register_closed, sender=Session, dispatch_uid="finance-delegate-charges"
        )

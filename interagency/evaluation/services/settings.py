"""A partnership's evaluation settings, changed by its coordinators (audited)."""

from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.evaluation.models import EvaluationSettings

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.tenancy.models import Partnership


def evaluation_settings(partnership: "Partnership") -> EvaluationSettings:
    """The partnership's stored settings, or the defaults unsaved."""
    found = EvaluationSettings.objects.for_partnership(partnership).first()
    return found or EvaluationSettings(partnership=partnership)


def change_evaluation_settings(
    *,
    partnership: "Partnership",
    certificate_after_end_questionnaire: bool,
    changed_by: "_User",
) -> EvaluationSettings:
    """Store the partnership's settings; audited with the old and new value."""
    with transaction.atomic():
        found = EvaluationSettings.objects.for_partnership(partnership).select_for_update().first()
        created = found is None
        current = found or EvaluationSettings(partnership=partnership)
        before = current.certificate_after_end_questionnaire
        current.certificate_after_end_questionnaire = certificate_after_end_questionnaire
        current.updated_by = changed_by
        current.save()
        if created or before != certificate_after_end_questionnaire:
            record_event(
                actor=changed_by,
                action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
                subject=current,
                partnership=partnership,
                changes={
                    "certificate_after_end_questionnaire": [
                        before,
                        certificate_after_end_questionnaire,
                    ]
                },
            )
    return current

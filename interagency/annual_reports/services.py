"""The one write of the annual report: the coordinator's narrative for a year, audited."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from interagency.annual_reports.models import NARRATIVE, AnnualReport
from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError, problems_of
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def save_narrative(
    *, partnership: Partnership, year: int, texts: dict[str, str], changed_by: "_User"
) -> AnnualReport:
    """Keep the year's narrative; the audit trail holds each field's words before and after."""
    with transaction.atomic():
        report, created = AnnualReport.objects.for_partnership(partnership).get_or_create(
            partnership=partnership, year=year
        )
        changes = {}
        for name, _heading in NARRATIVE:
            before, after = getattr(report, name), texts.get(name, "").strip()
            if before != after:
                changes[name] = [before, after]
                setattr(report, name, after)
        report.updated_by = changed_by
        try:
            report.full_clean()
        except ValidationError as error:
            raise ServiceError.of_problems(problems_of(error)) from error
        report.save()
        if changes or created:
            record_event(
                actor=changed_by,
                action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
                subject=report,
                partnership=partnership,
                changes={"year": year, **changes},
            )
    return report

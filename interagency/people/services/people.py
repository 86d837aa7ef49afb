"""People: their records, line managers and leaving dates.

People are personal data: every change is audited with a before/after diff.
Callers check permission first (``visibility.can_edit_person``); the services
check that every row a person points at (agency, line manager, role) belongs
to the same partnership.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from interagency.audit.services import snapshot
from interagency.core.errors import ServiceError
from interagency.people.models import Agency, Person
from interagency.people.services.audited import refuse_unknown, save_audited
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

PERSON_AUDITED_FIELDS = [
    "full_name",
    "work_email",
    "job_title",
    "role_id",
    "agency_id",
    "service_id",
    "line_manager_id",
    "employment_type",
    "started_on",
    "left_on",
    "external_id",
    "registration_number",
    "user_id",
]
PERSON_FIELDS = frozenset(
    {
        "full_name",
        "work_email",
        "job_title",
        "role",
        "agency",
        "service",
        "line_manager",
        "employment_type",
        "started_on",
        "left_on",
        "external_id",
        "registration_number",
        "user",
    }
)


def _validate_person(person: Person) -> None:
    """Model validation plus: every row the person points at belongs to their partnership."""
    person.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    partnership_id = person.partnership_id
    if person.agency.partnership_id != partnership_id:
        errors["agency"] = "Choose an agency of this partnership."
    manager = person.line_manager
    if manager is not None and (
        manager.partnership_id != partnership_id or (person.pk and manager.pk == person.pk)
    ):
        errors["line_manager"] = "Choose another person of this partnership as line manager."
    if person.role_id is not None:
        from interagency.catalogue.selectors import roles_of

        if not roles_of(person.partnership).filter(pk=person.role_id).exists():
            errors["role"] = "Choose a role of this partnership's catalogue."
    if person.external_id:
        clash = Person.objects.for_partnership(person.partnership).filter(
            agency_id=person.agency_id, external_id=person.external_id
        )
        if person.pk:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            errors["external_id"] = "Another person of this agency has this id."
    if errors:
        raise ServiceError(field_errors=errors)


def create_person(
    *, partnership: Partnership, changed_by: "_User", full_name: str, agency: Agency, **fields: Any
) -> Person:
    """Add a person to an agency of the partnership; the new record is audited."""
    refuse_unknown(fields, PERSON_FIELDS, "person")
    person = Person(partnership=partnership, full_name=full_name.strip(), agency=agency, **fields)
    _validate_person(person)
    _note_leaving(person)
    save_audited(
        person,
        actor=changed_by,
        audited_fields=PERSON_AUDITED_FIELDS,
        before={},
        partnership=partnership,
    )
    return person


def update_person(*, person: Person, changed_by: "_User", **fields: Any) -> Person:
    """Change a person's record; the before/after difference is audited."""
    refuse_unknown(fields, PERSON_FIELDS, "person")
    before = snapshot(person, PERSON_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value.strip() if name == "full_name" else value)
    _validate_person(person)
    _note_leaving(person)
    save_audited(
        person,
        actor=changed_by,
        audited_fields=PERSON_AUDITED_FIELDS,
        before=before,
        partnership=person.partnership,
    )
    return person


def mark_person_left(*, person: Person, left_on: datetime.date, changed_by: "_User") -> Person:
    """Record the day a person left their agency (on or after they started); audited.

    A day still to come keeps them current until then: ``mark_due_leavers``
    records the leaving on the day."""
    if person.merged_into_id is not None:
        raise ServiceError("This record was merged into another and cannot change.")
    return update_person(person=person, changed_by=changed_by, left_on=left_on)


def _note_leaving(person: Person) -> None:
    """A leaving day already come takes effect now; one to come waits for the daily job."""
    if person.left_on is not None and person.left_on <= timezone.localdate():
        person.leaving_recorded_at = person.leaving_recorded_at or timezone.now()
    else:
        person.leaving_recorded_at = None


def mark_due_leavers(*, today: datetime.date | None = None) -> int:
    """Record the leaving of everyone whose leaving day has come; how many. Idempotent.

    Run daily (``interagency mark-leavers``). A leaving date entered ahead (a
    staff list's notice period) kept the person current until that day; from
    today they are gone, and the trail says when that took effect. Running it
    again finds no one: each leaving is recorded once.
    """
    from collections import defaultdict

    from django.db import transaction

    from interagency.audit.models import AuditEvent
    from interagency.audit.services import record_events

    today = today or timezone.localdate()
    # cross-partnership: the daily job looks at every partnership's leavers, and audits each
    # leaving in its own partnership.
    due = Person.objects.filter(
        left_on__lte=today, leaving_recorded_at__isnull=True, merged_into__isnull=True
    ).select_related("partnership")
    by_partnership: dict[int, list[Person]] = defaultdict(list)
    for person in due.only("pk", "left_on", "partnership"):
        by_partnership[person.partnership_id].append(person)
    now = timezone.now()
    for people in by_partnership.values():
        partnership = people[0].partnership
        with transaction.atomic():
            Person.objects.for_partnership(partnership).filter(
                pk__in=[person.pk for person in people], leaving_recorded_at__isnull=True
            ).update(leaving_recorded_at=now)
            record_events(
                actor=None,
                action=AuditEvent.Action.CHANGED,
                changes=[
                    (person, {"left": {"on": person.left_on.isoformat(), "recorded": "daily"}})
                    for person in people
                    if person.left_on is not None
                ],
                partnership=partnership,
            )
    return sum(len(people) for people in by_partnership.values())

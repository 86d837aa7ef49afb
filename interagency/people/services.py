"""Every write to the people app: one transaction each, validated, personal data audited.

Sections belong to topics (agencies and people, imports, the mapping survey,
training needs); each says what it audits.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot
from interagency.people.importing import applying, checking, keeping, mapping, reading
from interagency.people.models import Agency, Headcount, Person, Service, SurveyRequest
from interagency.tenancy.models import Partnership

# Agencies and people ------------------------------------------------------------------
#
# Agency contacts and people are personal data: every change is audited with a
# before/after diff. Callers check permission first (visibility.can_edit_person
# for people, Action.MANAGE_AGENCIES for agencies); the services check that
# every row they join belongs to the same partnership.

AGENCY_AUDITED_FIELDS = [
    "name",
    "sector",
    "is_statutory_partner",
    "parent_id",
    "contact_name",
    "contact_email",
    "lead_id",
]
AGENCY_FIELDS = frozenset(
    {"name", "sector", "is_statutory_partner", "parent", "contact_name", "contact_email", "lead"}
)
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


def _refuse_unknown(fields: dict, allowed: frozenset[str] | set[str], noun: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {noun} fields: {sorted(unknown)}")


def _save_audited(instance, *, actor, audited_fields, before: dict, partnership) -> None:
    """Save ``instance`` and audit what changed in ``audited_fields`` (created or changed).

    An existing record whose audited fields did not change is not saved again.
    """
    creating = instance.pk is None
    changes = diff(before, snapshot(instance, audited_fields))
    if not creating and not changes:
        return
    with transaction.atomic():
        instance.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATED if creating else AuditEvent.Action.CHANGED,
            subject=instance,
            changes=changes,
            partnership=partnership,
        )


def _validate_agency(agency: Agency) -> None:
    """Model validation plus the partnership's rules: unique name, parent in the partnership."""
    agency.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    same_name = Agency.objects.for_partnership(agency.partnership).filter(
        name__iexact=agency.name.strip()
    )
    if agency.pk:
        same_name = same_name.exclude(pk=agency.pk)
    if same_name.exists():
        errors["name"] = "The partnership already has an agency with this name."
    parent = agency.parent
    if parent is not None and (
        parent.partnership_id != agency.partnership_id or parent.pk == agency.pk
    ):
        errors["parent"] = "Choose another agency of this partnership as the parent."
    if errors:
        raise ValidationError(errors)


def create_agency(
    *, partnership: Partnership, created_by, name: str, sector: str, **fields
) -> Agency:
    """Add an agency to the partnership; its contact details are audited."""
    _refuse_unknown(fields, AGENCY_FIELDS, "agency")
    agency = Agency(partnership=partnership, name=name.strip(), sector=sector, **fields)
    _validate_agency(agency)
    _save_audited(
        agency,
        actor=created_by,
        audited_fields=AGENCY_AUDITED_FIELDS,
        before={},
        partnership=partnership,
    )
    return agency


def update_agency(*, agency: Agency, changed_by, **fields) -> Agency:
    """Change an agency's details; a change of contact or lead is audited."""
    _refuse_unknown(fields, AGENCY_FIELDS, "agency")
    before = snapshot(agency, AGENCY_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(agency, name, value.strip() if name == "name" else value)
    _validate_agency(agency)
    _save_audited(
        agency,
        actor=changed_by,
        audited_fields=AGENCY_AUDITED_FIELDS,
        before=before,
        partnership=agency.partnership,
    )
    return agency


def add_service(*, agency: Agency, name: str) -> Service:
    """Add a team or department to an agency (not personal data, so not audited)."""
    name = name.strip()
    service = Service(partnership=agency.partnership, agency=agency, name=name)
    service.full_clean(validate_constraints=False)
    if agency.services.filter(name__iexact=name).exists():
        raise ValidationError({"name": "This agency already has a service with this name."})
    with transaction.atomic():
        service.save()
    return service


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
        raise ValidationError(errors)


def create_person(
    *, partnership: Partnership, changed_by, full_name: str, agency: Agency, **fields
) -> Person:
    """Add a person to an agency of the partnership; the new record is audited."""
    _refuse_unknown(fields, PERSON_FIELDS, "person")
    person = Person(partnership=partnership, full_name=full_name.strip(), agency=agency, **fields)
    _validate_person(person)
    _save_audited(
        person,
        actor=changed_by,
        audited_fields=PERSON_AUDITED_FIELDS,
        before={},
        partnership=partnership,
    )
    return person


def update_person(*, person: Person, changed_by, **fields) -> Person:
    """Change a person's record; the before/after difference is audited."""
    _refuse_unknown(fields, PERSON_FIELDS, "person")
    before = snapshot(person, PERSON_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value.strip() if name == "full_name" else value)
    _validate_person(person)
    _save_audited(
        person,
        actor=changed_by,
        audited_fields=PERSON_AUDITED_FIELDS,
        before=before,
        partnership=person.partnership,
    )
    return person


def mark_person_left(*, person: Person, left_on: datetime.date, changed_by) -> Person:
    """Record the day a person left their agency (on or after they started); audited."""
    if person.merged_into_id is not None:
        raise ValidationError("This record was merged into another and cannot change.")
    return update_person(person=person, changed_by=changed_by, left_on=left_on)


# Training needs -----------------------------------------------------------------------
#
# Planned places are about courses, not people: not personal data, so not audited.


def set_planned_places(*, partnership: Partnership, course_id: int, year: int, places: int):
    """Record (or replace) the places the partnership plans on a course in a year."""
    from interagency.catalogue.selectors import catalogue_courses
    from interagency.people.models import PlannedPlaces

    if not catalogue_courses(partnership).filter(pk=course_id).exists():
        raise ValidationError({"course": "Choose a course of this partnership's catalogue."})
    if places < 0:
        raise ValidationError({"places": "Places cannot be negative."})
    with transaction.atomic():
        planned, _ = PlannedPlaces.objects.for_partnership(partnership).update_or_create(
            partnership=partnership, course_id=course_id, year=year, defaults={"places": places}
        )
    return planned


# Merging ------------------------------------------------------------------------------
#
# Two records of one person (the same work email or registration number in two
# agencies' lists) are merged by pointing the others at the one kept. Nothing is
# deleted, so their training history stays; later records follow merged_into.
# Each changed record is audited.


def merge_people(*, partnership: Partnership, keep: Person, others: list[Person], merged_by):
    """Merge ``others`` into ``keep``: they get ``merged_into``; a sign-in link moves over.

    ``left_on`` is left as it is. When ``keep`` has no sign-in account and one of
    the others has, that account (and so its membership) now belongs to ``keep``.
    """
    people = [keep, *others]
    if any(person.partnership_id != partnership.pk for person in people):
        raise ValidationError("Merge only people of this partnership.")
    if any(person.merged_into_id is not None for person in people):
        raise ValidationError("One of these records was already merged.")
    if any(other.pk == keep.pk for other in others) or not others:
        raise ValidationError("Choose one record to keep and at least one other to merge.")
    with transaction.atomic():
        keep_before = snapshot(keep, PERSON_AUDITED_FIELDS)
        for other in others:
            before = snapshot(other, PERSON_AUDITED_FIELDS) | {"merged_into_id": None}
            if keep.user_id is None and other.user_id is not None:
                keep.user_id, other.user_id = other.user_id, None
            other.merged_into = keep
            other.save(update_fields=["merged_into", "user", "updated_at"])
            record_event(
                actor=merged_by,
                action=AuditEvent.Action.CHANGED,
                subject=other,
                changes=diff(
                    before,
                    snapshot(other, PERSON_AUDITED_FIELDS) | {"merged_into_id": keep.pk},
                ),
                partnership=partnership,
            )
        keep.save(update_fields=["user", "updated_at"])
        record_event(
            actor=merged_by,
            action=AuditEvent.Action.CHANGED,
            subject=keep,
            changes=diff(keep_before, snapshot(keep, PERSON_AUDITED_FIELDS))
            | {"merged_from": [None, [other.pk for other in others]]},
            partnership=partnership,
        )
    return keep


# Headcounts and survey ----------------------------------------------------------------
#
# Headcounts are numbers, not personal data, so they are not audited. The
# survey's sending, chasing and accepting are audited on the SurveyRequest
# (it names the agency contact's address and the lead who replied). Callers
# find the agency, headcount or survey through the partnership-scoped
# selectors; these services check that everything they join is the same
# partnership's.


def _validate_headcount(headcount: Headcount) -> None:
    from interagency.catalogue.selectors import roles_of, tiers_of

    errors: dict[str, str] = {}
    partnership = headcount.partnership
    if headcount.agency.partnership_id != partnership.pk:
        errors["agency"] = "Choose an agency of this partnership."
    service = headcount.service
    if service is not None and service.agency_id != headcount.agency_id:
        errors["service"] = "Choose a service of this agency."
    if (headcount.role_id is None) == (headcount.tier_id is None):
        errors["role"] = "Choose a role or a training level (one of the two)."
    elif headcount.role_id is not None:
        if not roles_of(partnership).filter(pk=headcount.role_id).exists():
            errors["role"] = "Choose a role of this partnership's catalogue."
    elif not tiers_of(partnership).filter(pk=headcount.tier_id or 0).exists():
        errors["tier"] = "Choose a training level of this partnership's frameworks."
    if errors:
        raise ValidationError(errors)
    headcount.full_clean(validate_constraints=False)


HEADCOUNT_FIELDS = frozenset({"agency", "service", "role", "tier", "count", "as_of", "source"})


def save_headcount(
    *, partnership: Partnership, headcount: Headcount | None = None, **fields
) -> Headcount:
    """Record a staff figure for an agency (or one of its services), by role or by tier.

    With ``headcount``, change that figure instead (a correction; a new figure
    for a later date is a new headcount, so the history stays).
    """
    unknown = set(fields) - HEADCOUNT_FIELDS
    if unknown:
        raise TypeError(f"Unknown headcount fields: {sorted(unknown)}")
    if headcount is None:
        headcount = Headcount(partnership=partnership)
    elif headcount.partnership_id != partnership.pk:
        raise ValidationError("This headcount belongs to another partnership.")
    for name, value in fields.items():
        setattr(headcount, name, value.strip() if name == "source" else value)
    _validate_headcount(headcount)
    with transaction.atomic():
        headcount.save()
    return headcount


SurveyLink = Callable[[str], str]


def _survey_email(survey: SurveyRequest, link: str, *, reminder: bool) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    context = {
        "survey": survey,
        "agency": survey.agency,
        "partnership": survey.partnership,
        "link": link,
        "reminder": reminder,
    }
    send_mail(
        subject=render_to_string("people/survey/email_subject.txt", context).strip(),
        message=render_to_string("people/survey/email.txt", context),
        from_email=None,
        recipient_list=[survey.sent_to],
    )


def _open_survey(agency: Agency) -> SurveyRequest | None:
    return (
        SurveyRequest.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .exclude(status=SurveyRequest.Status.ACCEPTED)
        .first()
    )


def send_survey(*, agency: Agency, sent_by, link_for: SurveyLink) -> SurveyRequest:
    """Send the mapping survey to the agency's contact: a private link to the reply form.

    ``link_for(token)`` makes the absolute address of the form; the token is
    only in the email, the database keeps its hash. An agency has at most one
    survey awaiting acceptance: chase that one instead of sending another.
    """
    from interagency.people.survey import hash_token, new_token

    if not agency.contact_email:
        raise ValidationError("Add a contact email address for this agency first.")
    if _open_survey(agency) is not None:
        raise ValidationError("This agency already has a survey waiting: chase it instead.")
    token = new_token()
    with transaction.atomic():
        survey = SurveyRequest.objects.create(
            partnership=agency.partnership,
            agency=agency,
            sent_to=agency.contact_email,
            token_hash=hash_token(token),
        )
        record_event(
            actor=sent_by,
            action=AuditEvent.Action.CREATED,
            subject=survey,
            changes={"sent_to": [None, survey.sent_to]},
            partnership=agency.partnership,
        )
        # Inside the transaction: if the email cannot be sent, no survey is recorded.
        _survey_email(survey, link_for(token), reminder=False)
    return survey


def chase_survey(*, survey: SurveyRequest, chased_by, link_for: SurveyLink) -> SurveyRequest:
    """Remind the agency contact: a fresh link (the old one stops working), chased_at set.

    Only the hash of the first token was kept, so the reminder cannot repeat it.
    """
    from interagency.people.survey import hash_token, new_token

    if survey.status != SurveyRequest.Status.SENT:
        raise ValidationError("Only a survey still waiting for a reply can be chased.")
    token = new_token()
    survey.token_hash = hash_token(token)
    survey.sent_to = survey.agency.contact_email or survey.sent_to
    survey.chased_at = timezone.now()
    with transaction.atomic():
        survey.save(update_fields=["token_hash", "sent_to", "chased_at"])
        record_event(
            actor=chased_by,
            action=AuditEvent.Action.CHANGED,
            subject=survey,
            changes={"chased_at": [None, survey.chased_at.isoformat()]},
            partnership=survey.partnership,
        )
        _survey_email(survey, link_for(token), reminder=True)
    return survey


def reply_to_survey(
    *, survey: SurveyRequest, respondent_name: str, reply: list[dict]
) -> SurveyRequest:
    """Store the agency lead's return (they may correct it until it is accepted)."""
    from interagency.catalogue.selectors import tiers_of

    if survey.status == SurveyRequest.Status.ACCEPTED:
        raise ValidationError("This survey has been accepted and can no longer be changed.")
    tier_ids = set(tiers_of(survey.partnership).values_list("pk", flat=True))
    if any(entry.get("tier_id") not in tier_ids for entry in reply):
        raise ValidationError("Give numbers only for the training levels listed.")
    survey.respondent_name = respondent_name.strip()
    survey.reply = reply
    survey.status = SurveyRequest.Status.REPLIED
    survey.replied_at = timezone.now()
    with transaction.atomic():
        survey.save(update_fields=["respondent_name", "reply", "status", "replied_at"])
    return survey


def accept_survey(*, survey: SurveyRequest, accepted_by) -> list[Headcount]:
    """Take a reply into the records: its services (new ones added) and a headcount each.

    The headcounts describe the day of the reply; their source names the survey.
    """
    from interagency.catalogue.selectors import tiers_of

    if survey.status != SurveyRequest.Status.REPLIED:
        raise ValidationError("Only a survey with a reply waiting can be accepted.")
    agency = survey.agency
    partnership = survey.partnership
    tiers = {tier.pk: tier for tier in tiers_of(partnership)}
    assert survey.replied_at is not None
    as_of = timezone.localdate(survey.replied_at)
    source = f"Mapping survey, {as_of:%-d %B %Y}"
    existing = {
        service.name.lower(): service
        for service in Service.objects.for_partnership(partnership).filter(agency=agency)
    }
    headcounts = []
    with transaction.atomic():
        for entry in survey.reply:
            tier = tiers.get(entry.get("tier_id"))
            if tier is None:
                # A tier of a framework the partnership stopped using since the reply.
                continue
            name = " ".join(str(entry.get("service", "")).split())[:200]
            service = existing.get(name.lower()) if name else None
            if name and service is None:
                service = Service.objects.create(partnership=partnership, agency=agency, name=name)
                existing[name.lower()] = service
            headcounts.append(
                Headcount(
                    partnership=partnership,
                    agency=agency,
                    service=service,
                    tier=tier,
                    count=int(entry.get("count", 0)),
                    as_of=as_of,
                    source=source,
                )
            )
        Headcount.objects.bulk_create(headcounts)
        survey.status = SurveyRequest.Status.ACCEPTED
        survey.accepted_at = timezone.now()
        survey.accepted_by = accepted_by
        survey.save(update_fields=["status", "accepted_at", "accepted_by"])
        record_event(
            actor=accepted_by,
            action=AuditEvent.Action.CHANGED,
            subject=survey,
            changes={"status": [SurveyRequest.Status.REPLIED, SurveyRequest.Status.ACCEPTED]},
            partnership=partnership,
        )
    return headcounts


# Imports ------------------------------------------------------------------------------
#
# An import goes: uploaded (file read and kept) → mapped and previewed (counts
# and problems recorded, nothing else written) → applied, in the request for
# small files or by the background worker for large ones. The apply is one
# transaction: all rows or none. It is audited once, on the PeopleImport, with
# the counts; the file's rows are not copied into the trail.

# Files with this many rows or more are applied by the background worker.
BACKGROUND_ROWS = 2000


def start_people_import(
    *,
    partnership: Partnership,
    agency: Agency,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    table=None,
):
    """Read an uploaded staff list and keep it for mapping; ImportFileError if unreadable.

    ``table`` is the file already read by the caller (``reading.read_table``).
    """
    import hashlib

    from interagency.people.models import PeopleImport

    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": "Choose an agency of this partnership."})
    table = table or reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    with transaction.atomic():
        return PeopleImport.objects.create(
            partnership=partnership,
            agency=agency,
            uploaded_by=uploaded_by if uploaded_by and uploaded_by.is_authenticated else None,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            is_full_staff_list=is_full_staff_list,
            rows_total=sum(1 for row in table.rows if row),
        )


def _import_table(people_import):

    return reading.read_table(bytes(people_import.content or b""), people_import.file_name)


def _import_columns(people_import) -> dict[str, str]:
    from interagency.people.selectors import column_mapping_of

    return column_mapping_of(people_import.agency)


def plan_people_import(
    people_import, *, on_progress: Callable[[int], None] | None = None, table=None
):
    """The import's table and plan with the agency's remembered columns (reads only)."""
    from interagency.catalogue.selectors import roles_of

    table = table or _import_table(people_import)
    plan = checking.plan_import(
        agency=people_import.agency,
        table=table,
        columns=_import_columns(people_import),
        roles=list(roles_of(people_import.partnership)),
        full_staff_list=people_import.is_full_staff_list,
        on_progress=on_progress,
    )
    return table, plan


def _plan_fingerprint(people_import, roles: list, columns: dict[str, str]) -> str:

    return keeping.plan_fingerprint(
        agency=people_import.agency,
        file_sha256=people_import.file_sha256,
        columns=columns,
        roles=roles,
        full_staff_list=people_import.is_full_staff_list,
    )


def _kept_plan(people_import, fingerprint: str):
    """The preview's plan when nothing it was made from has changed since, else None."""
    import zlib

    if not people_import.plan or people_import.plan_fingerprint != fingerprint:
        return None
    try:
        return keeping.load_plan(bytes(people_import.plan))
    except (ValueError, KeyError, TypeError, IndexError, zlib.error):
        return None  # kept by another version, or damaged: check the rows again


def _record_counts(people_import, plan) -> None:

    for name, value in plan.counts.items():
        setattr(people_import, name, value)
    people_import.rows_total = plan.rows_total
    people_import.problems = [
        problem.as_dict() for problem in plan.problems[: checking.MAX_PROBLEMS_SHOWN]
    ]


def _check_columns(table, columns: dict[str, str], *, prefix: str = "") -> None:
    """ValidationError naming each field whose column is missing from the file or chosen twice."""

    errors: dict[str, str] = {}
    used: dict[str, str] = {}
    for name, header in columns.items():
        if header and header not in table.headers:
            errors[prefix + name] = (
                f"Choose a column from the file: it has no column '{header}'."
                if prefix
                else "Choose a column from the file."
            )
        elif header and header in used:
            errors[prefix + name] = f"The column '{header}' is already chosen for another field."
        elif header:
            used[header] = name
    for name in mapping.REQUIRED_FIELDS:
        if not columns.get(name):
            errors[prefix + name] = (
                f"Choose the column that holds the {mapping.FIELDS[name].lower()}."
            )
    if errors:
        raise ValidationError(errors)


def upload_people_import(
    *,
    partnership: Partnership,
    agency: Agency,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    columns: dict[str, str] | None = None,
):
    """Read a staff list and preview it in one step (the API's upload); nothing about people
    is written.

    The columns are those given, else the ones remembered for the agency. The
    file and the columns are checked before anything is stored, so a refused
    upload leaves no import behind: ImportFileError for the file, ValidationError
    naming ``columns.<field>`` for the columns.
    """
    from interagency.people.selectors import column_mapping_of

    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": "Choose an agency of this partnership."})
    table = reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    if columns is None:
        # Remembered columns missing from this file are left out; the name must still be there.
        remembered = column_mapping_of(agency)
        columns = {name: header for name, header in remembered.items() if header in table.headers}
        if not remembered:
            suggested = mapping.suggest_mapping(table.headers)
            raise ValidationError(
                {
                    "columns": "No columns are remembered for this agency yet: send columns "
                    'as {"field": "column header"}, for example '
                    + ", ".join(f"{k}={v!r}" for k, v in suggested.items())
                    + "."
                }
            )
    unknown = sorted(set(columns) - set(mapping.FIELDS))
    if unknown:
        raise ValidationError(
            {
                f"columns.{name}": "Not a field of a person: use one of "
                + ", ".join(mapping.FIELDS)
                for name in unknown
            }
        )
    _check_columns(table, columns, prefix="columns.")
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=uploaded_by,
        file_name=file_name,
        content=content,
        is_full_staff_list=is_full_staff_list,
        table=table,
    )
    save_import_mapping(
        people_import=people_import, columns=columns, changed_by=uploaded_by, table=table
    )
    return people_import


def people_import_rejected_rows(people_import) -> tuple[list[dict], bool]:
    """The import's rejected rows as ``{row, column, value, reason}``, and whether all are listed.

    While the file is kept (until applied) every rejected row is checked again
    and listed; afterwards only the problems recorded at the preview remain
    (the first :data:`checking.MAX_PROBLEMS_SHOWN`).
    """
    problems: list[dict]
    if people_import.content:
        _, plan = plan_people_import(people_import)
        problems = [p.as_dict() for p in plan.problems if p.level == "error"]
        complete = True
    else:
        problems = [p for p in people_import.problems or [] if p.get("level") == "error"]
        complete = len({p["row"] for p in problems}) >= people_import.rejected
    rows = [
        {"row": p["row"], "column": p["column"], "value": p["value"], "reason": p["message"]}
        for p in problems
    ]
    return rows, complete


def save_import_mapping(*, people_import, columns: dict[str, str], changed_by, table=None):
    """Remember the agency's columns and record the preview's counts and problems.

    Nothing about people is written: the preview says what applying would do.
    ``table`` is the import's file when the caller has read it already.
    """
    from interagency.people.models import ColumnMapping, PeopleImport

    if people_import.status not in (
        PeopleImport.Status.UPLOADED,
        PeopleImport.Status.PREVIEWED,
        PeopleImport.Status.FAILED,
    ):
        raise ValidationError("This import has already been applied or queued.")
    table = table or _import_table(people_import)
    for name in columns:
        if name not in mapping.FIELDS:
            raise TypeError(f"Unknown import field: {name}")
    _check_columns(table, columns)
    chosen = {name: header for name, header in columns.items() if header}
    with transaction.atomic():
        ColumnMapping.objects.for_partnership(people_import.partnership_id).update_or_create(
            agency=people_import.agency,
            defaults={"partnership_id": people_import.partnership_id, "columns": chosen},
        )
    from interagency.catalogue.selectors import roles_of

    # Taken before checking: a change made while checking makes the apply check again.
    fingerprint = _plan_fingerprint(
        people_import, list(roles_of(people_import.partnership)), chosen
    )
    _, plan = plan_people_import(people_import, table=table)
    _record_counts(people_import, plan)
    people_import.status = PeopleImport.Status.PREVIEWED
    people_import.plan = keeping.dump_plan(plan)
    people_import.plan_fingerprint = fingerprint
    with transaction.atomic():
        people_import.save(
            update_fields=[
                "plan",
                "plan_fingerprint",
                "status",
                "rows_total",
                "created",
                "updated",
                "unchanged",
                "marked_left",
                "rejected",
                "problems",
            ]
        )
    return plan


def apply_people_import(*, people_import, applied_by) -> str:
    """Apply a previewed import now (small files) or queue it for the worker (large ones).

    Returns the import's status afterwards. Applying twice does nothing the
    second time. A failed import (a crash, or a worker that stopped) is
    applied again from its kept file: its rows are checked afresh.
    """
    from interagency.people.models import PeopleImport
    from interagency.people.tasks import apply_people_import_task

    Status = PeopleImport.Status
    if people_import.status in (Status.APPLIED, Status.QUEUED, Status.RUNNING):
        return people_import.status
    if people_import.status not in APPLICABLE:
        raise ValidationError("Check the columns and preview the import before applying it.")
    # The one who confirmed is recorded as the importer (the audit actor).
    if applied_by is not None and applied_by.is_authenticated:
        people_import.uploaded_by = applied_by
    if people_import.rows_total < BACKGROUND_ROWS:
        return run_people_import(
            import_id=people_import.pk,
            people_import=people_import,
            raise_errors=False,
            claim_from=APPLICABLE,
        )
    with transaction.atomic():
        queued = (
            PeopleImport.objects.for_partnership(people_import.partnership_id)
            .filter(pk=people_import.pk, status__in=APPLICABLE)
            .update(
                status=Status.QUEUED,
                rows_done=0,
                error="",
                finished_at=None,
                uploaded_by=people_import.uploaded_by,
            )
        )
        if queued:
            import_id = people_import.pk
            transaction.on_commit(lambda: apply_people_import_task.enqueue(import_id))
    people_import.refresh_from_db(fields=["status"])
    return people_import.status


# What a user may apply: a preview, or an import that failed (nothing was written).
APPLICABLE = ("previewed", "failed")
# What a run of the worker may claim: queued by apply (or previewed, run by hand).
CLAIMABLE_BY_WORKER = ("previewed", "queued")

WORKER_STOPPED = (
    "The worker stopped while applying this import (it was stopped or restarted). "
    "Nothing was applied: every person is as before. Apply the import again."
)


class ImportSuperseded(Exception):
    """This run's import was declared stopped, or taken over by a newer run: write nothing."""


def run_people_import(
    *,
    import_id: int,
    people_import=None,
    raise_errors: bool = True,
    claim_from: tuple[str, ...] = CLAIMABLE_BY_WORKER,
) -> str:
    """Check the import's rows, then write them all in one transaction; idempotent.

    Progress (rows checked) and a heartbeat are saved in short transactions
    while the rows are checked, which only reads; the writing happens at the
    end in one transaction, so a failure leaves every person as before. Each
    run claims the import as a new attempt and writes only while the import
    is still its attempt and running: a run declared stopped by
    :func:`reap_stale_people_imports` (or overtaken by a newer one) writes
    nothing.
    """
    from django.db.models import F

    from interagency.people.models import PeopleImport

    Status = PeopleImport.Status
    if people_import is None:
        people_import = (
            # The worker gets an import id; the import names its partnership, scoping all below.
            # cross-partnership: found by id, then every read and write is scoped by it.
            PeopleImport.objects.select_related("agency", "partnership", "uploaded_by")
            .filter(pk=import_id)
            .first()
        )
        if people_import is None:
            return "missing"
    if people_import.status == Status.APPLIED:
        return people_import.status
    imports = PeopleImport.objects.for_partnership(people_import.partnership_id)
    with transaction.atomic():
        claimed = imports.filter(pk=import_id, status__in=claim_from).update(
            status=Status.RUNNING,
            rows_done=0,
            error="",
            finished_at=None,
            heartbeat_at=timezone.now(),
            attempt=F("attempt") + 1,
            uploaded_by=people_import.uploaded_by,
        )
    if not claimed:
        people_import.refresh_from_db(fields=["status"])
        return people_import.status
    people_import.refresh_from_db(fields=["attempt"])
    this_run = imports.filter(pk=import_id, status=Status.RUNNING, attempt=people_import.attempt)

    def progress(done: int) -> None:
        with transaction.atomic():
            this_run.update(rows_done=done, heartbeat_at=timezone.now())

    try:
        from interagency.catalogue.selectors import roles_of

        agency = people_import.agency
        roles = list(roles_of(people_import.partnership))
        fingerprint = _plan_fingerprint(people_import, roles, _import_columns(people_import))
        plan = _kept_plan(people_import, fingerprint)
        if plan is None:
            _, plan = plan_people_import(people_import, on_progress=progress)
        else:  # nothing changed since the preview: its check stands
            progress(plan.rows_total)
        # Everything but the SQL is prepared before the write transaction (and
        # SQLite's write lock) begins.
        writes = applying.prepare_writes(plan, agency=agency)
        with transaction.atomic():
            # First write of the transaction: still this run's import, and kept so until commit.
            if not this_run.update(heartbeat_at=timezone.now()):
                raise ImportSuperseded
            columns = _import_columns(people_import)
            if _plan_fingerprint(people_import, roles, columns) != fingerprint:
                # The agency's people changed while the rows were checked: check them again.
                _, plan = plan_people_import(people_import)
                writes = applying.prepare_writes(plan, agency=agency)
            applying.write_prepared(writes, agency=agency)
            _record_counts(people_import, plan)
            people_import.status = Status.APPLIED
            people_import.rows_done = plan.rows_total
            people_import.finished_at = timezone.now()
            people_import.content = None
            people_import.plan = None
            people_import.error = ""
            people_import.heartbeat_at = timezone.now()
            people_import.save()
            record_event(
                actor=people_import.uploaded_by,
                action=AuditEvent.Action.CHANGED,
                subject=people_import,
                changes={
                    "import": {
                        "agency": people_import.agency.name,
                        "file_name": people_import.file_name,
                        "file_sha256": people_import.file_sha256,
                        "full_staff_list": people_import.is_full_staff_list,
                        "rows": plan.rows_total,
                        **plan.counts,
                        "services_added": len(plan.new_services),
                    }
                },
                partnership=people_import.partnership,
            )
    except ImportSuperseded:
        people_import.refresh_from_db()
        return people_import.status
    except Exception as error:
        with transaction.atomic():
            this_run.update(
                status=Status.FAILED,
                error=f"The import stopped and nothing was changed ({type(error).__name__}).",
                finished_at=timezone.now(),
            )
        people_import.refresh_from_db()
        import logging

        logging.getLogger(__name__).exception("People import %s failed", import_id)
        if raise_errors:
            raise
    return people_import.status


def import_looks_stopped(people_import) -> bool:
    """Whether a running import has shown no progress for the reaper's time (reads nothing)."""
    from interagency.core.tasks_reaper import stale_after

    last_sign = people_import.heartbeat_at or people_import.uploaded_at
    return people_import.status == "running" and last_sign < timezone.now() - stale_after()


def reap_stale_people_imports(
    *, older_than: datetime.timedelta, partnership: Partnership | None = None, import_id=None
) -> int:
    """Mark imports running without a heartbeat for ``older_than`` as failed; how many.

    Their worker was killed or lost its connection: its one write transaction
    never committed, so no person changed, and the import can be applied again.
    With ``partnership`` (and ``import_id``) only those are looked at (a page
    showing one import); without, every partnership's (the reaper command).
    """
    from interagency.people.models import PeopleImport

    Status = PeopleImport.Status
    now = timezone.now()
    if partnership is not None:
        imports = PeopleImport.objects.for_partnership(partnership)
    else:
        # cross-partnership: the reaper looks after every partnership's stopped imports.
        imports = PeopleImport.objects.all()
    from django.db.models import Q

    cutoff = now - older_than
    # Imports claimed before heartbeats were recorded count from their upload.
    stale = imports.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, uploaded_at__lt=cutoff),
        status=Status.RUNNING,
    )
    if import_id is not None:
        stale = stale.filter(pk=import_id)
    if not stale.exists():  # a read first: no write lock taken when nothing is stale
        return 0
    with transaction.atomic():
        return stale.update(status=Status.FAILED, error=WORKER_STOPPED, finished_at=now)

"""The mapping survey: send it to an agency's contact, chase it, take the reply, accept it.

Sending, chasing and accepting are audited on the SurveyRequest (it names the
agency contact's address and the lead who replied); accepting adds the
reply's services and a headcount each. Callers find the agency or survey
through the partnership-scoped selectors. The private links' tokens are made
and hashed in ``people.survey``.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.dates import govuk_date
from interagency.core.errors import ServiceError
from interagency.people.models import Agency, Headcount, Service, SurveyRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

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


def send_survey(*, agency: Agency, sent_by: "_User | None", link_for: SurveyLink) -> SurveyRequest:
    """Send the mapping survey to the agency's contact: a private link to the reply form.

    ``link_for(token)`` makes the absolute address of the form; the token is
    only in the email, the database keeps its hash. An agency has at most one
    survey awaiting acceptance: chase that one instead of sending another.
    """
    from interagency.people.survey import hash_token, new_token

    if not agency.contact_email:
        raise ServiceError("Add a contact email address for this agency first.")
    if _open_survey(agency) is not None:
        raise ServiceError("This agency already has a survey waiting: chase it instead.")
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


def chase_survey(
    *, survey: SurveyRequest, chased_by: "_User", link_for: SurveyLink
) -> SurveyRequest:
    """Remind the agency contact: a fresh link (the old one stops working), chased_at set.

    Only the hash of the first token was kept, so the reminder cannot repeat it.
    """
    from interagency.people.survey import hash_token, new_token

    if survey.status != SurveyRequest.Status.SENT:
        raise ServiceError("Only a survey still waiting for a reply can be chased.")
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
        raise ServiceError("This survey has been accepted and can no longer be changed.")
    tier_ids = set(tiers_of(survey.partnership).values_list("pk", flat=True))
    if any(entry.get("tier_id") not in tier_ids for entry in reply):
        raise ServiceError("Give numbers only for the training levels listed.")
    survey.respondent_name = respondent_name.strip()
    survey.reply = reply
    survey.status = SurveyRequest.Status.REPLIED
    survey.replied_at = timezone.now()
    with transaction.atomic():
        survey.save(update_fields=["respondent_name", "reply", "status", "replied_at"])
    return survey


def accept_survey(*, survey: SurveyRequest, accepted_by: "_User") -> list[Headcount]:
    """Take a reply into the records: its services (new ones added) and a headcount each.

    The headcounts describe the day of the reply; their source names the survey.
    """
    from interagency.catalogue.selectors import tiers_of

    if survey.status != SurveyRequest.Status.REPLIED:
        raise ServiceError("Only a survey with a reply waiting can be accepted.")
    agency = survey.agency
    partnership = survey.partnership
    tiers = {tier.pk: tier for tier in tiers_of(partnership)}
    assert survey.replied_at is not None
    as_of = timezone.localdate(survey.replied_at)
    source = f"Mapping survey, {govuk_date(as_of)}"
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

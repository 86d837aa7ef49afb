"""Declared training by email: whoever decides it is told (the line manager, else the
coordinators), and the learner hears of the decision; agency leads decide the declarations
of their agencies' people, never their own, audited."""

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.models import Declaration, TrainingRecord
from interagency.records.selectors.declarations import awaiting_decision_count
from interagency.records.tests.test_declarations import declare
from interagency.records.tests.test_digests import body, received

# The declaration's day is a named date (3 March 2026): it stands at the pinned instant.
pytestmark = pytest.mark.clock(fixed=True)


def decide_url(partnership, declaration, name="records:declaration-decide"):
    return reverse(name, kwargs={"code": partnership.code, "declaration_id": declaration.pk})


@pytest.fixture
def mailed(settings, smtp_server):
    settings.MAILERS = smtp_server.mailers
    return smtp_server


def test_the_line_manager_is_emailed_a_declaration_and_the_learner_its_approval(
    client, sign_in, partnership, catalogue, team, mailed
):
    team["manager"].work_email = "maria@agency.example"
    team["manager"].save()
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()

    (asked,) = received(mailed, "maria@agency.example")
    assert asked["Subject"] == "Please decide: Ada Learner declared Core"
    text = body(asked)
    assert "completed on 3 March 2026, run by Hospital trust, in house" in text
    assert decide_url(partnership, declaration, "records:declaration") in text
    assert received(mailed, team["coordinator"].email) == []

    sign_in(team["manager_user"])
    client.post(decide_url(partnership, declaration), {"decision": "approve"})
    (told,) = received(mailed, "ada@agency.example")
    assert told["Subject"] == "Training approved: Core"
    assert "is approved and now in your training record" in body(told)


def test_a_rejection_tells_the_learner_why_in_the_partnerships_own_words(
    client, sign_in, partnership, catalogue, team, mailed
):
    MessageTemplate.objects.create(
        partnership=partnership,
        kind=MessageKind.DECLARATION_REJECTED,
        subject="Not accepted: {{ course }}",
        body="Hello {{ name }}. {{ reason }} See {{ link }}",
    )
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    sign_in(team["manager_user"])
    client.post(
        decide_url(partnership, Declaration.objects.get()),
        {"decision": "reject", "reason": "The certificate names someone else."},
    )
    (told,) = received(mailed, "ada@agency.example")
    assert told["Subject"] == "Not accepted: Core"
    text = body(told)
    assert "Hello Ada Learner. The reason given: The certificate names someone else." in text
    assert reverse("records:declarations", kwargs={"code": partnership.code}) in text


def test_without_a_line_manager_the_coordinators_are_emailed(
    client, sign_in, partnership, catalogue, team, mailed
):
    team["learner"].line_manager = None
    team["learner"].save()
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    (asked,) = received(mailed, team["coordinator"].email)
    assert "Dear " + team["coordinator"].full_name in body(asked)
    assert OutboxMessage.objects.filter(kind=MessageKind.DECLARATION_MADE).count() == 1


@pytest.fixture
def led(partnership, member_with, team):
    """An agency lead of the learner's agency, who is also a person of it, and a lead of
    another agency."""
    lead_user = member_with(Role.AGENCY_LEAD)
    agency = team["learner"].agency
    agency.lead = lead_user
    agency.save()
    lead = PersonFactory.create(
        partnership=partnership, agency=agency, user=lead_user, full_name="Lee Lead"
    )
    other_user = member_with(Role.AGENCY_LEAD)
    AgencyFactory.create(partnership=partnership, lead=other_user)
    return {"lead": lead, "lead_user": lead_user, "other_user": other_user}


def test_an_agency_lead_decides_a_declaration_of_their_agency_audited(
    client, sign_in, partnership, catalogue, team, led
):
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()
    roles = frozenset({Role.AGENCY_LEAD})
    assert awaiting_decision_count(partnership, led["lead_user"].pk, roles) == 1
    assert awaiting_decision_count(partnership, led["other_user"].pk, roles) == 0

    sign_in(led["other_user"])
    assert (
        client.post(decide_url(partnership, declaration), {"decision": "approve"}).status_code
        == 404
    )
    sign_in(led["lead_user"])
    listed = client.get(reverse("records:declarations", kwargs={"code": partnership.code}))
    assert "Ada Learner" in listed.text
    assert (
        client.post(decide_url(partnership, declaration), {"decision": "approve"}).status_code
        == 302
    )
    assert TrainingRecord.objects.get().declaration == declaration
    decided = AuditEvent.objects.get(
        subject_type="records.Declaration", action=AuditEvent.Action.CHANGED
    )
    assert decided.actor_user_id == led["lead_user"].pk


def test_an_agency_lead_never_decides_their_own_declaration(
    client, sign_in, partnership, catalogue, led
):
    sign_in(led["lead_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()
    roles = frozenset({Role.AGENCY_LEAD})
    assert awaiting_decision_count(partnership, led["lead_user"].pk, roles) == 0
    assert (
        client.post(decide_url(partnership, declaration), {"decision": "approve"}).status_code
        == 403
    )
    assert Declaration.objects.get().status == Declaration.Status.PENDING

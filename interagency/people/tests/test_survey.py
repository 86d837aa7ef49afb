"""The mapping survey: sent to an agency's contact, filled in through a private link, accepted.

The reply form has no sign-in: the link's token is the credential, so these
tests also show that a wrong, replaced or foreign token opens nothing.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, FrameworkFactory, TierFactory
from interagency.core.permissions import Role
from interagency.people.models import Headcount, Service, SurveyRequest
from interagency.people.services.survey import reply_to_survey, send_survey
from interagency.people.survey import hash_token
from interagency.people.tests.factories import AgencyFactory, ServiceFactory

pytestmark = pytest.mark.clock

LINK = re.compile(r"https?://[^/\s]+(/survey/[A-Za-z0-9_-]+/)")


@pytest.fixture
def tiers(partnership):
    framework = FrameworkFactory(name="London framework")
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return {
        "a": TierFactory.create(framework=framework, name="Group A", order=1),
        "b": TierFactory.create(framework=framework, name="Group B", order=2),
    }


@pytest.fixture
def public(db):
    """A browser with nobody signed in: the agency lead following the emailed link."""
    return Client()


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(
        partnership=partnership,
        name="Whittington Health",
        contact_name="Ada Lead",
        contact_email="ada.lead@whittington.example",
    )


def coordinator_url(partnership, name, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def sent_link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def send(client, partnership, agency) -> str:
    """Send the survey through the coordinator's page; the path of the emailed link."""
    before = len(mail.outbox)
    response = client.post(coordinator_url(partnership, "survey-send", agency_id=agency.pk))
    assert response.status_code == 302
    assert len(mail.outbox) == before + 1
    return sent_link(mail.outbox[-1])


def reply_data(tiers, **rows) -> dict:
    """``reply_data(tiers, respondent_name=..., service_1=("A&E", "3", "4"))``."""
    data = {"respondent_name": rows.pop("respondent_name", "Ada Lead"), "rows": "10"}
    for key, (name, *counts) in rows.items():
        number = key.removeprefix("service_")
        data[f"service_{number}_name"] = name
        for tier, count in zip(tiers.values(), counts, strict=False):
            data[f"service_{number}_tier_{tier.pk}"] = count
    return data


# Sending and chasing ------------------------------------------------------------------


def test_sending_creates_a_request_and_emails_a_working_private_link(
    partnership, coordinator_client, public, agency, tiers
):
    path = send(coordinator_client, partnership, agency)

    survey = SurveyRequest.objects.get()
    assert (survey.agency, survey.status, survey.sent_to) == (
        agency,
        SurveyRequest.Status.SENT,
        "ada.lead@whittington.example",
    )
    message = mail.outbox[-1]
    assert message.to == ["ada.lead@whittington.example"]
    assert "Whittington Health" in message.subject
    assert "Hello Ada Lead" in message.body
    token = path.split("/")[2]
    # Only the hash of the token is kept.
    assert survey.token_hash == hash_token(token) != token
    assert token not in str(SurveyRequest.objects.values_list().get())
    form = public.get(path)
    assert form.status_code == 200
    assert "no-store" in form.headers["Cache-Control"]
    assert "Mapping survey for Whittington Health" in form.text
    assert "Group A" in form.text and "Group B" in form.text
    assert AuditEvent.objects.filter(subject_type="people.SurveyRequest").count() == 1


def test_an_agency_without_a_contact_email_cannot_be_sent_the_survey(
    partnership, coordinator_client
):
    agency = AgencyFactory.create(partnership=partnership, contact_email="")

    response = coordinator_client.post(
        coordinator_url(partnership, "survey-send", agency_id=agency.pk), follow=True
    )

    assert "Add a contact email address for this agency first" in response.text
    assert not SurveyRequest.objects.exists()
    assert not mail.outbox


def test_a_second_survey_is_refused_while_one_is_waiting(partnership, coordinator_client, agency):
    send(coordinator_client, partnership, agency)

    response = coordinator_client.post(
        coordinator_url(partnership, "survey-send", agency_id=agency.pk), follow=True
    )

    assert "chase it instead" in response.text
    assert SurveyRequest.objects.count() == 1


def test_chasing_resends_a_fresh_link_and_the_old_one_stops_working(
    partnership, coordinator_client, public, agency, tiers
):
    old_path = send(coordinator_client, partnership, agency)
    survey = SurveyRequest.objects.get()

    response = coordinator_client.post(
        coordinator_url(partnership, "survey-chase", survey_id=survey.pk)
    )

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.chased_at is not None
    assert mail.outbox[-1].subject.startswith("Reminder:")
    new_path = sent_link(mail.outbox[-1])
    assert new_path != old_path
    assert public.get(old_path).status_code == 404
    assert public.get(new_path).status_code == 200
    listing = coordinator_client.get(coordinator_url(partnership, "survey"))
    # The page shows the day in London, the next day from 11pm UTC in summer.
    assert listing.text.count(timezone.localtime(survey.chased_at).strftime("%-d %B %Y")) >= 1


# The reply form -----------------------------------------------------------------------


def test_a_wrong_token_is_not_found(public):
    assert public.get("/survey/not-a-real-token/").status_code == 404
    assert public.post("/survey/not-a-real-token/", {"respondent_name": "X"}).status_code == 404


def test_the_form_rejects_bad_numbers_naming_row_and_field_and_stores_nothing(
    partnership, coordinator_client, public, agency, tiers
):
    path = send(coordinator_client, partnership, agency)

    response = public.post(
        path,
        reply_data(
            tiers,
            service_1=("Children's community nursing", "4", "5"),
            service_3=("School nursing", "2", "lots"),
            service_4=("", "3", ""),
        ),
    )

    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert "Service 3: enter a whole number of staff for Group B" in response.text
    assert "Service 4: enter the service&#x27;s name" in response.text
    # The summary links to the field at fault.
    tier_b = tiers["b"].pk
    assert f'href="#id_service_3_tier_{tier_b}"' in response.text
    survey = SurveyRequest.objects.get()
    assert (survey.status, survey.reply, survey.respondent_name) == ("sent", [], "")


def test_a_reply_with_no_services_or_no_name_is_refused(
    partnership, coordinator_client, public, agency, tiers
):
    path = send(coordinator_client, partnership, agency)

    response = public.post(path, reply_data(tiers, respondent_name=""))

    assert "Enter your full name" in response.text
    assert "Service 1: enter the name of at least one service" in response.text
    assert SurveyRequest.objects.get().status == SurveyRequest.Status.SENT


def test_adding_rows_keeps_what_was_typed_and_shows_no_errors(
    partnership, coordinator_client, public, agency, tiers
):
    path = send(coordinator_client, partnership, agency)
    data = reply_data(tiers, service_1=("Health visiting", "x")) | {"add_rows": "1"}

    response = public.post(path, data)

    assert response.status_code == 200
    assert "There is a problem" not in response.text
    assert 'value="Health visiting"' in response.text
    assert "Service 15" in response.text and "Service 16" not in response.text
    assert SurveyRequest.objects.get().status == SurveyRequest.Status.SENT


def test_a_reply_is_stored_and_shows_to_the_coordinator_as_replied(
    partnership, coordinator_client, public, agency, tiers
):
    path = send(coordinator_client, partnership, agency)

    response = public.post(
        path,
        reply_data(
            tiers,
            respondent_name="Ada Lead",
            service_1=("Health visiting", "20", "12"),
            service_2=("School nursing", "", "1,200"),
        ),
    )

    assert response.status_code == 200
    assert "Reply sent" in response.text
    survey = SurveyRequest.objects.get()
    assert survey.status == SurveyRequest.Status.REPLIED
    assert survey.respondent_name == "Ada Lead"
    a, b = tiers["a"].pk, tiers["b"].pk
    assert survey.reply == [
        {"service": "Health visiting", "role_id": None, "tier_id": a, "count": 20},
        {"service": "Health visiting", "role_id": None, "tier_id": b, "count": 12},
        {"service": "School nursing", "role_id": None, "tier_id": b, "count": 1200},
    ]
    # The link shows the stored reply, to correct until it is accepted.
    again = public.get(path)
    assert 'value="School nursing"' in again.text and 'value="1200"' in again.text

    listing = coordinator_client.get(coordinator_url(partnership, "survey"))
    assert "Replied" in listing.text
    reply = coordinator_client.get(
        coordinator_url(partnership, "survey-reply", survey_id=survey.pk)
    )
    assert reply.status_code == 200
    assert "Ada Lead" in reply.text and "School nursing" in reply.text and "1200" in reply.text


def test_accepting_creates_services_and_headcounts_and_closes_the_form(
    partnership, coordinator, coordinator_client, public, agency, tiers
):
    existing = ServiceFactory.create(agency=agency, name="Health Visiting")
    path = send(coordinator_client, partnership, agency)
    survey = SurveyRequest.objects.get()
    reply_to_survey(
        survey=survey,
        respondent_name="Ada Lead",
        reply=[
            {"service": "health visiting", "role_id": None, "tier_id": tiers["a"].pk, "count": 20},
            {"service": "School nursing", "role_id": None, "tier_id": tiers["b"].pk, "count": 7},
        ],
    )

    response = coordinator_client.post(
        coordinator_url(partnership, "survey-accept", survey_id=survey.pk)
    )

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyRequest.Status.ACCEPTED
    assert survey.accepted_by == coordinator and survey.accepted_at is not None
    assert sorted(Service.objects.filter(agency=agency).values_list("name", flat=True)) == [
        "Health Visiting",
        "School nursing",
    ]
    headcounts = {str(h.service and h.service.name): h for h in Headcount.objects.all()}
    assert headcounts["Health Visiting"].service == existing
    assert (headcounts["Health Visiting"].tier, headcounts["Health Visiting"].count) == (
        tiers["a"],
        20,
    )
    assert headcounts["School nursing"].count == 7
    assert headcounts["School nursing"].source.startswith("Mapping survey, ")
    assert survey.replied_at is not None
    assert headcounts["School nursing"].as_of == timezone.localdate(survey.replied_at)
    # Accepted: the link shows a clear page and changes nothing.
    closed = public.get(path)
    assert closed.status_code == 200
    assert "This survey is closed" in closed.text
    public.post(path, reply_data(tiers, service_1=("Other", "1", "1")))
    survey.refresh_from_db()
    assert len(survey.reply) == 2
    # Accepting twice adds nothing.
    coordinator_client.post(coordinator_url(partnership, "survey-accept", survey_id=survey.pk))
    assert Headcount.objects.count() == 2


def test_a_survey_without_a_reply_cannot_be_accepted(partnership, coordinator_client, agency):
    send(coordinator_client, partnership, agency)
    survey = SurveyRequest.objects.get()

    response = coordinator_client.post(
        coordinator_url(partnership, "survey-accept", survey_id=survey.pk), follow=True
    )

    assert "Only a survey with a reply waiting can be accepted" in response.text
    assert SurveyRequest.objects.get().status == SurveyRequest.Status.SENT
    assert not Headcount.objects.exists()


# Partnerships apart -------------------------------------------------------------------


def test_a_token_for_another_partnership_reveals_only_that_agency(
    partnership, other_partnership, coordinator, public, agency, tiers
):
    AgencyFactory.create(partnership=partnership, name="Camden Secret Agency")
    theirs = AgencyFactory.create(partnership=other_partnership, name="Islington Youth Service")
    other_framework = FrameworkFactory(name="Islington framework")
    AdoptionFactory.create(partnership=other_partnership, framework=other_framework)
    TierFactory.create(framework=other_framework, name="Islington level")
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return token

    send_survey(agency=theirs, sent_by=None, link_for=link_for)

    page = public.get(f"/survey/{tokens[0]}/")

    assert page.status_code == 200
    assert "Islington Youth Service" in page.text and "Islington level" in page.text
    for secret in ("Whittington Health", "Camden Secret Agency", "Group A", "Camden"):
        assert secret not in page.text


def test_a_coordinator_cannot_view_chase_or_accept_another_partnerships_survey(
    partnership, other_partnership, coordinator_client, tiers
):
    theirs = AgencyFactory.create(partnership=other_partnership)
    survey = send_survey(agency=theirs, sent_by=None, link_for=str)
    reply_to_survey(survey=survey, respondent_name="B lead", reply=[])
    mail.outbox.clear()

    for name, method in (
        ("survey-reply", "get"),
        ("survey-chase", "post"),
        ("survey-accept", "post"),
    ):
        response = getattr(coordinator_client, method)(
            coordinator_url(partnership, name, survey_id=survey.pk)
        )
        assert response.status_code == 404, name
    assert (
        coordinator_client.post(
            coordinator_url(partnership, "survey-send", agency_id=theirs.pk)
        ).status_code
        == 404
    )
    survey.refresh_from_db()
    assert survey.status == SurveyRequest.Status.REPLIED and survey.accepted_by is None
    assert not mail.outbox
    assert not Headcount.objects.exists()
    listing = coordinator_client.get(coordinator_url(partnership, "survey"))
    assert theirs.name not in listing.text


def test_agency_leads_and_learners_cannot_use_the_coordinators_survey_pages(
    partnership, member_with, sign_in, agency
):
    for role in (Role.AGENCY_LEAD, Role.LEARNER):
        client = sign_in(member_with(role))
        assert client.get(coordinator_url(partnership, "survey")).status_code == 403
        assert (
            client.post(
                coordinator_url(partnership, "survey-send", agency_id=agency.pk)
            ).status_code
            == 403
        )
    assert not SurveyRequest.objects.exists()


# Query budget -------------------------------------------------------------------------


def test_the_survey_list_makes_the_same_queries_for_one_agency_or_many(
    partnership, coordinator, coordinator_client, django_assert_max_num_queries
):
    send_survey(
        agency=AgencyFactory.create(partnership=partnership), sent_by=coordinator, link_for=str
    )
    with django_assert_max_num_queries(99) as one:
        coordinator_client.get(coordinator_url(partnership, "survey"))
    for number in range(6):
        agency = AgencyFactory.create(partnership=partnership)
        if number % 2:
            send_survey(agency=agency, sent_by=coordinator, link_for=str)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(coordinator_url(partnership, "survey"))
    assert response.status_code == 200

"""The learner's questionnaire: a signed link, GOV.UK errors, save and resume, double clicks."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.links import AnswerLink, answer_path, link_for
from interagency.evaluation.models import Response, ResponseDraft, ResponseMode, WaveKind
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.tests.factories import make_plan
from interagency.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

NOW = datetime.datetime(2026, 6, 10, 11, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def end_wave_link(partnership, *, mode=ResponseMode.PSEUDONYMOUS):
    plan = make_plan(partnership, mode=mode)
    wave = plan.waves.get(kind=WaveKind.END)
    if mode == ResponseMode.ANONYMOUS:
        return wave, link_for(wave)
    booking = BookingFactory.create(session=plan.session)
    code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
    return wave, link_for(wave, code=code)


def form_data(**answers):
    data = {
        "idempotency_key": "click-1",
        "consented": "on",
        "action": "send",
        "item-c1": "4",
        "item-c2": "5",
        "item-c3": "2",
        "item-k1": "0",
        "item-k2": "2",
        "item-comment": "Good day.",
    }
    data.update(answers)
    return {key: value for key, value in data.items() if value is not None}


def test_the_link_shows_every_item_by_its_format_with_privacy_first(client, partnership):
    _wave, link = end_wave_link(partnership)
    page = client.get(answer_path(partnership.code, link)).content.decode()
    assert "Only the training team sees answers" in page
    assert page.index("Only the training team sees answers") < page.index("I can refer.")
    assert page.count('type="radio" value="1"') >= 2  # agree-disagree and multiple choice
    assert "Strongly agree" in page and "Tell the lead" in page
    assert 'name="item-comment"' in page and "<textarea" in page
    assert link.code in page


def test_a_sent_questionnaire_is_saved_and_the_link_then_says_so(client, partnership):
    wave, link = end_wave_link(partnership)
    path = answer_path(partnership.code, link)
    response = client.post(path, form_data())
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    saved = Response.objects.get(wave=wave)
    assert str(saved.response_code) == link.code
    assert {a.item.key: a.value for a in saved.answers.all() if a.value is not None}["c2"] == 5
    assert "already answered" in client.get(path).content.decode()


def test_a_double_click_saves_one_response(client, partnership):
    wave, link = end_wave_link(partnership)
    path = answer_path(partnership.code, link)
    first = client.post(path, form_data())
    second = client.post(path, form_data())
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(wave=wave).count() == 1


def test_errors_are_summarised_and_link_to_their_item(client, partnership):
    wave, link = end_wave_link(partnership)
    response = client.post(
        answer_path(partnership.code, link), form_data(consented=None, **{"item-k2": "9"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "<title>Error:" in page
    assert 'href="#id_item-k2"' in page and 'id="id_item-k2"' in page
    assert "Question 7: the answer must be a whole number from 1 to 3" in page
    assert 'href="#id_consented"' in page
    assert 'value="click-1"' in page  # the same key again: a retry stays one response
    assert not Response.objects.filter(wave=wave).exists()


def test_answers_saved_for_later_come_back_on_the_same_link(client, partnership):
    _wave, link = end_wave_link(partnership)
    path = answer_path(partnership.code, link)
    saved = client.post(path, form_data(action="save", consented=None, **{"item-c1": "2"}))
    assert saved.status_code == 302
    assert not Response.objects.exists()
    page = client.get(path).content.decode()
    assert "Your answers are saved" in page
    assert 'name="item-c1" type="radio" value="2" checked' in page
    assert "Good day." in page
    client.post(path, form_data())
    assert not ResponseDraft.objects.exists()  # sent: the draft goes


def test_an_anonymous_link_keeps_no_code_and_stores_none(client, partnership):
    wave, link = end_wave_link(partnership, mode=ResponseMode.ANONYMOUS)
    assert link.code == "" and link.draft_key
    client.post(answer_path(partnership.code, link), form_data())
    assert Response.objects.get(wave=wave).response_code is None


def test_a_changed_or_foreign_link_is_not_found(client, partnership, other_partnership):
    wave, link = end_wave_link(partnership)
    path = answer_path(partnership.code, link)
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get(answer_path(other_partnership.code, link)).status_code == 404
    made_up = AnswerLink(wave_id=wave.pk, code="ACDEFGHJ")
    assert client.get(answer_path(partnership.code, made_up)).status_code == 404


def test_a_named_evaluation_is_answered_only_by_the_signed_in_learner(
    client, partnership, sign_in, member_with
):
    plan = make_plan(partnership, mode=ResponseMode.NAMED)
    wave = plan.waves.get(kind=WaveKind.END)
    learner = member_with()
    person = PersonFactory(partnership=partnership, agency__partnership=partnership, user=learner)
    booking = BookingFactory.create(session=plan.session, person=person)
    code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
    path = answer_path(partnership.code, link_for(wave, code=code))
    assert client.get(path).status_code == 302  # to sign in
    sign_in(member_with())
    assert client.get(path).status_code == 404
    sign_in(learner)
    assert client.get(path).status_code == 200


def test_a_poster_link_asks_for_the_code(client, partnership):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    code = issue_response_code(
        plan=plan, booking=BookingFactory.create(session=plan.session), issued_by=None
    ).code
    path = answer_path(partnership.code, link_for(wave))
    assert "Your response code" in client.get(path).content.decode()
    missing = client.post(path, form_data()).content.decode()
    assert "Enter the response code" in missing
    client.post(path, form_data(code=code.lower(), idempotency_key="k2"))
    assert str(Response.objects.get(wave=wave).response_code) == code
    assert timezone.now() == NOW

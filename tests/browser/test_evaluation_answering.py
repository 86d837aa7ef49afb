"""A learner answers the end-of-course questionnaire on a phone from their email's link:
an error first, then save and come back, then send. Every page is checked with axe."""

import pytest

from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.links import answer_path, link_for
from interagency.evaluation.models import Response, WaveKind
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.tests.factories import make_plan
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "has_touch": True, "is_mobile": True}


def test_a_learner_answers_on_a_phone(live_server, browser, watch: PageWatch, partnership):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.END)
    booking = BookingFactory.create(session=plan.session)
    code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
    context = browser.new_context(**PHONE)
    page = context.new_page()
    watch.attach(page)
    page.goto(live_server.url + answer_path(partnership.code, link_for(wave, code=code)))
    assert "at the end of the course" in heading(page)
    assert page.get_by_text(code).is_visible()
    watch.check_accessibility(page, "questionnaire")

    page.get_by_role("group", name="1. I can refer.").get_by_label("Agree", exact=True).check()
    follow(page, page.get_by_role("button", name="Send my answers"))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("Tick the box to say you agree").is_visible()
    watch.check_accessibility(page, "questionnaire with errors")

    page.get_by_role("group", name="7. First step?").get_by_label("Tell the lead").check()
    follow(page, page.get_by_role("button", name="Save and finish later"))
    assert page.get_by_text("Your answers are saved").is_visible()
    assert (
        page.get_by_role("group", name="7. First step?").get_by_label("Tell the lead").is_checked()
    )

    page.get_by_label("I agree").check()
    page.get_by_label("8. Anything else?").fill("Clear and useful.")
    follow(page, page.get_by_role("button", name="Send my answers"))
    assert heading(page) == "Answers sent"
    watch.check_accessibility(page, "answers sent")
    (response,) = Response.objects.filter(wave=wave)
    assert {answer.item.key for answer in response.answers.all()} == {"c1", "k2", "comment"}
    context.close()
    watch.assert_clean()

"""A coordinator finds a failed email, retries it, and changes the wording of an email.

Every page is checked with axe (with JavaScript on); the retry and the
template form are plain forms, so the same walk works without JavaScript.
"""

import pytest

from interagency.core.permissions import Role
from interagency.delivery import notices
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageTemplate, OutboxMessage
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator_user(partnership):
    from interagency.accounts.tests.factories import UserFactory

    user = UserFactory(full_name="Cora Ordinator")
    MembershipFactory(partnership=partnership, user=user, role=Role.COORDINATOR)
    return user


@pytest.fixture
def failed_email(partnership) -> OutboxMessage:
    booking = BookingFactory.create(
        session__partnership=partnership, person__work_email="ada@agency.example"
    )
    notices.booking_confirmed(booking)
    message = OutboxMessage.objects.get(booking=booking)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED,
        attempts=5,
        last_error="Attempt 5 of 5 failed: ConnectionRefusedError: [Errno 111] Connection refused",
    )
    return message


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_coordinator_retries_a_failed_email_and_rewords_the_confirmation(
    browser, live_server, partnership, coordinator_user, failed_email, watch: PageWatch, javascript
):
    page = signed_in_page(
        browser, live_server, coordinator_user, watch, java_script_enabled=javascript
    )

    def check(page, name: str) -> None:
        # axe runs in the page's JavaScript: only in the walk with JavaScript on.
        if javascript:
            watch.check_accessibility(page, name)

    base = f"{live_server.url}/p/{partnership.code}/sessions/messages/"
    page.goto(base)
    assert heading(page) == "Emails"
    assert "Connection refused" in page.inner_text("main")
    check(page, "outbox")

    follow(page, page.get_by_role("button", name="Retry the email to ada@agency.example"))
    assert "will be sent again" in page.inner_text("main")
    failed_email.refresh_from_db()
    assert failed_email.status in (OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT)
    check(page, "outbox after retry")

    follow(page, page.get_by_role("link", name="Change the wording of the emails"))
    assert heading(page) == "Wording of emails"
    check(page, "templates")
    follow(page, page.get_by_role("link", name="Change the booking confirmed email"))
    check(page, "template form")

    page.get_by_label("Message").fill("Hello {% if name %}{{ name }}{% endif %}")
    follow(page, page.get_by_role("button", name="Save wording"))
    assert "There is a problem" in page.inner_text("main")
    assert "must not contain tags" in page.inner_text(".govuk-error-summary")
    check(page, "template form with an error")

    page.get_by_label("Message").fill("Hello {{ name }}, see you on {{ date }}.")
    follow(page, page.get_by_role("button", name="Preview"))
    assert "Hello Sam Taylor, see you on Tuesday 3 March 2026." in page.inner_text("#preview")
    check(page, "template preview")
    follow(page, page.get_by_role("button", name="Save wording"))
    assert "now uses your wording" in page.inner_text("main")
    assert MessageTemplate.objects.get(partnership=partnership).body.startswith("Hello {{ name }}")

    follow(page, page.get_by_role("link", name="Change the booking confirmed email"))
    follow(page, page.get_by_role("button", name="Go back to the default wording"))
    assert "uses the default wording again" in page.inner_text("main")
    assert not MessageTemplate.objects.exists()
    watch.assert_clean()

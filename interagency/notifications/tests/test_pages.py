"""The coordinator's email pages: outbox with filters and retry, wording with preview and reset."""

import pytest
from django.core import mail
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.delivery import notices
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.notifications.rendering import DEFAULTS
from interagency.notifications.tests.outbox_support import written

pytestmark = pytest.mark.clock


def outbox_url(partnership, **query) -> str:
    url = reverse("notifications:outbox", kwargs={"code": partnership.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def template_url(partnership, kind=MessageKind.BOOKING_CONFIRMED) -> str:
    return reverse("notifications:template", kwargs={"code": partnership.code, "kind": kind})


def make_messages(partnership, count: int, *, failed: int = 0) -> list[OutboxMessage]:
    made = []
    for _ in range(count):
        booking = BookingFactory.create(session__partnership=partnership)
        notices.booking_confirmed(booking)
        made.extend(written(OutboxMessage.objects.filter(booking=booking)))
    for message in made[:failed]:
        message.status = OutboxMessage.Status.FAILED
        message.last_error = "Attempt 5 of 5 failed: SMTPServerDisconnected: Connection closed"
        message.save()
    return made


@pytest.mark.django_db
def test_outbox_lists_emails_and_highlights_failed_ones_with_a_retry_button(
    partnership, coordinator_client, django_assert_max_num_queries
):
    make_messages(partnership, 3, failed=1)
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(outbox_url(partnership))
    assert response.status_code == 200
    page = response.text
    assert page.count("govuk-tag--red") == 2  # the failed count and the failed row
    assert "SMTPServerDisconnected" in page
    assert page.count(">Retry<") == 1


@pytest.mark.django_db
def test_outbox_query_count_does_not_grow_with_the_data(
    partnership, coordinator_client, django_assert_max_num_queries
):
    make_messages(partnership, 30, failed=10)
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(outbox_url(partnership))
    assert response.status_code == 200


@pytest.mark.django_db
def test_outbox_filters_by_status_and_kind(partnership, coordinator_client):
    failed, sent = make_messages(partnership, 2, failed=1)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    page = coordinator_client.get(outbox_url(partnership, status="failed")).text
    assert f'id="message-{failed.pk}"' in page and f'id="message-{sent.pk}"' not in page
    page = coordinator_client.get(outbox_url(partnership, kind="reminder")).text
    assert "No emails match your filters." in page
    wrong = coordinator_client.get(outbox_url(partnership, status="lost"))
    assert "Choose a status from the list" in wrong.text


@pytest.mark.django_db
def test_retrying_a_failed_email_sends_it(
    partnership, coordinator_client, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    (message,) = make_messages(partnership, 1, failed=1)
    url = reverse(
        "notifications:retry", kwargs={"code": partnership.code, "message_id": message.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, follow=True)
    assert f"The email to {message.to_email} will be sent again." in response.text
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(subject_type="notifications.OutboxMessage").count() == 1
    # A second press finds nothing to retry.
    response = coordinator_client.post(url, follow=True)
    assert "is already sent" in response.text
    assert coordinator_client.get(url).status_code == 405


@pytest.mark.django_db
def test_only_coordinators_see_the_email_pages(partnership, member_with, client, sign_in):
    sign_in(member_with(Role.LEARNER, Role.TRAINER))
    assert client.get(outbox_url(partnership)).status_code == 403
    assert client.get(template_url(partnership)).status_code == 403


@pytest.mark.django_db
def test_templates_page_lists_every_kind_with_its_wording(
    partnership, coordinator_client, django_assert_max_num_queries
):
    url = reverse("notifications:templates", kwargs={"code": partnership.code})
    with django_assert_max_num_queries(10):
        response = coordinator_client.get(url)
    assert response.text.count(">Default<") == len(MessageKind.values)


@pytest.mark.django_db
def test_saving_own_wording_is_used_for_new_emails_and_reset_restores_the_default(
    partnership, coordinator_client
):
    response = coordinator_client.post(
        template_url(partnership),
        {"subject": "You're in: {{ course }}", "body": "Hello {{ name }}", "action": "save"},
        follow=True,
    )
    assert "now uses your wording" in response.text
    booking = BookingFactory.create(session__partnership=partnership)
    notices.booking_confirmed(booking)
    (message,) = written(OutboxMessage.objects.filter(booking=booking))
    assert message.subject == f"You're in: {booking.session.course}"
    assert message.body == f"Hello {booking.person.full_name}"
    reset = reverse(
        "notifications:template-reset",
        kwargs={"code": partnership.code, "kind": MessageKind.BOOKING_CONFIRMED},
    )
    coordinator_client.post(reset)
    assert not MessageTemplate.objects.filter(partnership=partnership).exists()
    form = coordinator_client.get(template_url(partnership)).context["form"]
    assert form.initial["subject"] == DEFAULTS[MessageKind.BOOKING_CONFIRMED][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{% if name %}Hi{% endif %}", "The message must not contain tags like {% if %}"),
        ("Hi {{ nmae }}", "The message uses {{ nmae }}, which is not a placeholder."),
        ("Hi {{ name", "The message has an unmatched {{ or }}"),
    ],
)
def test_template_errors_are_named_on_the_field(partnership, coordinator_client, body, error):
    response = coordinator_client.post(
        template_url(partnership), {"subject": "Booked", "body": body, "action": "save"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error in response.context["form"].errors["body"][0]
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_preview_fills_in_sample_values_without_saving(partnership, coordinator_client):
    response = coordinator_client.post(
        template_url(partnership),
        {"subject": "Booked: {{ course }}", "body": "Dear {{ name }}", "action": "preview"},
    )
    assert "Booked: Working Together to Safeguard Children" in response.text
    assert "Dear Sam Taylor" in response.text
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_an_unknown_kind_is_not_found(partnership, coordinator_client):
    assert coordinator_client.get(template_url(partnership, kind="nonsense")).status_code == 404


@pytest.mark.django_db
def test_the_email_pages_are_part_of_the_sessions_area(partnership, coordinator_client):
    page = coordinator_client.get(outbox_url(partnership)).text
    assert '<strong class="govuk-service-navigation__active-fallback">Sessions</strong>' in page


@pytest.mark.django_db
def test_retry_all_failed_emails_after_an_outage(
    partnership, other_partnership, coordinator_client, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    *failed, already_sent = make_messages(partnership, 3, failed=2)
    # The sender sends everything due, so the one that is not failed has gone already.
    OutboxMessage.objects.filter(pk=already_sent.pk).update(status=OutboxMessage.Status.SENT)
    (elsewhere,) = make_messages(other_partnership, 1, failed=1)
    url = reverse("notifications:retry-failed", kwargs={"code": partnership.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, follow=True)
    assert "2 failed emails will be sent again." in response.text
    assert len(mail.outbox) == 2
    assert {email.to[0] for email in mail.outbox} == {message.to_email for message in failed}
    response = coordinator_client.post(url, follow=True)
    assert "There are no failed emails with an address to send again." in response.text
    elsewhere.refresh_from_db()
    assert elsewhere.status == OutboxMessage.Status.FAILED  # another partnership's: untouched

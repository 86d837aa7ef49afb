"""Training emails: the line managers' monthly digest and the reminder before training falls due."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.tasks import send_outbox_message_task
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.digests import queue_training_emails
from interagency.records.tests.test_training_status import completed
from interagency.tenancy.models import Partnership

pytestmark = pytest.mark.clock

TODAY = datetime.date(2026, 6, 15)
LONG_AGO = datetime.date(2020, 1, 6)


@pytest.fixture
def team(partnership, catalogue):
    """A manager's team: Ann overdue on Core, Ben due soon (in seven weeks), Cara done;
    Dan, in no team, falls due in sixteen days."""
    agency = AgencyFactory.create(partnership=partnership)
    role, core, intro = catalogue["role"], catalogue["core"], catalogue["intro"]

    def person(name, **fields):
        email = f"{name.split()[0].lower()}@trust.example"
        return PersonFactory.create(
            agency=agency, full_name=name, work_email=email, role=role, **fields
        )

    manager = person("Maria Manager")
    ann = person("Ann Overdue", line_manager=manager, started_on=LONG_AGO)
    ben = person("Ben Soon", line_manager=manager, started_on=LONG_AGO)
    cara = person("Cara Done", line_manager=manager, started_on=LONG_AGO)
    dan = person("Dan Reminded", started_on=LONG_AGO)
    for each in (ann, ben, cara, dan):
        completed(each, intro, datetime.date(2020, 3, 1))
    completed(ben, core, datetime.date(2023, 8, 1))  # refreshed every 36 months
    completed(cara, core, datetime.date(2026, 1, 10))
    completed(dan, core, datetime.date(2023, 7, 1))
    return {"manager": manager, "ann": ann, "ben": ben, "cara": cara, "dan": dan}


def received(smtp_server, to: str) -> list:
    """What reached ``to`` through SMTP once the outbox was sent (a run sends all that is due)."""
    for pk in OutboxMessage.objects.values_list("pk", flat=True):
        send_outbox_message_task.call(pk)
    return [message for message in smtp_server.messages if message["To"] == to]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_a_line_manager_gets_their_teams_due_and_overdue_training_through_smtp(
    team, settings, smtp_server
):
    settings.MAILERS = smtp_server.mailers
    queue_training_emails(today=TODAY)

    (digest,) = received(smtp_server, "maria@trust.example")
    assert digest["Subject"] == "Your team's safeguarding training: 1 overdue, 1 due soon"
    text = body(digest)
    assert "Dear Maria Manager," in text
    assert "Ann Overdue\n- Overdue: Core (due 6 January 2021)" in text
    assert "Ben Soon\n- Due soon: Core (due 1 August 2026)" in text
    assert "Cara Done" not in text and "Dan Reminded" not in text
    assert "/p/camden/people/training-status/" in text


def test_the_digest_goes_once_a_month_however_often_the_command_runs(team):
    assert queue_training_emails(today=TODAY) == 2  # the digest and Dan's reminder
    assert queue_training_emails(today=TODAY) == 0
    assert queue_training_emails(today=TODAY + datetime.timedelta(days=10)) == 0
    next_month = datetime.date(2026, 7, 1)
    queue_training_emails(today=next_month)
    digests = OutboxMessage.objects.filter(kind=MessageKind.TRAINING_DIGEST)
    assert digests.count() == 2
    assert {message.key.rsplit(":", 1)[1] for message in digests} == {"2026-06", "2026-07"}


def test_a_person_is_reminded_once_a_month_before_a_course_falls_due(team, settings, smtp_server):
    settings.MAILERS = smtp_server.mailers
    out = StringIO()
    call_command("send_training_digests", stdout=out)  # at the pinned instant
    queue_training_emails(today=TODAY)
    queue_training_emails(today=TODAY + datetime.timedelta(days=1))

    (reminder,) = received(smtp_server, "dan@trust.example")
    assert reminder["Subject"] == "Training due by 1 July 2026: Core"
    text = body(reminder)
    assert "Dear Dan Reminded," in text and "/p/camden/sessions/upcoming/" in text
    assert "training email(s) queued" in out.getvalue()
    # Ben falls due in seven weeks: his reminder comes when a month is left.
    assert queue_training_emails(today=datetime.date(2026, 7, 2)) >= 1
    assert OutboxMessage.objects.filter(kind=MessageKind.TRAINING_DUE, to_email="ben@trust.example")


def test_a_partnership_that_switched_them_off_sends_neither(team, partnership):
    Partnership.objects.filter(pk=partnership.pk).update(
        sends_manager_digests=False, sends_training_reminders=False
    )
    assert queue_training_emails(today=TODAY) == 0
    assert not OutboxMessage.objects.exists()


def test_the_coordinator_switches_the_digest_off_and_it_is_audited(
    team, partnership, coordinator_client
):
    page = coordinator_client.get("/p/camden/settings/emails/")
    assert page.status_code == 200
    assert "A monthly digest to each line manager" in page.content.decode()

    response = coordinator_client.post(
        "/p/camden/settings/emails/", {"emails": ["sends_training_reminders"]}
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert not partnership.sends_manager_digests and partnership.sends_training_reminders
    event = AuditEvent.objects.for_partnership(partnership).get(subject_type="tenancy.Partnership")
    assert event.changes == {"sends_manager_digests": [True, False]}
    queue_training_emails(today=TODAY)
    assert not OutboxMessage.objects.filter(kind=MessageKind.TRAINING_DIGEST).exists()
    assert OutboxMessage.objects.filter(kind=MessageKind.TRAINING_DUE).exists()


def test_only_the_coordinator_may_change_the_training_emails(partnership, member_with, client):
    from conftest import sign_in_verified

    sign_in_verified(client, member_with(Role.LINE_MANAGER))
    assert client.get("/p/camden/settings/emails/").status_code == 403
    response = client.post("/p/camden/settings/emails/", {"emails": []})
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.sends_manager_digests

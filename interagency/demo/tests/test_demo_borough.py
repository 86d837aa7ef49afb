"""The demo is a small borough: agencies of every sector, 300 people, a year of training."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from conftest import sign_in_verified
from interagency.accounts.models import User
from interagency.audit.models import AuditEvent
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    Certificate,
    DeliverySettings,
    Session,
)
from interagency.demo import seeding
from interagency.evaluation.models import Response
from interagency.people.models import Agency, Person, Sector
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership

pytestmark = pytest.mark.clock

PASSWORD = "a long demo password for tests"


@pytest.fixture
def demo(db):
    call_command("seed", "--scale", "demo", "--password", PASSWORD, stdout=StringIO())
    return Partnership.objects.get(code="camden")


def account(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}@{seeding.DEMO_DOMAIN}")


def test_the_demo_has_agencies_of_every_sector_a_partnership_trains(demo):
    agencies = Agency.objects.for_partnership(demo)
    assert agencies.count() >= 8
    sectors = set(agencies.values_list("sector", flat=True))
    assert {
        Sector.CHILDRENS_SOCIAL_CARE,
        Sector.EDUCATION,
        Sector.HEALTH,
        Sector.POLICE,
        Sector.VOLUNTARY,
        Sector.EARLY_YEARS,
        Sector.HOUSING,
    } <= sectors
    names = set(agencies.values_list("name", flat=True))
    assert any("NHS" in name for name in names)
    assert any("Medical Centre" in name for name in names)  # a GP practice


def test_the_demo_has_300_people_in_posts_with_roles_and_line_managers(demo):
    people = Person.objects.for_partnership(demo)
    assert people.count() == seeding.DEMO_PEOPLE_TOTAL
    assert not people.filter(agency__isnull=True).exists()
    assert people.filter(service__isnull=False).count() > 280
    without_role = people.filter(role__isnull=True).count()
    assert 1 <= without_role <= 3
    assert set(people.exclude(role=None).values_list("role__framework__slug", flat=True)) == {
        "competence-matters"
    }
    managed = people.filter(line_manager__isnull=False)
    assert managed.count() > 200
    assert not managed.exclude(line_manager__agency=F("agency")).exists()
    manager = people.get(user=account("manager"))
    assert people.filter(line_manager=manager).count() >= 5


def test_the_demo_has_forty_sessions_over_six_months_each_side_of_now(demo):
    now = timezone.now()
    sessions = Session.objects.for_partnership(demo)
    assert sessions.count() == seeding.DEMO_SESSIONS
    assert not sessions.filter(starts_at__lt=now - datetime.timedelta(days=200)).exists()
    assert not sessions.filter(starts_at__gt=now + datetime.timedelta(days=200)).exists()
    assert sessions.filter(starts_at__lt=now - datetime.timedelta(days=90)).exists()
    assert sessions.filter(starts_at__gt=now + datetime.timedelta(days=90)).exists()
    closed = sessions.filter(status=Session.Status.CLOSED)
    assert closed.count() >= 10
    assert not closed.filter(ends_at__gt=now).exists()
    assert Certificate.objects.filter(booking__session__in=closed).count() > 100
    records = TrainingRecord.objects.for_partnership(demo)
    assert records.filter(source=TrainingRecord.Source.SESSION).count() > 100
    assert records.filter(source=TrainingRecord.Source.EXTERNAL).count() > 500
    for session in sessions.exclude(status=Session.Status.CANCELLED):
        held = session.bookings.filter(status=BookingStatus.CONFIRMED).count()
        assert session.places_taken == held <= session.capacity


def test_the_demo_line_manager_has_approvals_waiting(demo, client):
    assert DeliverySettings.objects.for_partnership(demo).get().requires_manager_approval
    waiting = Booking.objects.for_partnership(demo).filter(
        status=BookingStatus.AWAITING_APPROVAL, person__line_manager__user=account("manager")
    )
    assert waiting.count() >= 3
    sign_in_verified(client, account("manager"))
    text = client.get("/p/camden/sessions/approvals/").content.decode()
    for booking in waiting.select_related("person"):
        assert booking.person.full_name in text


def test_the_demo_has_waiting_lists_beyond_the_story(demo):
    full = Session.objects.for_partnership(demo).filter(
        bookings__status=BookingStatus.WAITING, places_taken=F("capacity")
    )
    assert full.distinct().count() >= 2


def test_the_demo_coordinator_reads_an_audit_trail(demo, client):
    events = AuditEvent.objects.for_partnership(demo)
    kinds = set(events.values_list("subject_type", flat=True))
    assert {"people.Person", "delivery.Session", "delivery.Booking"} <= kinds
    assert events.count() > 500
    assert not events.filter(at__gt=timezone.now()).exists()
    sign_in_verified(client, account("coordinator"))
    response = client.get("/p/camden/audit/")
    assert response.status_code == 200
    assert "coordinator@demo.interagency.test" in response.content.decode()


def test_the_demo_has_evaluation_responses(demo):
    assert Response.objects.for_partnership(demo).count() > 20


def test_the_demo_training_status_shows_every_status(demo, client):
    sign_in_verified(client, account("coordinator"))
    response = client.get("/p/camden/people/training-status/")
    assert response.status_code == 200
    counts = response.context["counts"]
    for status in ("overdue", "due_soon", "booked", "done", "no_role"):
        assert counts[status] > 0, status
    # Most required courses are done, and a fair few overdue: neither all nor none.
    total = sum(counts.values())
    assert 0.05 < counts["overdue"] / total < 0.4
    assert counts["done"] / total > 0.5

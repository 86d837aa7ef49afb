"""Session services: create, change and cancel sessions; venues; delivery settings."""

import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    DeliverySettings,
    Session,
    SessionFormat,
    SessionPart,
)
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import mix as selectors
from interagency.delivery.selectors import settings as settings_reads
from interagency.delivery.services import arrangements
from interagency.delivery.services import sessions as services
from interagency.delivery.services.sessions import SectorHoldEntry, TrainerEntry
from interagency.delivery.tests.factories import BookingFactory, SessionFactory, VenueFactory
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.clock

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def london(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def soon(days: int = 30) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


@pytest.fixture
def course(partnership):
    course = CourseFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    return course


@pytest.fixture
def venue(partnership):
    return VenueFactory.create(partnership=partnership)


def make(partnership, coordinator, course, venue, **overrides):
    day = soon()
    arguments = {
        "partnership": partnership,
        "created_by": coordinator,
        "course": course,
        "parts": [(london(day, 9, 30), london(day, 16, 30))],
        "venue": venue,
        "capacity": 20,
        "minimum_numbers": 8,
    }
    arguments.update(overrides)
    return services.create_session(**arguments)


def problems_of(error: ServiceError) -> list[str]:
    return [message for _, message in error.problems]


@pytest.mark.django_db
def test_create_session_copies_dates_from_parts_and_audits(partnership, coordinator, course, venue):
    first, second = soon(30), soon(37)
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        parts=[
            (london(second, 18), london(second, 20)),
            (london(first, 18), london(first, 20)),
        ],
    )
    parts = list(session.parts.order_by("order"))
    assert [p.starts_at.astimezone(LONDON).date() for p in parts] == [first, second]
    assert session.starts_at == london(first, 18)
    assert session.ends_at == london(second, 20)
    event = AuditEvent.objects.get(subject_type="delivery.Session", subject_id=str(session.pk))
    assert event.action == AuditEvent.Action.CREATED
    assert event.partnership == partnership
    assert len(event.changes["parts"][1]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("day", [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)])
def test_wall_clock_times_survive_the_clock_change(partnership, coordinator, course, venue, day):
    session = make(
        partnership, coordinator, course, venue, parts=[(london(day, 9, 30), london(day, 16))]
    )
    part = SessionPart.objects.get(session=session)
    assert part.starts_at.astimezone(LONDON).time() == datetime.time(9, 30)
    assert part.ends_at.astimezone(LONDON).time() == datetime.time(16, 0)
    # 29 March is in summer time (UTC+1), 25 October back in GMT.
    expected_utc_hour = 8 if day.month == 3 else 9
    assert part.starts_at.astimezone(UTC).hour == expected_utc_hour


@pytest.mark.django_db
def test_every_problem_is_reported_and_nothing_is_saved(partnership, coordinator, course):
    day = soon()
    with pytest.raises(ServiceError) as caught:
        make(
            partnership,
            coordinator,
            course,
            None,
            parts=[(london(day, 9), london(day, 12)), (london(day, 14), london(day, 13))],
            capacity=10,
            minimum_numbers=12,
            booking_opens_at=london(day, 9) - datetime.timedelta(days=5),
            booking_closes_at=london(day, 9) - datetime.timedelta(days=10),
        )
    assert problems_of(caught.value) == [
        "The end time of part 2 must be after its start time.",
        "Minimum numbers must not be more than the capacity.",
        "Booking must close after it opens.",
        "Choose a venue for an in-person session.",
    ]
    assert isinstance(caught.value, ServiceError)
    assert caught.value.message == "The end time of part 2 must be after its start time."
    assert not Session.objects.exists()
    assert not AuditEvent.objects.filter(subject_type="delivery.Session").exists()


@pytest.mark.django_db
def test_online_session_needs_a_link_and_drops_the_venue(partnership, coordinator, course, venue):
    with pytest.raises(ServiceError) as caught:
        make(partnership, coordinator, course, venue, format=SessionFormat.ONLINE)
    assert caught.value.field == "joining_link"
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        format=SessionFormat.ONLINE,
        joining_link="https://meet.example/abc",
    )
    assert session.venue is None


@pytest.mark.django_db
def test_refuses_course_venue_and_trainer_of_another_partnership(
    partnership, other_partnership, coordinator, course, member_with
):
    foreign_course = CourseFactory.create()
    foreign_venue = VenueFactory.create(partnership=other_partnership)
    outsider = member_with(Role.TRAINER, partnership=other_partnership)
    with pytest.raises(ServiceError) as caught:
        make(
            partnership,
            coordinator,
            foreign_course,
            foreign_venue,
            trainers=[TrainerEntry(user=outsider)],
        )
    assert [field for field, _ in caught.value.problems] == ["course", "venue", "trainers"]


@pytest.mark.django_db
def test_trainers_and_sector_holds_are_saved(partnership, coordinator, course, venue, member_with):
    trainer = member_with(Role.TRAINER)
    until = london(soon(20), 0)
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        trainers=[TrainerEntry(user=trainer), TrainerEntry(name="Sam Lee", provider_name="Acme")],
        sector_holds=[SectorHoldEntry(Sector.POLICE, 4, until)],
    )
    assert sorted(t.name for t in session.trainers.all()) == sorted(
        [trainer.get_full_name() or trainer.email, "Sam Lee"]
    )
    hold = session.sector_holds.get()
    assert (hold.sector, hold.places, hold.until) == (Sector.POLICE, 4, until)
    with pytest.raises(ServiceError, match="more than the capacity"):
        make(
            partnership,
            coordinator,
            course,
            venue,
            capacity=5,
            minimum_numbers=0,
            sector_holds=[
                SectorHoldEntry(Sector.POLICE, 3, until),
                SectorHoldEntry(Sector.HEALTH, 3, until),
            ],
        )


@pytest.mark.django_db
def test_update_raises_sequence_and_notifies_when_dates_change(
    partnership, coordinator, course, venue
):
    session = make(partnership, coordinator, course, venue)
    day = soon(40)
    with mock.patch("interagency.delivery.notices.session_changed") as changed:
        updated = services.update_session(
            session=session, changed_by=coordinator, parts=[(london(day, 10), london(day, 15))]
        )
    changed.assert_called_once()
    assert updated.sequence == 1
    assert updated.starts_at == london(day, 10)
    assert updated.parts.count() == 1
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGED).get()
    assert "parts" in event.changes and "starts_at" in event.changes


@pytest.mark.django_db
def test_update_of_capacity_only_does_not_notify(partnership, coordinator, course, venue):
    session = make(partnership, coordinator, course, venue)
    with mock.patch("interagency.delivery.notices.session_changed") as changed:
        updated = services.update_session(session=session, changed_by=coordinator, capacity=25)
    changed.assert_not_called()
    assert (updated.capacity, updated.sequence) == (25, 0)


@pytest.mark.django_db
def test_update_of_venue_or_link_raises_sequence(partnership, coordinator, course, venue):
    session = make(partnership, coordinator, course, venue)
    other = VenueFactory.create(partnership=partnership)
    updated = services.update_session(session=session, changed_by=coordinator, venue=other)
    assert updated.sequence == 1
    updated = services.update_session(
        session=updated,
        changed_by=coordinator,
        format=SessionFormat.ONLINE,
        joining_link="https://meet.example/x",
    )
    assert (updated.sequence, updated.venue) == (2, None)


@pytest.mark.django_db
def test_capacity_cannot_go_below_places_taken(partnership, coordinator, course, venue):
    session = make(partnership, coordinator, course, venue, capacity=10, minimum_numbers=0)
    Session.objects.filter(pk=session.pk).update(places_taken=6)
    with pytest.raises(ServiceError) as caught:
        services.update_session(session=session, changed_by=coordinator, capacity=5)
    assert caught.value.message == "The capacity cannot be less than the 6 places already taken."
    session.refresh_from_db()
    assert session.capacity == 10


@pytest.mark.django_db
def test_editing_a_part_keeps_its_id(partnership, coordinator, course, venue):
    first, second = soon(30), soon(31)
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        parts=[(london(first, 9), london(first, 12)), (london(second, 9), london(second, 12))],
    )
    ids = list(session.parts.order_by("order").values_list("pk", flat=True))
    services.update_session(
        session=session,
        changed_by=coordinator,
        parts=[(london(first, 9), london(first, 13)), (london(second, 9), london(second, 12))],
    )
    assert list(session.parts.order_by("order").values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_cancel_releases_bookings_and_notifies_with_alternatives(
    partnership, coordinator, course, venue
):
    session = make(partnership, coordinator, course, venue)
    alternative = make(partnership, coordinator, course, venue)
    confirmed = BookingFactory.create(session=session)
    waiting = BookingFactory.create(
        session=session, status=BookingStatus.WAITING, waiting_since=datetime.datetime.now(UTC)
    )
    Session.objects.filter(pk=session.pk).update(places_taken=1)
    with mock.patch("interagency.delivery.notices.session_cancelled") as cancelled:
        result = services.cancel_session(
            session=session,
            cancelled_by=coordinator,
            reason="Trainer unwell",
            alternatives=[alternative],
        )
    cancelled.assert_called_once_with(result, [alternative])
    assert result.status == Session.Status.CANCELLED
    assert result.places_taken == 0
    assert result.cancellation_reason == "Trainer unwell"
    assert result.sequence == 1
    statuses = set(
        Booking.objects.filter(pk__in=[confirmed.pk, waiting.pk]).values_list("status", flat=True)
    )
    assert statuses == {BookingStatus.SESSION_CANCELLED}
    event = AuditEvent.objects.filter(
        subject_type="delivery.Session", subject_id=str(session.pk), action="changed"
    ).get()
    assert event.changes["status"] == ["scheduled", "cancelled"]
    assert event.changes["cancellation_reason"] == ["(changed)", "(changed)"]
    with pytest.raises(ServiceError, match="cancelled"):
        services.update_session(session=result, changed_by=coordinator, capacity=30)


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_alternatives_of_the_same_course(
    partnership, coordinator, course, venue
):
    session = make(partnership, coordinator, course, venue)
    other_course = CourseFactory.create(tier=course.tier)
    unrelated = SessionFactory.create(partnership=partnership, course=other_course)
    with pytest.raises(ServiceError) as caught:
        services.cancel_session(session=session, cancelled_by=coordinator, reason="  ")
    assert caught.value.field == "reason"
    with pytest.raises(ServiceError) as caught:
        services.cancel_session(
            session=session, cancelled_by=coordinator, reason="x", alternatives=[unrelated]
        )
    assert caught.value.field == "alternatives"
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


@pytest.mark.django_db
def test_venue_names_unique_per_partnership_and_audited(
    partnership, other_partnership, coordinator
):
    venue = arrangements.create_venue(
        partnership=partnership,
        created_by=coordinator,
        name="Town Hall",
        address="Judd St",
        postcode="wc1h 9jE",
    )
    assert venue.postcode == "WC1H 9JE"
    with pytest.raises(ServiceError) as caught:
        arrangements.create_venue(
            partnership=partnership, created_by=coordinator, name="town hall", address="Elsewhere"
        )
    assert caught.value.field == "name"
    arrangements.create_venue(
        partnership=other_partnership, created_by=coordinator, name="Town Hall", address="Upper St"
    )
    arrangements.update_venue(venue=venue, changed_by=coordinator, parking="None on site")
    assert (
        AuditEvent.objects.filter(subject_type="delivery.Venue", partnership=partnership).count()
        == 2
    )


@pytest.mark.django_db
def test_moving_a_venue_updates_its_upcoming_sessions(partnership, coordinator, course, venue):
    session = make(partnership, coordinator, course, venue)
    with mock.patch("interagency.delivery.notices.session_changed") as changed:
        arrangements.update_venue(venue=venue, changed_by=coordinator, address="New address")
    changed.assert_called_once()
    session.refresh_from_db()
    assert session.sequence == 1


@pytest.mark.django_db
def test_update_delivery_settings_creates_then_changes(partnership, coordinator):
    assert settings_reads.delivery_settings_of(partnership).pk is None
    settings = arrangements.update_delivery_settings(
        partnership=partnership,
        changed_by=coordinator,
        requires_manager_approval=True,
        offer_hours=24,
    )
    assert DeliverySettings.objects.get(partnership=partnership).offer_hours == 24
    arrangements.update_delivery_settings(
        partnership=partnership, changed_by=coordinator, default_no_show_charge=Decimal("50.00")
    )
    settings.refresh_from_db()
    assert settings.default_no_show_charge == Decimal("50.00")
    assert AuditEvent.objects.filter(subject_type="delivery.DeliverySettings").count() == 2
    with pytest.raises(ServiceError) as caught:
        arrangements.update_delivery_settings(
            partnership=partnership, changed_by=coordinator, offer_hours=0
        )
    assert caught.value.field == "offer_hours"


@pytest.mark.django_db
def test_mix_and_warnings(partnership, coordinator, course, venue):
    start = datetime.datetime.now(UTC) + datetime.timedelta(days=3)
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        parts=[(start, start + datetime.timedelta(hours=3))],
        capacity=6,
        minimum_numbers=5,
        max_agency_share=30,
    )
    police = AgencyFactory.create(partnership=partnership, sector=Sector.POLICE, name="Met Police")
    school = AgencyFactory.create(partnership=partnership, sector=Sector.EDUCATION, name="School")
    for agency in (police, police, police, police, school):
        BookingFactory.create(session=session, person=PersonFactory.create(agency=agency))
    BookingFactory.create(
        session=session,
        person=PersonFactory.create(agency=school),
        status=BookingStatus.WAITING,
        waiting_since=start,
    )
    bookings = booking_reads.session_bookings(session)
    mix = selectors.session_mix(bookings)
    assert mix.total == 5
    assert mix.largest_agency == selectors.Share("Met Police", 4, 80)
    assert [s.label for s in mix.sectors] == ["Police", "Education"]
    warnings = selectors.session_warnings(session, mix)
    assert any("more than half of the room is one sector" in w for w in warnings)
    assert any("Met Police holds 4 places, more than its 30% share" in w for w in warnings)
    assert not any("minimum" in w for w in warnings)
    assert selectors.list_warnings(partnership, [session])[session.pk] == warnings
    few = selectors.session_mix(bookings[:2])
    assert any("Only 2 of the minimum 5" in w for w in selectors.session_warnings(session, few))


@pytest.mark.django_db
def test_raising_the_capacity_offers_places_to_the_waiting_list(
    partnership, coordinator, course, venue
):
    session = make(partnership, coordinator, course, venue, capacity=1, minimum_numbers=0)
    BookingFactory.create(session=session)
    Session.objects.filter(pk=session.pk).update(places_taken=1)
    waiting = BookingFactory.create(
        session=session,
        status=BookingStatus.WAITING,
        waiting_since=datetime.datetime.now(UTC),
        confirmed_at=None,
    )
    services.update_session(session=session, changed_by=coordinator, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status in (BookingStatus.OFFERED, BookingStatus.CONFIRMED)
    session.refresh_from_db()
    assert session.places_taken == 2


@pytest.mark.django_db
def test_a_change_never_writes_back_a_stale_places_taken(partnership, coordinator, course, venue):
    """A place taken while the change is checked survives the change (and a cancellation)."""
    from django.db.models import F

    from interagency.delivery.services import sessions as module

    session = make(partnership, coordinator, course, venue)
    check = module.check_rules

    def booking_meanwhile(**kwargs):
        Session.objects.filter(pk=session.pk).update(places_taken=F("places_taken") + 1)
        return check(**kwargs)

    with mock.patch.object(module, "check_rules", side_effect=booking_meanwhile):
        services.update_session(session=session, changed_by=coordinator, notes="Bring lunch")
    session.refresh_from_db()
    assert (session.places_taken, session.notes) == (1, "Bring lunch")


@pytest.mark.django_db
def test_a_session_has_at_most_forty_parts(partnership, coordinator, course, venue):
    first = soon(10)
    parts = [(london(first, 9) + datetime.timedelta(days=n),) * 2 for n in range(41)]
    parts = [(start, start + datetime.timedelta(hours=1)) for start, _ in parts]
    with pytest.raises(ServiceError, match="at most 40 parts"):
        make(partnership, coordinator, course, venue, parts=parts)
    session = make(partnership, coordinator, course, venue, parts=parts[:40])
    assert session.parts.count() == 40


@pytest.mark.django_db
def test_a_started_session_cannot_be_cancelled(partnership, coordinator, course, venue):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=soon(-1)
    )
    with pytest.raises(ServiceError, match="has started"):
        services.cancel_session(session=session, cancelled_by=coordinator, reason="Too late")
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


@pytest.mark.django_db
def test_lowering_the_capacity_below_kept_sector_holds_is_refused(
    partnership, coordinator, course, venue
):
    until = london(soon(20), 0)
    session = make(
        partnership,
        coordinator,
        course,
        venue,
        capacity=10,
        minimum_numbers=0,
        sector_holds=[SectorHoldEntry(Sector.POLICE, 6, until)],
    )
    with pytest.raises(ServiceError, match=r"held for sectors \(6\) are more than the capacity"):
        services.update_session(session=session, changed_by=coordinator, capacity=5)

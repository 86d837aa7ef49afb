"""Booking a place: the rules, the quotas, approval, cancelling, and every refusal."""

import datetime

import pytest
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus, DeliverySettings, Session
from interagency.delivery.selectors import bookings as selectors
from interagency.delivery.selectors import settings as settings_reads
from interagency.delivery.selectors import waiting_list as waiting_reads
from interagency.delivery.services import bookings as services
from interagency.delivery.tests.booking_setup import (
    in_days,
    make_agency,
    make_person,
    make_session,
    record_notices,
    settings_of,
)
from interagency.people.models import Sector
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    """The notices are the notify work's; here they are recorded, not sent."""
    return record_notices(monkeypatch)


def state(session: Session) -> tuple[int, list[tuple[str, str]]]:
    """places_taken and (person, status) of every booking: what must not change on refusal."""
    session.refresh_from_db()
    rows = Booking.objects.filter(session=session).order_by("id")
    return session.places_taken, [(b.person.full_name, b.status) for b in rows]


def refused(session, person, by, match: str) -> ServiceError:
    before = state(session)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match=match) as caught:
        services.book_place(session=session, person=person, booked_by=by)
    assert state(session) == before
    assert AuditEvent.objects.count() == audit_before
    return caught.value


def test_booking_confirms_takes_a_place_audits_and_notifies(partnership, coordinator, sent):
    session = make_session(partnership, capacity=3)
    person = make_person(partnership)
    booking = services.book_place(session=session, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.confirmed_at is not None
    assert booking.agency == person.agency and booking.partnership == partnership
    assert not booking.is_regional
    session.refresh_from_db()
    assert session.places_taken == 1
    event = AuditEvent.objects.get(subject_type="delivery.Booking", subject_id=str(booking.pk))
    assert event.action == AuditEvent.Action.CREATED
    assert event.changes["status"] == [None, BookingStatus.CONFIRMED]
    assert event.actor_user_id == coordinator.pk and event.partnership == partnership
    assert sent == [("booking_confirmed", BookingStatus.CONFIRMED, person)]


def test_a_full_session_puts_people_on_the_waiting_list_in_order(partnership, coordinator, sent):
    session = make_session(partnership, capacity=2)
    people = [make_person(partnership) for _ in range(4)]
    bookings = [
        services.book_place(session=session, person=p, booked_by=coordinator) for p in people
    ]
    assert [b.status for b in bookings] == [
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITING,
        BookingStatus.WAITING,
    ]
    assert bookings[2].waiting_since and bookings[3].waiting_since
    assert bookings[2].waiting_since <= bookings[3].waiting_since
    assert list(waiting_reads.waiting_list(session)) == bookings[2:]
    assert [waiting_reads.waiting_position(b) for b in bookings] == [None, None, 1, 2]
    session.refresh_from_db()
    assert session.places_taken == 2
    assert [name for name, *_ in sent] == ["booking_confirmed"] * 2 + ["booking_waiting"] * 2


def test_booking_someone_twice_is_refused_whatever_the_status(partnership, coordinator):
    session = make_session(partnership, capacity=1)
    first, second = make_person(partnership), make_person(partnership)
    services.book_place(session=session, person=first, booked_by=coordinator)
    services.book_place(session=session, person=second, booked_by=coordinator)  # waiting
    for person in (first, second):
        error = refused(session, person, coordinator, "already booked on this session")
        assert error.message == f"{person} is already booked on this session."
        assert error.field == "person"


def test_the_unique_constraint_answers_a_race_the_check_missed(
    partnership, coordinator, monkeypatch
):
    """When a concurrent booking slips past the check, the insert fails and nothing changes."""
    session = make_session(partnership, capacity=3)
    person = make_person(partnership)
    services.book_place(session=session, person=person, booked_by=coordinator)
    real_filter = Booking.objects.for_partnership

    class Blind:
        def __init__(self, qs):
            self.qs = qs

        def filter(self, *args, **kwargs):
            if "status__in" in kwargs and "person" in kwargs:
                return self.qs.none()
            return self.qs.filter(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.qs, name)

    monkeypatch.setattr(Booking.objects, "for_partnership", lambda p: Blind(real_filter(p)))
    error = refused(session, person, coordinator, "already booked")
    assert error.message == f"{person} is already booked on this session."


def test_a_person_may_book_again_after_cancelling(partnership, coordinator):
    session = make_session(partnership, capacity=2)
    person = make_person(partnership)
    booking = services.book_place(session=session, person=person, booked_by=coordinator)
    services.cancel_booking(booking=booking, cancelled_by=coordinator)
    again = services.book_place(session=session, person=person, booked_by=coordinator)
    assert again.status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 1


# Each change is made when the test runs, so its dates come from the pinned clock.
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda: {"status": Session.Status.CANCELLED}, "This session has been cancelled"),
        (lambda: {"status": Session.Status.CLOSED}, "register is closed"),
        (lambda: {"booking_opens_at": in_days(2)}, "Booking for this session opens at"),
        (lambda: {"booking_closes_at": in_days(-1)}, "Booking for this session closed at"),
    ],
)
def test_a_session_that_is_not_open_is_refused(partnership, coordinator, change, message):
    session = make_session(partnership, capacity=5)
    Session.objects.filter(pk=session.pk).update(**change())
    session.refresh_from_db()
    refused(session, make_person(partnership), coordinator, message)


def test_a_past_or_started_session_is_refused(partnership, coordinator):
    session = make_session(partnership, capacity=5, parts__start=timezone.localdate())
    # Started a minute ago and still running, whatever the time of day the test runs.
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    session.refresh_from_db()
    refused(session, make_person(partnership), coordinator, "already started")


def test_a_session_without_dates_is_refused(partnership, coordinator):
    session = make_session(partnership, capacity=5, parts=0)
    refused(session, make_person(partnership), coordinator, "no dates yet")


def test_a_person_who_left_or_leaves_before_the_session_is_refused(partnership, coordinator):
    session = make_session(partnership, capacity=5)
    gone = make_person(partnership, left_on=timezone.localdate())
    error = refused(session, gone, coordinator, "left .* and cannot be booked")
    assert error.field == "person"
    leaving = make_person(partnership, left_on=timezone.localdate() + datetime.timedelta(days=3))
    refused(session, leaving, coordinator, "before this session")


def test_a_merged_record_is_refused(partnership, coordinator):
    session = make_session(partnership, capacity=5)
    kept = make_person(partnership)
    merged = make_person(partnership, merged_into=kept)
    refused(session, merged, coordinator, "merged into another")


def test_an_agency_holds_at_most_its_share_and_waits_beyond_it(partnership, coordinator):
    session = make_session(partnership, capacity=10, max_agency_share=20)  # 2 places each
    agency, other = make_agency(partnership), make_agency(partnership)
    first = [
        services.book_place(
            session=session, person=make_person(partnership, agency=agency), booked_by=coordinator
        )
        for _ in range(3)
    ]
    assert [b.status for b in first] == [BookingStatus.CONFIRMED] * 2 + [BookingStatus.WAITING]
    problem = services.quota_problem(session, agency=agency, is_regional=False)
    assert (
        problem == f"{agency} already holds 2 of the 10 places, the most one agency may hold (20%)."
    )
    another = services.book_place(
        session=session, person=make_person(partnership, agency=other), booked_by=coordinator
    )
    assert another.status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 3


def test_an_agency_share_below_one_place_still_allows_one(partnership, coordinator):
    session = make_session(partnership, capacity=3, max_agency_share=10)
    agency = make_agency(partnership)
    statuses = [
        services.book_place(
            session=session, person=make_person(partnership, agency=agency), booked_by=coordinator
        ).status
        for _ in range(2)
    ]
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.WAITING]


def test_places_held_for_a_sector_are_not_bookable_by_others_until_the_date(
    partnership, coordinator
):
    session = make_session(partnership, capacity=3)
    session.sector_holds.create(sector=Sector.EDUCATION, places=2, until=in_days(5))
    health = make_agency(partnership, Sector.HEALTH)
    education = make_agency(partnership, Sector.EDUCATION)

    def book(agency):
        person = make_person(partnership, agency=agency)
        return services.book_place(session=session, person=person, booked_by=coordinator)

    assert book(health).status == BookingStatus.CONFIRMED  # the one unheld place
    blocked = book(health)
    assert blocked.status == BookingStatus.WAITING
    problem = services.quota_problem(session, agency=health, is_regional=False)
    assert problem and "held for Education" in problem
    assert book(education).status == BookingStatus.CONFIRMED
    assert book(education).status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 3


def test_a_sector_hold_that_has_passed_holds_nothing(partnership, coordinator):
    session = make_session(partnership, capacity=1)
    session.sector_holds.create(sector=Sector.EDUCATION, places=1, until=in_days(-1))
    person = make_person(partnership, agency=make_agency(partnership, Sector.HEALTH))
    booking = services.book_place(session=session, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED


@pytest.fixture
def neighbour(partnership):
    return PartnershipFactory(region=partnership.region, name="Islington SCP", code="islington")


def test_people_of_the_region_book_only_the_regional_places(partnership, neighbour, member_with):
    session = make_session(partnership, capacity=5, regional_places=1)
    booker = member_with(Role.COORDINATOR, partnership=neighbour)
    first = services.book_place(session=session, person=make_person(neighbour), booked_by=booker)
    second = services.book_place(session=session, person=make_person(neighbour), booked_by=booker)
    assert first.status == BookingStatus.CONFIRMED and first.is_regional
    assert first.partnership == partnership  # the host's booking
    assert second.status == BookingStatus.WAITING and second.is_regional
    assert "places open to other partnerships are all taken" in str(
        services.quota_problem(session, agency=second.agency, is_regional=True)
    )
    local = services.book_place(session=session, person=make_person(partnership), booked_by=booker)
    assert local.status == BookingStatus.CONFIRMED and not local.is_regional


def test_a_session_not_open_to_the_region_refuses_its_people(partnership, neighbour, coordinator):
    session = make_session(partnership, capacity=5, regional_places=0)
    refused(session, make_person(neighbour), coordinator, "not open to people from other")


def test_people_of_another_region_are_refused(partnership, coordinator):
    far = PartnershipFactory(region=RegionFactory(name="North West", code="north-west"))
    session = make_session(partnership, capacity=5, regional_places=5)
    refused(session, make_person(far), coordinator, "outside this session's region")


# Manager approval ---------------------------------------------------------------------


@pytest.fixture
def approval(partnership):
    return settings_of(partnership, requires_manager_approval=True)


def test_a_learner_booking_themselves_awaits_approval_and_holds_no_place(
    partnership, approval, sent
):
    session = make_session(partnership, capacity=1)
    person = make_person(partnership, with_user=True)
    booking = services.book_place(session=session, person=person, booked_by=person.user)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    session.refresh_from_db()
    assert session.places_taken == 0
    assert sent == [("approval_requested", BookingStatus.AWAITING_APPROVAL, person)]
    refused(session, person, person.user, "already booked")


def test_a_manager_booking_their_team_needs_no_approval(partnership, approval, member_with):
    manager = member_with(Role.LINE_MANAGER)
    boss = make_person(partnership, user=manager)
    person = make_person(partnership, line_manager=boss)
    session = make_session(partnership, capacity=1)
    booking = services.book_place(session=session, person=person, booked_by=manager)
    assert booking.status == BookingStatus.CONFIRMED


def test_approval_books_like_a_normal_booking(partnership, approval, coordinator, sent):
    session = make_session(partnership, capacity=1)
    first = make_person(partnership, with_user=True)
    second = make_person(partnership, with_user=True)
    a = services.book_place(session=session, person=first, booked_by=first.user)
    b = services.book_place(session=session, person=second, booked_by=second.user)
    a = services.approve_booking(booking=a, approved_by=coordinator)
    b = services.approve_booking(booking=b, approved_by=coordinator)
    assert (a.status, b.status) == (BookingStatus.CONFIRMED, BookingStatus.WAITING)
    assert a.decided_by == coordinator and a.decided_at is not None
    assert b.waiting_since is not None
    session.refresh_from_db()
    assert session.places_taken == 1
    assert [name for name, *_ in sent][-2:] == ["booking_confirmed", "booking_waiting"]
    event = AuditEvent.objects.filter(subject_id=str(a.pk)).latest("id")
    assert event.changes == {"status": [BookingStatus.AWAITING_APPROVAL, BookingStatus.CONFIRMED]}
    with pytest.raises(ServiceError, match="not awaiting approval: it is confirmed"):
        services.approve_booking(booking=a, approved_by=coordinator)


def test_refusing_needs_a_reason_and_tells_the_person(partnership, approval, coordinator, sent):
    session = make_session(partnership, capacity=1)
    person = make_person(partnership, with_user=True)
    booking = services.book_place(session=session, person=person, booked_by=person.user)
    with pytest.raises(ServiceError, match="Enter the reason") as caught:
        services.refuse_booking(booking=booking, refused_by=coordinator, reason="  ")
    assert caught.value.field == "reason"
    with pytest.raises(ServiceError, match="300 characters or fewer"):
        services.refuse_booking(booking=booking, refused_by=coordinator, reason="x" * 301)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    refused_booking = services.refuse_booking(
        booking=booking, refused_by=coordinator, reason="Please book the March date instead."
    )
    assert refused_booking.status == BookingStatus.REFUSED
    assert refused_booking.reason == "Please book the March date instead."
    assert sent[-1] == ("booking_refused", BookingStatus.REFUSED, person)
    # The audit trail says a reason was given, not what it said.
    event = AuditEvent.objects.filter(subject_id=str(booking.pk)).latest("id")
    assert event.changes["reason"] == "(given)"
    with pytest.raises(ServiceError, match="not awaiting approval"):
        services.approve_booking(booking=refused_booking, approved_by=coordinator)


# Cancelling ---------------------------------------------------------------------------


def test_cancelling_frees_the_place_and_audits(partnership, coordinator, sent):
    session = make_session(partnership, capacity=2)
    person = make_person(partnership)
    booking = services.book_place(session=session, person=person, booked_by=coordinator)
    cancelled = services.cancel_booking(
        booking=booking, cancelled_by=coordinator, reason="Off sick"
    )
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancelled_by == coordinator and cancelled.cancelled_at is not None
    assert not cancelled.is_late_cancellation
    session.refresh_from_db()
    assert session.places_taken == 0
    assert sent[-1] == ("booking_cancelled", BookingStatus.CANCELLED, person)
    event = AuditEvent.objects.filter(subject_id=str(booking.pk)).latest("id")
    assert event.changes == {
        "status": [BookingStatus.CONFIRMED, BookingStatus.CANCELLED],
        "reason": "(given)",
    }


def test_cancelling_after_the_cut_off_is_flagged_late(partnership, coordinator):
    session = make_session(partnership, capacity=2, cancellation_cutoff=in_days(-1))
    booking = services.book_place(
        session=session, person=make_person(partnership), booked_by=coordinator
    )
    cancelled = services.cancel_booking(booking=booking, cancelled_by=coordinator)
    assert cancelled.is_late_cancellation
    event = AuditEvent.objects.filter(subject_id=str(booking.pk)).latest("id")
    assert event.changes["is_late_cancellation"] == [False, True]


def test_leaving_the_waiting_list_late_is_not_a_late_cancellation(partnership, coordinator):
    session = make_session(partnership, capacity=1, cancellation_cutoff=in_days(-1))
    services.book_place(session=session, person=make_person(partnership), booked_by=coordinator)
    waiting = services.book_place(
        session=session, person=make_person(partnership), booked_by=coordinator
    )
    cancelled = services.cancel_booking(booking=waiting, cancelled_by=coordinator)
    assert cancelled.status == BookingStatus.CANCELLED and not cancelled.is_late_cancellation
    session.refresh_from_db()
    assert session.places_taken == 1


def test_cancelling_twice_is_refused_and_changes_nothing(partnership, coordinator):
    session = make_session(partnership, capacity=2)
    booking = services.book_place(
        session=session, person=make_person(partnership), booked_by=coordinator
    )
    services.cancel_booking(booking=booking, cancelled_by=coordinator)
    before = state(session)
    with pytest.raises(ServiceError, match="already cancelled"):
        services.cancel_booking(booking=booking, cancelled_by=coordinator)
    assert state(session) == before


def test_cancelling_after_the_session_started_is_refused(partnership, coordinator):
    session = make_session(partnership, capacity=2)
    booking = services.book_place(
        session=session, person=make_person(partnership), booked_by=coordinator
    )
    Session.objects.filter(pk=session.pk).update(starts_at=in_days(-0.01))
    before = state(session)
    with pytest.raises(ServiceError, match="already started"):
        services.cancel_booking(booking=booking, cancelled_by=coordinator)
    assert state(session) == before


def test_a_refused_booking_cannot_be_cancelled(partnership, approval, coordinator):
    session = make_session(partnership, capacity=1)
    person = make_person(partnership, with_user=True)
    booking = services.book_place(session=session, person=person, booked_by=person.user)
    services.refuse_booking(booking=booking, refused_by=coordinator, reason="Wrong level")
    with pytest.raises(ServiceError, match="cannot be cancelled: it is not approved"):
        services.cancel_booking(booking=booking, cancelled_by=coordinator)


# Bulk ---------------------------------------------------------------------------------


def test_booking_people_in_bulk_gives_each_an_outcome_or_a_reason(partnership, coordinator):
    session = make_session(partnership, capacity=1)
    first, second = make_person(partnership), make_person(partnership)
    gone = make_person(partnership, left_on=timezone.localdate() - datetime.timedelta(days=1))
    results = services.book_people(
        session=session, people=[first, gone, second, first], booked_by=coordinator
    )
    assert [r.person for r in results] == [first, gone, second]
    assert [r.ok for r in results] == [True, False, True]
    assert results[0].message == f"{first} is booked."
    assert "cannot be booked" in results[1].message and results[1].booking is None
    assert results[2].message == f"{second} is on the waiting list."
    assert not Booking.objects.filter(person=gone).exists()


# Who may book and cancel for whom -----------------------------------------------------


@pytest.fixture
def team(partnership, member_with):
    """A line manager with one report, an agency lead, and someone outside both."""
    manager = member_with(Role.LINE_MANAGER)
    lead = member_with(Role.AGENCY_LEAD)
    agency = make_agency(partnership, lead=lead)
    boss = make_person(partnership, agency=agency, user=manager)
    report = make_person(partnership, agency=agency, line_manager=boss, with_user=True)
    outsider = make_person(partnership, with_user=True)
    return manager, lead, boss, report, outsider


def test_may_book_for_follows_the_team(partnership, team, coordinator):
    manager, lead, boss, report, outsider = team
    manager_roles, lead_roles = [Role.LINE_MANAGER], [Role.AGENCY_LEAD]
    assert selectors.may_book_for(manager, partnership, manager_roles, report)
    assert selectors.may_book_for(manager, partnership, manager_roles, boss)
    assert not selectors.may_book_for(manager, partnership, manager_roles, outsider)
    assert selectors.may_book_for(lead, partnership, lead_roles, report)
    assert not selectors.may_book_for(lead, partnership, lead_roles, outsider)
    assert selectors.may_book_for(coordinator, partnership, [Role.COORDINATOR], outsider)
    learner = report.user
    assert selectors.may_book_for(learner, partnership, [Role.LEARNER], report)
    assert not selectors.may_book_for(learner, partnership, [Role.LEARNER], outsider)
    report.left_on = timezone.localdate()
    assert not selectors.may_book_for(manager, partnership, manager_roles, report)
    other = PartnershipFactory.create()
    assert not selectors.may_book_for(coordinator, other, [Role.COORDINATOR], outsider)


def test_bookable_people_are_the_current_team(partnership, team, coordinator):
    manager, _lead, boss, report, outsider = team
    left = make_person(
        partnership, line_manager=boss, left_on=timezone.localdate() - datetime.timedelta(1)
    )
    assert set(selectors.bookable_people_for(manager, partnership, [Role.LINE_MANAGER])) == {
        boss,
        report,
    }
    assert set(selectors.bookable_people_for(report.user, partnership, [Role.LEARNER])) == {report}
    everyone = set(selectors.bookable_people_for(coordinator, partnership, [Role.COORDINATOR]))
    assert {boss, report, outsider} <= everyone and left not in everyone


def test_may_cancel_and_may_approve(partnership, team, coordinator):
    manager, lead, _boss, report, outsider = team
    session = make_session(partnership, capacity=5)
    own = services.book_place(session=session, person=report, booked_by=report.user)
    other = services.book_place(session=session, person=outsider, booked_by=coordinator)
    assert selectors.may_cancel(report.user, [Role.LEARNER], own)
    assert not selectors.may_cancel(report.user, [Role.LEARNER], other)
    assert selectors.may_cancel(manager, [Role.LINE_MANAGER], own)
    assert not selectors.may_cancel(manager, [Role.LINE_MANAGER], other)
    assert selectors.may_cancel(lead, [Role.AGENCY_LEAD], own)
    assert not selectors.may_cancel(lead, [Role.AGENCY_LEAD], other)
    assert selectors.may_cancel(coordinator, [Role.COORDINATOR], other)
    assert selectors.may_approve(manager, [Role.LINE_MANAGER], own)
    assert not selectors.may_approve(report.user, [Role.LEARNER, Role.LINE_MANAGER], own)
    assert not selectors.may_approve(manager, [Role.LINE_MANAGER], other)
    assert selectors.may_approve(coordinator, [Role.COORDINATOR], other)


def test_bookings_follow_the_default_settings_until_a_coordinator_saves_some(partnership):
    defaults = settings_reads.delivery_settings_of(partnership)
    assert defaults.offer_hours == 48 and not defaults.requires_manager_approval
    person = make_person(partnership, with_user=True)
    booking = services.book_place(
        session=make_session(partnership, capacity=2), person=person, booked_by=person.user
    )
    assert booking.status == BookingStatus.CONFIRMED  # no approval asked by default
    assert not DeliverySettings.objects.filter(partnership=partnership).exists()


def test_bookings_of_person_include_regional_ones(partnership, neighbour, coordinator):
    person = make_person(neighbour)
    home = services.book_place(
        session=make_session(neighbour, capacity=2), person=person, booked_by=coordinator
    )
    away = services.book_place(
        session=make_session(partnership, capacity=2, regional_places=1),
        person=person,
        booked_by=coordinator,
    )
    assert set(selectors.bookings_of_person(person)) == {home, away}

"""The waiting list moves by itself: freed places go to the first eligible person."""

import datetime

import pytest
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.delivery.models import Booking, BookingStatus, Session, WaitingListMode
from interagency.delivery.selectors import waiting_list as selectors
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

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    """The notices are the notify work's; here they are recorded, not sent."""
    return record_notices(monkeypatch)


def full_session(partnership, coordinator, *, capacity=2, waiting=2, **fields):
    """A session with ``capacity`` confirmed bookings and ``waiting`` people queued."""
    session = make_session(partnership, capacity=capacity, **fields)
    booked = [
        services.book_place(session=session, person=make_person(partnership), booked_by=coordinator)
        for _ in range(capacity + waiting)
    ]
    return session, booked[:capacity], booked[capacity:]


def status_of(booking: Booking) -> str:
    booking.refresh_from_db()
    return booking.status


def places_taken(session: Session) -> int:
    session.refresh_from_db()
    return session.places_taken


def test_auto_confirm_gives_a_cancelled_place_to_the_first_waiting(partnership, coordinator, sent):
    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    session, confirmed, waiting = full_session(partnership, coordinator)
    sent.clear()
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    assert status_of(waiting[0]) == BookingStatus.CONFIRMED
    assert status_of(waiting[1]) == BookingStatus.WAITING
    assert selectors.waiting_position(waiting[1]) == 1
    assert places_taken(session) == 2
    assert sent == [
        ("booking_cancelled", BookingStatus.CANCELLED, confirmed[0].person),
        ("booking_confirmed", BookingStatus.CONFIRMED, waiting[0].person),
    ]
    event = AuditEvent.objects.filter(subject_id=str(waiting[0].pk)).latest("id")
    assert event.actor_label == "system"
    assert event.changes == {"status": [BookingStatus.WAITING, BookingStatus.CONFIRMED]}


def test_offer_mode_offers_the_place_with_a_deadline(partnership, coordinator, sent):
    settings_of(partnership, waiting_list_mode=WaitingListMode.OFFER, offer_hours=24)
    session, confirmed, waiting = full_session(partnership, coordinator)
    sent.clear()
    before = timezone.now()
    services.cancel_booking(booking=confirmed[1], cancelled_by=coordinator)
    offered = waiting[0]
    offered.refresh_from_db()
    assert offered.status == BookingStatus.OFFERED
    assert offered.offered_at is not None and offered.offer_expires_at is not None
    deadline = offered.offer_expires_at - offered.offered_at
    assert deadline == datetime.timedelta(hours=24)
    assert offered.offered_at >= before
    assert places_taken(session) == 2  # the offered place is held
    assert sent[-1] == ("place_offered", BookingStatus.OFFERED, offered.person)


def test_an_offer_never_outlasts_the_start_of_the_session(partnership, coordinator):
    settings_of(partnership, waiting_list_mode=WaitingListMode.OFFER, offer_hours=24 * 14)
    # A week away, whatever the time of day: well inside the fortnight an offer could last.
    session, confirmed, waiting = full_session(
        partnership,
        coordinator,
        capacity=1,
        waiting=1,
        parts__start=timezone.localdate() + datetime.timedelta(days=7),
    )
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    waiting[0].refresh_from_db()
    assert waiting[0].offer_expires_at == session.starts_at


def test_accepting_an_offer_confirms_the_place(partnership, coordinator, sent):
    session, confirmed, waiting = full_session(partnership, coordinator)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    accepted = services.accept_offer(booking=waiting[0], accepted_by=waiting[0].person.user)
    assert accepted.status == BookingStatus.CONFIRMED and accepted.confirmed_at is not None
    assert places_taken(session) == 2
    assert sent[-1] == ("booking_confirmed", BookingStatus.CONFIRMED, waiting[0].person)
    with pytest.raises(ServiceError, match="no open offer on this booking: it is confirmed"):
        services.accept_offer(booking=accepted, accepted_by=coordinator)


def test_declining_an_offer_moves_it_to_the_next_person(partnership, coordinator, sent):
    session, confirmed, waiting = full_session(partnership, coordinator, waiting=3)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    declined = services.decline_offer(booking=waiting[0], declined_by=coordinator)
    assert declined.status == BookingStatus.DECLINED
    assert status_of(waiting[1]) == BookingStatus.OFFERED
    assert status_of(waiting[2]) == BookingStatus.WAITING
    assert places_taken(session) == 2
    assert sent[-1] == ("place_offered", BookingStatus.OFFERED, waiting[1].person)
    with pytest.raises(ServiceError, match="no open offer"):
        services.decline_offer(booking=declined, declined_by=coordinator)


def test_an_offer_past_its_deadline_cannot_be_accepted(partnership, coordinator):
    _session, confirmed, waiting = full_session(partnership, coordinator)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    Booking.objects.filter(pk=waiting[0].pk).update(offer_expires_at=in_days(-0.01))
    with pytest.raises(ServiceError, match="This offer ended at"):
        services.accept_offer(booking=waiting[0], accepted_by=coordinator)
    assert status_of(waiting[0]) == BookingStatus.OFFERED


def test_expired_offers_end_and_the_next_person_is_offered(partnership, coordinator, sent):
    session, confirmed, waiting = full_session(partnership, coordinator, waiting=2)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    assert services.expire_offers() == 0  # not yet due
    assert status_of(waiting[0]) == BookingStatus.OFFERED
    later = timezone.now() + datetime.timedelta(hours=49)
    assert services.expire_offers(now=later) == 1
    assert status_of(waiting[0]) == BookingStatus.EXPIRED
    assert status_of(waiting[1]) == BookingStatus.OFFERED
    waiting[1].refresh_from_db()
    assert waiting[1].offer_expires_at == later + datetime.timedelta(hours=48)
    assert places_taken(session) == 2
    assert services.expire_offers(now=later) == 0  # running again changes nothing
    assert status_of(waiting[1]) == BookingStatus.OFFERED


def test_an_expired_offer_with_nobody_waiting_frees_the_place(partnership, coordinator):
    session, confirmed, waiting = full_session(partnership, coordinator, waiting=1)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    assert services.expire_offers(now=timezone.now() + datetime.timedelta(hours=49)) == 1
    assert status_of(waiting[0]) == BookingStatus.EXPIRED
    assert places_taken(session) == 1


def test_the_first_eligible_person_is_offered_skipping_those_the_quota_blocks(
    partnership, coordinator
):
    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    session = make_session(partnership, capacity=4, max_agency_share=50)  # 2 per agency
    big, small = make_agency(partnership), make_agency(partnership)

    def book(agency):
        person = make_person(partnership, agency=agency)
        return services.book_place(session=session, person=person, booked_by=coordinator)

    big_confirmed = [book(big), book(big)]
    small_confirmed = [book(small), book(small)]
    big_waiting, small_waiting = book(big), book(small)
    assert big_waiting.status == small_waiting.status == BookingStatus.WAITING
    # A small-agency place frees: the big agency's person is first but at its share.
    services.cancel_booking(booking=small_confirmed[0], cancelled_by=coordinator)
    assert status_of(big_waiting) == BookingStatus.WAITING
    assert status_of(small_waiting) == BookingStatus.CONFIRMED
    # A big-agency place frees: now the big agency's person gets it.
    services.cancel_booking(booking=big_confirmed[0], cancelled_by=coordinator)
    assert status_of(big_waiting) == BookingStatus.CONFIRMED
    assert places_taken(session) == 4


def test_people_who_left_while_waiting_are_skipped(partnership, coordinator):
    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    _session, confirmed, waiting = full_session(partnership, coordinator, capacity=1, waiting=2)
    leaver = waiting[0].person
    leaver.left_on = timezone.localdate()
    leaver.save()
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    assert status_of(waiting[0]) == BookingStatus.WAITING
    assert status_of(waiting[1]) == BookingStatus.CONFIRMED


def test_raising_the_capacity_then_filling_moves_the_list(partnership, coordinator):
    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    session, _, waiting = full_session(partnership, coordinator, capacity=2, waiting=3)
    Session.objects.filter(pk=session.pk).update(capacity=4)
    session.refresh_from_db()
    moved = services.fill_from_waiting_list(session=session)
    assert moved == waiting[:2]
    assert [status_of(b) for b in waiting] == [
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITING,
    ]
    assert session.places_taken == 4 == places_taken(session)
    assert services.fill_from_waiting_list(session=session) == []


def test_a_passed_sector_hold_lets_the_periodic_job_fill_held_places(partnership, coordinator):
    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    session = make_session(partnership, capacity=2)
    hold = session.sector_holds.create(sector=Sector.EDUCATION, places=1, until=in_days(3))
    health = make_agency(partnership, Sector.HEALTH)
    bookings = [
        services.book_place(
            session=session, person=make_person(partnership, agency=health), booked_by=coordinator
        )
        for _ in range(2)
    ]
    assert [b.status for b in bookings] == [BookingStatus.CONFIRMED, BookingStatus.WAITING]
    assert services.expire_offers() == 0
    assert status_of(bookings[1]) == BookingStatus.WAITING  # still held
    hold.until = in_days(-0.01)
    hold.save()
    services.expire_offers()
    assert status_of(bookings[1]) == BookingStatus.CONFIRMED


def test_a_cancelled_or_started_session_moves_no_one(partnership, coordinator):
    session, _, waiting = full_session(partnership, coordinator, capacity=1, waiting=1)
    Session.objects.filter(pk=session.pk).update(capacity=2, starts_at=in_days(-0.01))
    session.refresh_from_db()
    assert services.fill_from_waiting_list(session=session) == []
    assert status_of(waiting[0]) == BookingStatus.WAITING


def test_releasing_a_cancelled_sessions_bookings_frees_every_place(partnership, coordinator):
    session, confirmed, waiting = full_session(partnership, coordinator, capacity=2, waiting=1)
    assert services.release_session_bookings(session=session, released_by=coordinator) == 3
    assert [status_of(b) for b in confirmed + waiting] == [BookingStatus.SESSION_CANCELLED] * 3
    assert places_taken(session) == 0 == session.places_taken
    assert AuditEvent.objects.filter(
        subject_id=str(waiting[0].pk), changes__status__1=BookingStatus.SESSION_CANCELLED
    ).exists()


def test_the_expire_offers_command_ends_due_offers(partnership, coordinator):
    from io import StringIO

    from django.core.management import call_command

    session, confirmed, waiting = full_session(partnership, coordinator, waiting=2)
    services.cancel_booking(booking=confirmed[0], cancelled_by=coordinator)
    Booking.objects.filter(pk=waiting[0].pk).update(offer_expires_at=in_days(-0.01))
    output = StringIO()
    call_command("expire_offers", stdout=output)
    assert output.getvalue().strip() == "1 offer(s) ended; their places were offered on."
    assert status_of(waiting[0]) == BookingStatus.EXPIRED
    assert status_of(waiting[1]) == BookingStatus.OFFERED
    assert places_taken(session) == 2

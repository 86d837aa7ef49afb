"""Many simultaneous bookings at a few places, each from its own database connection.

Runs on whichever database the suite uses (SQLite by default, PostgreSQL with
DATABASE_URL). The threads commit for real, so the test runs outside a test
transaction (``transaction=True``) and each thread closes its connection.
"""

import sqlite3
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from interagency.core.errors import ServiceError
from interagency.delivery.models import PLACE_HOLDING_STATUSES, Booking, BookingStatus
from interagency.delivery.services import bookings as services
from interagency.delivery.tests.booking_setup import (
    make_agency,
    make_person,
    make_session,
    record_notices,
)

pytestmark = pytest.mark.clock

CAPACITY = 5
DISTINCT = 24  # people booked once each
TWICE = 3  # people booked by two threads at the same moment


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    return record_notices(monkeypatch)


@pytest.fixture(autouse=True)
def real_sqlite_file(transactional_db, tmp_path):
    """On SQLite, run against a database file with the production options, as deployed.

    The suite's SQLite test database lives in memory with a shared cache, where
    a second writer gets "database table is locked" at once: a lock the busy
    timeout cannot wait for, and that no deployment ever sees. This copies the
    migrated (empty) test database into a file and points every connection at
    it for the test (WAL, IMMEDIATE transactions, busy timeout from settings),
    then points them back. PostgreSQL needs nothing.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or not (name == ":memory:" or "mode=memory" in name):
        yield
        return
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    # Keeps the in-memory database alive while no Django connection points at it.
    keeper = sqlite3.connect(memory_name, uri=True)
    path = tmp_path / "bookings.sqlite3"
    with sqlite3.connect(path) as copy:
        keeper.backup(copy)
    copy.close()
    settings_dict["NAME"] = str(path)
    connection.close()  # now a file database: really closes the in-memory connection
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # hold the in-memory database before letting go
        keeper.close()


def book_all_at_once(session, people, booked_by) -> list[tuple[int, str]]:
    """Book every (person) in its own thread, released together; (person id, outcome)."""
    start = threading.Barrier(len(people))
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def book(person) -> None:
        try:
            start.wait()
            try:
                booking = services.book_place(session=session, person=person, booked_by=booked_by)
                outcome = str(booking.status)
            except ServiceError as error:
                outcome = error.message
            except Exception as error:  # reported below, so the test names it
                outcome = f"crashed: {error!r}"
            with lock:
                outcomes.append((person.pk, outcome))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_never_overbook_nor_double_book(partnership, coordinator):
    session = make_session(partnership, capacity=CAPACITY)
    agency = make_agency(partnership)
    people = [make_person(partnership, agency=agency) for _ in range(DISTINCT + TWICE)]
    doubled = people[:TWICE]
    attempts = people + doubled  # 30 threads

    outcomes = book_all_at_once(session, attempts, coordinator)

    assert len(outcomes) == len(attempts)
    crashes = [outcome for _, outcome in outcomes if outcome.startswith("crashed")]
    assert crashes == []
    bookings = list(Booking.objects.filter(session=session).order_by("id"))
    live = [b for b in bookings if b.is_live]
    statuses = Counter(b.status for b in live)
    session.refresh_from_db()
    # 0 overbookings: exactly the capacity confirmed, and the counter agrees.
    assert statuses[BookingStatus.CONFIRMED] == CAPACITY
    assert session.places_taken == sum(statuses[s] for s in PLACE_HOLDING_STATUSES) == CAPACITY
    # 0 double bookings: one live booking per person, the second attempt told why.
    per_person = Counter(b.person_id for b in live)
    assert set(per_person.values()) == {1} and len(per_person) == len(people)
    refusals = [(pk, outcome) for pk, outcome in outcomes if "already booked" in outcome]
    assert sorted(pk for pk, _ in refusals) == sorted(p.pk for p in doubled)
    names = {p.pk: p.full_name for p in doubled}
    assert all(
        outcome == f"{names[pk]} is already booked on this session." for pk, outcome in refusals
    )
    # Everyone else waits, in the order they got in, behind every confirmed place.
    waiting = [b for b in live if b.status == BookingStatus.WAITING]
    assert len(waiting) == len(people) - CAPACITY
    queue = sorted(waiting, key=lambda b: (b.waiting_since, b.pk))
    assert queue == sorted(waiting, key=lambda b: b.pk)  # queue order is commit order
    confirmed_times = [b.confirmed_at for b in live if b.status == BookingStatus.CONFIRMED]
    waiting_times = [b.waiting_since for b in waiting]
    assert None not in confirmed_times and None not in waiting_times
    assert min(t for t in waiting_times if t) >= max(t for t in confirmed_times if t)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_give_each_freed_place_once(partnership, coordinator):
    """Cancelling every confirmed booking at once moves exactly that many people up."""
    from interagency.delivery.models import WaitingListMode
    from interagency.delivery.tests.booking_setup import settings_of

    settings_of(partnership, waiting_list_mode=WaitingListMode.AUTO_CONFIRM)
    session = make_session(partnership, capacity=CAPACITY)
    people = [make_person(partnership) for _ in range(CAPACITY * 3)]
    for person in people:
        services.book_place(session=session, person=person, booked_by=coordinator)
    confirmed = list(Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED))
    start = threading.Barrier(len(confirmed))
    errors: list[str] = []

    def cancel(booking) -> None:
        try:
            start.wait()
            services.cancel_booking(booking=booking, cancelled_by=coordinator)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(b,)) for b in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    session.refresh_from_db()
    statuses = Counter(Booking.objects.filter(session=session).values_list("status", flat=True))
    assert statuses[BookingStatus.CANCELLED] == CAPACITY
    assert statuses[BookingStatus.CONFIRMED] == CAPACITY == session.places_taken
    assert statuses[BookingStatus.WAITING] == CAPACITY
    # The first in the queue moved up, not a later one.
    first_waiting = [b.pk for b in Booking.objects.filter(session=session).order_by("id")][
        CAPACITY : CAPACITY * 2
    ]
    assert set(Booking.objects.filter(pk__in=first_waiting).values_list("status", flat=True)) == {
        BookingStatus.CONFIRMED
    }


@pytest.mark.django_db(transaction=True)
def test_a_locked_sqlite_database_is_retried_not_reported(partnership, coordinator, monkeypatch):
    """SQLite: a "database is locked" booking is run again, a bounded number of times."""
    from django.db import OperationalError

    session = make_session(partnership, capacity=2)
    person = make_person(partnership)
    real = services.locked_session
    failures = {"left": 2 if connection.vendor == "sqlite" else 1}

    def locked_then_real(current):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("database is locked")
        return real(current)

    monkeypatch.setattr(services, "locked_session", locked_then_real)
    if connection.vendor != "sqlite":
        with pytest.raises(OperationalError):  # PostgreSQL has no such lock to wait out
            services.book_place(session=session, person=person, booked_by=coordinator)
        assert not Booking.objects.filter(person=person).exists()
        return
    booking = services.book_place(session=session, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED and failures["left"] == 0
    assert Booking.objects.filter(person=person).count() == 1
    failures["left"] = services.LOCKED_ATTEMPTS
    with pytest.raises(OperationalError, match="locked"):
        services.book_place(session=session, person=make_person(partnership), booked_by=None)

"""Two people closing the same register at the same moment make one set of records
(and one ``register_closed`` signal).

The threads commit for real (``transaction=True``), each on its own connection;
on SQLite the database is a real WAL file with the production options
(``real_sqlite_file``, shared with the booking concurrency test).
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.delivery.models import AttendanceOutcome, Certificate, Charge, Session
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.signals import register_closed
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.delivery.tests.test_booking_concurrency import real_sqlite_file  # noqa: F401
from interagency.records.models import TrainingRecord

pytestmark = pytest.mark.clock

CLOSERS = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_closes_make_one_set_of_records_charges_and_certificates():
    session = SessionFactory.create(
        parts=1, parts__start=timezone.localdate() - datetime.timedelta(days=1), no_show_charge=10
    )
    recorder = UserFactory.create()
    for number in range(6):
        booking = BookingFactory.create(session=session, person__full_name=f"Person {number}")
        outcome = AttendanceOutcome.ATTENDED if number % 2 else AttendanceOutcome.NO_SHOW
        record_attendance(booking=booking, outcome=outcome, recorded_by=recorder)
    closers = UserFactory.create_batch(CLOSERS)
    start = threading.Barrier(CLOSERS)
    errors: list[BaseException] = []
    signalled: list[tuple[int, object]] = []

    def announced(sender, session, closed_by, **kwargs) -> None:
        signalled.append((session.pk, closed_by))

    register_closed.connect(announced, dispatch_uid="test_simultaneous_closes")

    def close(user) -> None:
        try:
            start.wait()
            close_register(session=Session.objects.get(pk=session.pk), closed_by=user)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(user,)) for user in closers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    register_closed.disconnect(dispatch_uid="test_simultaneous_closes")

    assert errors == []
    assert TrainingRecord.objects.count() == 3
    assert Certificate.objects.count() == 3
    assert Charge.objects.count() == 3
    closed = Session.objects.get(pk=session.pk)
    assert closed.status == Session.Status.CLOSED
    assert closed.register_closed_by in closers
    # The one close that claimed the register announced it, once.
    assert signalled == [(session.pk, closed.register_closed_by)]

"""The database itself refuses an overfilled session and a second live booking."""

import pytest
from django.db import IntegrityError, transaction

from interagency.delivery.models import BookingStatus, Session
from interagency.delivery.tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.clock


@pytest.mark.django_db
def test_places_taken_can_never_exceed_capacity():
    session = SessionFactory.create(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(places_taken=3)


@pytest.mark.django_db
def test_a_person_has_one_live_booking_per_session_but_may_rebook_after_cancelling():
    booking = BookingFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=booking.session, person=booking.person)
    booking.status = BookingStatus.CANCELLED
    booking.save()
    again = BookingFactory(session=booking.session, person=booking.person)
    assert again.status == BookingStatus.CONFIRMED


@pytest.mark.django_db
def test_factory_session_takes_its_dates_from_its_parts():
    session = SessionFactory.create(parts=2)
    first, last = session.parts.first(), session.parts.last()
    assert first is not None and last is not None
    assert session.parts.count() == 2
    assert session.starts_at == first.starts_at
    assert session.ends_at == last.ends_at

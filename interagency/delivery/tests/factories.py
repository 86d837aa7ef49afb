"""Factories for sessions, parts, venues and bookings.

``SessionFactory`` makes a scheduled in-person session with one part two
weeks ahead; pass ``parts=0`` to add parts yourself. Keep a booking's
partnership the session's and its agency the person's (SelfAttribute).
"""

import datetime

import factory
from django.utils import timezone

from interagency.catalogue.tests.factories import CourseFactory
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    DeliverySettings,
    Session,
    SessionPart,
    Venue,
)
from interagency.people.tests.factories import PersonFactory
from interagency.tenancy.tests.factories import PartnershipFactory


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Training room {n}")
    address = "5 Pancras Square\nLondon"
    postcode = "N1C 4AG"
    access_information = "Step-free access from the street; hearing loop in every room."


class DeliverySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliverySettings
        django_get_or_create = ("partnership",)

    partnership = factory.SubFactory(PartnershipFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    course = factory.SubFactory(CourseFactory)
    venue = factory.SubFactory(VenueFactory, partnership=factory.SelfAttribute("..partnership"))
    capacity = 20
    minimum_numbers = factory.LazyAttribute(lambda session: min(8, session.capacity))

    @factory.post_generation
    def parts(obj: Session, create: bool, extracted: int | None, **kwargs: object) -> None:
        """``parts=N`` adds N daily 09:30–16:30 parts (London time) from ``parts__start=``."""
        count = 1 if extracted is None else extracted
        if not create or count == 0:
            return
        start = kwargs.get("start") or (timezone.localdate() + datetime.timedelta(days=14))
        assert isinstance(start, datetime.date)
        london = timezone.get_default_timezone()
        for order in range(count):
            day = start + datetime.timedelta(days=order)
            SessionPart.objects.create(
                session=obj,
                order=order,
                starts_at=datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=london),
                ends_at=datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=london),
            )
        refresh_session_dates(obj)


def refresh_session_dates(session: Session) -> None:
    """Copy the first start and last end of the parts onto the session (as the services do)."""
    parts = list(session.parts.order_by("starts_at"))
    session.starts_at = parts[0].starts_at if parts else None
    session.ends_at = parts[-1].ends_at if parts else None
    session.save(update_fields=["starts_at", "ends_at"])


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking made directly (not through the service: places_taken is not raised)."""

    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    partnership = factory.SelfAttribute("session.partnership")
    person = factory.SubFactory(
        PersonFactory, agency__partnership=factory.SelfAttribute("...session.partnership")
    )
    agency = factory.SelfAttribute("person.agency")
    status = BookingStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

"""Helpers shared by the booking-engine tests: sessions, people and a notice recorder."""

import datetime
from typing import cast

from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery import notices
from interagency.delivery.models import DeliverySettings, Session
from interagency.delivery.tests.factories import DeliverySettingsFactory, SessionFactory
from interagency.people.models import Agency, Person, Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory

NOTICES = (
    "booking_confirmed",
    "booking_waiting",
    "booking_cancelled",
    "approval_requested",
    "booking_refused",
    "place_offered",
    "offer_expired",
)


def make_session(partnership, **fields) -> Session:
    return cast(Session, SessionFactory(partnership=partnership, **fields))


def make_agency(partnership, sector: str = Sector.HEALTH, **fields) -> Agency:
    return cast(Agency, AgencyFactory(partnership=partnership, sector=sector, **fields))


def make_person(partnership, *, agency=None, with_user: bool = False, **fields) -> Person:
    agency = agency or make_agency(partnership)
    if with_user:
        user = UserFactory()
        MembershipFactory(partnership=partnership, user=user, role=Role.LEARNER)
        fields["user"] = user
    return cast(Person, PersonFactory(partnership=partnership, agency=agency, **fields))


def settings_of(partnership, **fields) -> DeliverySettings:
    settings = cast(DeliverySettings, DeliverySettingsFactory(partnership=partnership))
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def record_notices(monkeypatch) -> list[tuple[str, str, Person]]:
    """Replace the notices with a recorder: (name, booking status, person), in order.

    Test modules use it as an autouse fixture named ``sent``.
    """
    calls: list[tuple[str, str, Person]] = []
    for name in NOTICES:

        def record(booking, *args, _name=name, **_options):
            calls.append((_name, booking.status, booking.person))

        monkeypatch.setattr(notices, name, record)
    return calls

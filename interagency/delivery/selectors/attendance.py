"""Read registers and certificates.

A register is the session's confirmed bookings (regional ones included) in
name order. Coordinators reach every session of their partnership; a trainer
reaches only the sessions they deliver (a ``SessionTrainer`` row with their
account), so another trainer's session is a 404 like a missing one.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from interagency.catalogue.models import CourseTailoring
from interagency.catalogue.selectors import tailoring_for
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    Certificate,
    Session,
    SessionPart,
)
from interagency.tenancy.models import Partnership


def register_session(
    partnership: Partnership, session_id: int, user, roles: Iterable[str]
) -> Session:
    """The session whose register ``user`` may take; raises ``Session.DoesNotExist`` otherwise."""
    sessions = (
        Session.objects.for_partnership(partnership)
        .select_related("partnership", "course", "course__tier", "venue", "register_closed_by")
        .prefetch_related(Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")))
    )
    if Role.COORDINATOR not in set(roles):
        sessions = sessions.filter(trainers__user=user)
    return sessions.get(pk=session_id)


def register_bookings(session: Session) -> QuerySet[Booking]:
    """The confirmed bookings of ``session`` by name, with agency and what was recorded."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.CONFIRMED)
        .select_related("person", "agency", "attendance")
        .prefetch_related("attendance__parts_attended")
        .order_by("person__full_name", "id")
    )


def bookings_without_outcome(session: Session) -> list[str]:
    """Names of the confirmed attendees who have no outcome on the register yet."""
    return list(
        register_bookings(session)
        .filter(attendance__isnull=True)
        .values_list("person__full_name", flat=True)
    )


def course_title_shown(session: Session) -> str:
    """The course title as the session's partnership shows it (its local title if any)."""
    tailoring = tailoring_for(session.partnership, session.course)
    if tailoring is not None and tailoring.local_title:
        return tailoring.local_title
    return session.course.title


# Certificates -------------------------------------------------------------------------


def _certificates() -> QuerySet[Certificate]:
    # cross-partnership: every caller filters by partnership (a regional place's
    # certificate is issued by another partnership of the region).
    return Certificate.objects.select_related("booking__session", "booking__person")


def certificates_of_user(user, partnership: Partnership) -> QuerySet[Certificate]:
    """The certificates of ``user``'s own bookings seen from ``partnership``, newest first.

    Those the partnership issued, and those another partnership of the region
    issued to the user's person record here (a regional place). Withdrawn ones
    are left out.
    """
    if not user.is_authenticated:
        return Certificate.objects.none()
    # cross-partnership: the user's own certificates, issued here or to their record here
    return (
        _certificates()
        .filter(Q(partnership=partnership) | Q(booking__person__partnership=partnership))
        .filter(booking__person__user=user, revoked_at__isnull=True)
        .order_by("-attended_on", "-id")
    )


def certificate_for_download(
    partnership: Partnership, user, roles: Iterable[str], number: str
) -> Certificate:
    """A certificate ``user`` may download; raises ``Certificate.DoesNotExist`` otherwise.

    Coordinators get any the partnership issued; everyone else only their own.
    """
    if Role.COORDINATOR in set(roles):
        return issued_certificate(partnership, number)
    return certificates_of_user(user, partnership).get(number=number)


def issued_certificate(partnership: Partnership, number: str) -> Certificate:
    """A certificate the partnership issued; raises ``Certificate.DoesNotExist`` otherwise."""
    return (
        Certificate.objects.for_partnership(partnership)
        .select_related("booking__session", "booking__person")
        .get(number=number)
    )


def certificates_of_session(session: Session) -> QuerySet[Certificate]:
    """The certificates a closed register issued, by name."""
    return (
        Certificate.objects.for_partnership(session.partnership)
        .filter(booking__session=session)
        .order_by("person_name")
    )


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with this number, for the public verification page, or None."""
    # cross-partnership: verification is public and a number is unique across partnerships
    return Certificate.objects.filter(number=number).first()


# Registers to take ------------------------------------------------------------------------


def _registers(partnership: Partnership, user, roles: Iterable[str]) -> QuerySet[Any]:
    sessions = (
        Session.objects.for_partnership(partnership)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("course", "venue")
        .annotate(
            shown_title=Coalesce(
                NullIf(
                    Subquery(
                        CourseTailoring.objects.for_partnership(partnership)
                        .filter(course=OuterRef("course"))
                        .values("local_title")[:1]
                    ),
                    Value(""),
                ),
                "course__title",
            )
        )
    )
    if Role.COORDINATOR not in set(roles):
        sessions = sessions.filter(trainers__user=user)
    return sessions


def registers_for(
    partnership: Partnership, user, roles: Iterable[str], *, now=None, limit: int = 50
) -> dict[str, list[Session]]:
    """The registers ``user`` takes: open now (started, not closed), coming up, recently closed.

    Coordinators see every session of the partnership; trainers the ones they deliver.
    Each list holds at most ``limit`` sessions.
    """
    now = now or timezone.now()
    sessions = _registers(partnership, user, roles)
    scheduled = sessions.filter(status=Session.Status.SCHEDULED)
    return {
        "open": list(scheduled.filter(starts_at__lte=now).order_by("starts_at", "id")[:limit]),
        "upcoming": list(scheduled.filter(starts_at__gt=now).order_by("starts_at", "id")[:limit]),
        "closed": list(
            sessions.filter(status=Session.Status.CLOSED).order_by("-register_closed_at", "-id")[
                :limit
            ]
        ),
    }

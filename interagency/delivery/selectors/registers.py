"""Reads of registers: the sessions whose register a member takes, and their lines.

A register is the session's confirmed bookings (regional ones included) in
name order. Coordinators reach every session of their partnership; a trainer
reaches only the sessions they deliver (a ``SessionTrainer`` row with their
account), so another trainer's session is a 404 like a missing one.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus, Session, SessionPart
from interagency.delivery.selectors.sessions import sessions_of, shown_course_title
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def registers_taken_by(
    partnership: Partnership, user: "_User", roles: Iterable[str]
) -> QuerySet[Session]:
    """The sessions (any status) whose register ``user`` takes: a coordinator's every one of
    the partnership, a trainer's those they deliver."""
    sessions = sessions_of(partnership)
    if Role.COORDINATOR not in set(roles):
        sessions = sessions.filter(trainers__user=user)
    return sessions


def with_register_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What the register page and the API's register show of its session: host, course,
    tier, venue, who closed it, and its parts."""
    return sessions.select_related(
        "partnership", "course", "course__tier", "venue", "register_closed_by"
    ).prefetch_related(Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")))


def registers_for(
    partnership: Partnership,
    user: "_User",
    roles: Iterable[str],
    *,
    now: datetime.datetime | None = None,
    limit: int = 50,
) -> dict[str, list[Session]]:
    """The registers ``user`` takes: open now (started, not closed), coming up, recently closed.

    Coordinators see every session of the partnership; trainers the ones they deliver.
    Each list holds at most ``limit`` sessions, each with ``shown_title``.
    """
    now = now or timezone.now()
    sessions = (
        registers_taken_by(partnership, user, roles)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("course", "venue")
        .annotate(shown_title=shown_course_title())
    )
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


def sessions_delivered_by(
    partnership: Partnership,
    user: "_User",
    *,
    now: datetime.datetime,
    today_ends: datetime.datetime,
    limit: int = 20,
) -> dict[str, list[Session]]:
    """The trainer's own sessions (those with a ``SessionTrainer`` row for ``user``, whatever
    other roles they hold): registers still open after the session started (``to_close``),
    today's still to start, and the coming ones after today; each with ``shown_title``.
    Three queries."""
    sessions = (
        sessions_of(partnership)
        .filter(trainers__user=user, status=Session.Status.SCHEDULED)
        .select_related("venue")
        .annotate(shown_title=shown_course_title())
        .distinct()
        .order_by("starts_at", "id")
    )
    return {
        "to_close": list(sessions.filter(starts_at__lte=now)[:limit]),
        "today": list(sessions.filter(starts_at__gt=now, starts_at__lt=today_ends)[:limit]),
        "coming": list(sessions.filter(starts_at__gte=today_ends)[:limit]),
    }

"""Reads of sessions: the partnership's own and those the region opened to it.

Every read starts from one of two querysets: :func:`sessions_of` (the
partnership's own) or :func:`sessions_seen_from` (its own and the sessions of
the region's other partnerships that opened places to it, the one rule for
regional places). What a page needs on top is added by a function named for
what it adds (:func:`with_course`, :func:`listed`, :func:`with_page_details`,
:func:`with_regional_left`). The course title is always the host partnership's
(:func:`shown_course_title`). One session for an act is fetched through
``selectors.access.session_for``.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.utils import timezone

from interagency.catalogue.models import CourseTailoring
from interagency.catalogue.selectors import catalogue_courses, tiers_of
from interagency.core.dates import govuk_datetime
from interagency.core.permissions import Role
from interagency.delivery.models import (
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    SectorHold,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
)
from interagency.tenancy.models import Membership, Partnership

UPCOMING_ON_COURSE_PAGE = 5


@dataclass(frozen=True)
class SessionFilters:
    """The learner's list filters, as read from the address (all optional)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    course_id: int | None = None
    tier_id: int | None = None
    venue_id: int | None = None
    format: str = ""

    @property
    def is_set(self) -> bool:
        return any(
            value not in (None, "")
            for value in (
                self.date_from,
                self.date_to,
                self.course_id,
                self.tier_id,
                self.venue_id,
                self.format,
            )
        )


def london_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in Europe/London, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


# The two starting points ----------------------------------------------------------------


def sessions_of(partnership: Partnership) -> QuerySet[Session]:
    """The partnership's own sessions, any status."""
    return Session.objects.for_partnership(partnership)


def open_to_region(partnership: Partnership) -> Q:
    """Scheduled sessions of the region's other partnerships that opened places to it: the
    one rule for which regional sessions the list, calendar, session page and API show."""
    return Q(
        partnership__region_id=partnership.region_id,
        status=Session.Status.SCHEDULED,
        regional_places__gt=0,
    ) & ~Q(partnership=partnership)


def sessions_seen_from(partnership: Partnership) -> QuerySet[Session]:
    """The partnership's own sessions (any status) and those :func:`open_to_region`; another
    partnership's session is not among them, so it reads as one that does not exist."""
    # cross-partnership: regional places (a session the host opened to its region).
    return Session.objects.filter(Q(partnership=partnership) | open_to_region(partnership))


# What pages add ---------------------------------------------------------------------------


def shown_course_title(through: str = "") -> Coalesce:
    """The course title as the host partnership shows it (its local title, if any), for the
    session at ``through`` (``""`` for a session, ``"session__"`` for a booking)."""
    # cross-partnership: each session's own (host) partnership's tailoring, never another's.
    tailoring = CourseTailoring.objects.filter(
        partnership_id=OuterRef(f"{through}partnership_id"),
        course_id=OuterRef(f"{through}course_id"),
    )
    return Coalesce(
        NullIf(Subquery(tailoring.values("local_title")[:1]), Value("")),
        f"{through}course__title",
    )


def course_title_shown(session: Session) -> str:
    """:func:`shown_course_title` of one session (one query)."""
    titles = sessions_of(session.partnership).filter(pk=session.pk)
    return titles.annotate(shown=shown_course_title()).values_list("shown", flat=True).get()


def bookings_counted(status: str) -> Coalesce:
    """How many of a session's bookings have ``status``: a subquery on the (session, status)
    index, so a page of sessions never joins the whole bookings table (PostgreSQL would
    read every booking of the region to group them)."""
    counted = (
        # cross-partnership: correlated on the session, which the outer query scoped.
        Booking.objects.filter(session_id=OuterRef("pk"), status=status)
        .order_by()  # the default ordering would join the session again
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_course(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """``sessions`` with their course, tier and venue joined."""
    return sessions.select_related("course", "course__tier", "venue")


def with_queue_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """``waiting_count`` and ``awaiting_count``: who waits for a place or for approval."""
    return sessions.annotate(
        waiting_count=bookings_counted(BookingStatus.WAITING),
        awaiting_count=bookings_counted(BookingStatus.AWAITING_APPROVAL),
    )


def listed(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What a row of a list needs, in one query: course, tier, venue, host, the course title
    the host shows, the parts count; soonest first."""
    return (
        sessions.select_related("course__tier", "venue", "partnership")
        .annotate(
            course_title=shown_course_title(),
            part_count=Coalesce(
                Subquery(
                    SessionPart.objects.filter(session=OuterRef("pk"))
                    .values("session")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("starts_at", "pk")
    )


def with_regional_left(
    sessions: QuerySet[Session], *, caller: Partnership | None = None
) -> QuerySet[Session]:
    """``regional_left``: the places a person of another partnership may still take; None
    on ``caller``'s own sessions when given (where ``places_left`` says it)."""
    taken = (
        # cross-partnership: the regional bookings on each (host's) session, counted in SQL.
        Booking.objects.filter(
            session_id=OuterRef("pk"), is_regional=True, status__in=PLACE_HOLDING_STATUSES
        )
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    regional_left: Any = Greatest(
        Value(0),
        Least(
            F("regional_places") - Coalesce(Subquery(taken, output_field=IntegerField()), 0),
            F("capacity") - F("places_taken"),
        ),
        output_field=IntegerField(),
    )
    if caller is not None:
        regional_left = Case(
            When(partnership=caller, then=Value(None)),
            default=regional_left,
            output_field=IntegerField(),
        )
    return sessions.annotate(regional_left=regional_left)


def with_page_details(sessions: QuerySet[Session], *, caller: Partnership) -> QuerySet[Session]:
    """What the session page and the API show of one session: :func:`listed`, the queue
    counts, ``regional_left`` as ``caller`` sees it, and its parts, trainers and sector
    holds."""
    sessions = with_queue_counts(with_regional_left(listed(sessions), caller=caller))
    return sessions.prefetch_related(
        Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")),
        Prefetch("trainers", queryset=SessionTrainer.objects.order_by("name")),
        Prefetch("sector_holds", queryset=SectorHold.objects.order_by("sector")),
    )


def with_arrangements(session: Session) -> Session:
    """``session`` with its parts, trainers and sector holds read (three queries), for the
    coordinator's pages that show or change them all."""
    prefetch_related_objects(
        [session],
        Prefetch("parts", queryset=SessionPart.objects.order_by("order", "starts_at")),
        Prefetch("trainers", queryset=SessionTrainer.objects.select_related("user")),
        Prefetch("sector_holds", queryset=SectorHold.objects.order_by("sector")),
    )
    return session


# Lists --------------------------------------------------------------------------------------


def _filtered(sessions: QuerySet[Session], filters: SessionFilters) -> QuerySet[Session]:
    if filters.date_from:
        sessions = sessions.filter(starts_at__gte=london_midnight(filters.date_from))
    if filters.date_to:
        end = london_midnight(filters.date_to + datetime.timedelta(days=1))
        sessions = sessions.filter(starts_at__lt=end)
    if filters.course_id:
        sessions = sessions.filter(course_id=filters.course_id)
    if filters.tier_id:
        sessions = sessions.filter(course__tier_id=filters.tier_id)
    if filters.venue_id:
        sessions = sessions.filter(venue_id=filters.venue_id)
    if filters.format:
        sessions = sessions.filter(format=filters.format)
    return sessions


def upcoming_sessions(
    partnership: Partnership,
    filters: SessionFilters = SessionFilters(),
    *,
    now: datetime.datetime | None = None,
) -> QuerySet[Session]:
    """The partnership's scheduled sessions that have not started, filtered, soonest first."""
    sessions = sessions_of(partnership).filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now or timezone.now()
    )
    return listed(_filtered(sessions, filters))


def regional_sessions(
    partnership: Partnership,
    filters: SessionFilters = SessionFilters(),
    *,
    now: datetime.datetime | None = None,
) -> QuerySet[Session]:
    """Upcoming sessions of the region's other partnerships that open places to the region."""
    # cross-partnership: regional places (other partnerships of the same region share them).
    sessions = Session.objects.filter(
        open_to_region(partnership), starts_at__gt=now or timezone.now()
    )
    return with_regional_left(listed(_filtered(sessions, filters)))


def sessions_in_month(
    partnership: Partnership,
    year: int,
    month: int,
    filters: SessionFilters = SessionFilters(),
    *,
    now: datetime.datetime | None = None,
) -> list[Session]:
    """The partnership's scheduled sessions starting in a month (London time), with their
    parts, for the calendar, and the upcoming ones the region's other partnerships opened
    to it (with ``regional_left``), as the list shows them. Past days of the month keep
    the partnership's own sessions, so it reads as a month; a regional session that has
    started is no longer a place on offer.
    """
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    own = Q(partnership=partnership, status=Session.Status.SCHEDULED)
    regional = open_to_region(partnership) & Q(starts_at__gt=now or timezone.now())
    # cross-partnership: regional places, in the same query as the partnership's own.
    sessions = Session.objects.filter(own | regional).filter(
        starts_at__gte=london_midnight(first), starts_at__lt=london_midnight(following)
    )
    parts = Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at"))
    return list(with_regional_left(listed(_filtered(sessions, filters))).prefetch_related(parts))


def session_list(
    partnership: Partnership,
    *,
    course_id: int | None = None,
    tier_id: int | None = None,
    starts_from: datetime.date | None = None,
    starts_to: datetime.date | None = None,
    session_format: str = "",
    status: str = "",
    upcoming_only: bool = True,
    include_regional: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Session]:
    """The coordinator's table and the API's list: the partnership's sessions, soonest first,
    with course, venue, host, the course title it shows and the queue counts. With
    ``upcoming_only`` and neither ``starts_from`` nor ``status``, only those not yet ended;
    dates are London days.

    With ``include_regional``, also the sessions not yet started that other partnerships of
    the region opened places on (the learner's list rule), with ``regional_left``.
    """
    now = now or timezone.now()
    sessions: QuerySet[Session]
    if include_regional:
        # cross-partnership: regional places (sessions their hosts opened to the region).
        sessions = Session.objects.filter(
            Q(partnership=partnership) | (open_to_region(partnership) & Q(starts_at__gte=now))
        )
        sessions = with_regional_left(sessions, caller=partnership)
    else:
        sessions = sessions_of(partnership)
    sessions = with_queue_counts(
        with_course(sessions)
        .select_related("partnership")
        .annotate(course_title=shown_course_title())
    ).order_by("starts_at", "id")
    if course_id is not None:
        sessions = sessions.filter(course_id=course_id)
    if tier_id is not None:
        sessions = sessions.filter(course__tier_id=tier_id)
    if starts_from is not None:
        sessions = sessions.filter(starts_at__gte=london_midnight(starts_from))
    elif upcoming_only and not status:
        sessions = sessions.filter(ends_at__gte=now)
    if starts_to is not None:
        sessions = sessions.filter(
            starts_at__lt=london_midnight(starts_to + datetime.timedelta(days=1))
        )
    if session_format:
        sessions = sessions.filter(format=session_format)
    if status:
        sessions = sessions.filter(status=status)
    return sessions


def upcoming_for_course(
    partnership: Partnership, course_id: int, *, limit: int = UPCOMING_ON_COURSE_PAGE
) -> list[Session]:
    """The next few scheduled sessions of one course in the partnership (the course page)."""
    sessions = (
        sessions_of(partnership)
        .filter(status=Session.Status.SCHEDULED, course_id=course_id, starts_at__gt=timezone.now())
        .select_related("venue")
        .order_by("starts_at", "pk")
    )
    return list(sessions[:limit])


def alternative_sessions(session: Session) -> QuerySet[Session]:
    """Other scheduled, future sessions of the same course, to offer when one is cancelled."""
    return (
        sessions_of(session.partnership)
        .filter(
            status=Session.Status.SCHEDULED,
            course_id=session.course_id,
            starts_at__gt=timezone.now(),
        )
        .exclude(pk=session.pk)
        .select_related("venue")
        .order_by("starts_at")
    )


# Filter and form choices ------------------------------------------------------------------


def courses_with_upcoming_sessions(partnership: Partnership) -> QuerySet[Any]:
    """The catalogue's courses that have an upcoming scheduled session (the course filter)."""
    upcoming = sessions_of(partnership).filter(
        course=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    return catalogue_courses(partnership).filter(Exists(upcoming))


def session_tiers(partnership: Partnership) -> QuerySet[Any]:
    return tiers_of(partnership)


def session_formats() -> list[tuple[str, str]]:
    return list(SessionFormat.choices)


def trainer_members(partnership: Partnership) -> list[Any]:
    """Accounts holding the trainer role in the partnership, by name."""
    memberships = (
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.TRAINER)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [membership.user for membership in memberships]


# What a session's own fields say (no query) -----------------------------------------------


@dataclass(frozen=True)
class BookingWindow:
    """Whether a session takes bookings now, and the sentence that says so."""

    is_open: bool
    text: str


def booking_window(session: Session, *, now: datetime.datetime | None = None) -> BookingWindow:
    """Open or closed for booking, from the session's own fields (no query)."""
    now = now or timezone.now()
    if session.status == Session.Status.CANCELLED:
        return BookingWindow(False, "Cancelled")
    if session.status == Session.Status.CLOSED or (session.starts_at and session.starts_at <= now):
        return BookingWindow(False, "Booking closed: the session has started")
    if session.booking_opens_at and session.booking_opens_at > now:
        return BookingWindow(False, f"Booking opens at {govuk_datetime(session.booking_opens_at)}")
    if session.booking_closes_at and session.booking_closes_at <= now:
        return BookingWindow(False, "Booking closed")
    if session.booking_closes_at:
        closes = govuk_datetime(session.booking_closes_at)
        return BookingWindow(True, f"Booking open until {closes}")
    return BookingWindow(True, "Booking open")


def is_late_cancellation(session: Session, *, now: datetime.datetime | None = None) -> bool:
    """Would cancelling now be a late cancellation (after the session's cut-off)?"""
    now = now or timezone.now()
    return bool(session.cancellation_cutoff and session.cancellation_cutoff < now)

"""What learners and their managers read about sessions: lists, the calendar, one
session, their own bookings and the bookings waiting for their approval.

Every read starts from the partnership in the address. Two reads reach beyond
it on purpose and say so: sessions of other partnerships of the same region
that opened places to the region (``regional_places > 0``), and bookings a
person of this partnership holds on such a session (the booking belongs to
the host partnership).
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
)
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.utils import timezone

from interagency.catalogue.models import CourseTailoring
from interagency.catalogue.selectors import catalogue_courses, tiers_of
from interagency.core.dates import govuk_datetime
from interagency.delivery.models import (
    LIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    Certificate,
    SectorHold,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
    Venue,
)
from interagency.delivery.selectors.attendance import certificates_of_user
from interagency.delivery.selectors.bookings import awaiting_approval_for
from interagency.delivery.selectors.sessions import bookings_counted
from interagency.people.models import Person
from interagency.people.selectors import people_matching
from interagency.tenancy.models import Partnership

UPCOMING_ON_COURSE_PAGE = 5


@dataclass(frozen=True)
class SessionFilters:
    """The list's filters, as read from the address (all optional)."""

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


def _shown_course_title() -> Coalesce:
    """The course title as the host partnership shows it (its local title, if any)."""
    # cross-partnership: each session's own (host) partnership's tailoring, never another's.
    tailoring = CourseTailoring.objects.filter(
        partnership_id=OuterRef("partnership_id"), course_id=OuterRef("course_id")
    )
    return Coalesce(
        NullIf(Subquery(tailoring.values("local_title")[:1]), Value("")), "course__title"
    )


def _listed(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What a row of a list needs, in one query: course, tier, venue, host, parts count."""
    return (
        sessions.select_related("course__tier", "venue", "partnership")
        .annotate(
            course_title=_shown_course_title(),
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
    sessions = Session.objects.for_partnership(partnership).filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now or timezone.now()
    )
    return _listed(_filtered(sessions, filters))


def open_to_region(partnership: Partnership) -> Q:
    """Scheduled sessions of the region's other partnerships that opened places to it: the
    one rule for which regional sessions the list, calendar, session page and API show."""
    return Q(
        partnership__region_id=partnership.region_id,
        status=Session.Status.SCHEDULED,
        regional_places__gt=0,
    ) & ~Q(partnership=partnership)


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
    return _with_regional_left(_listed(_filtered(sessions, filters)))


def _with_regional_left(
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
    return list(_with_regional_left(_listed(_filtered(sessions, filters))).prefetch_related(parts))


def upcoming_for_course(
    partnership: Partnership, course_id: int, *, limit: int = UPCOMING_ON_COURSE_PAGE
) -> list[Session]:
    """The next few scheduled sessions of one course in the partnership (the course page)."""
    sessions = (
        Session.objects.for_partnership(partnership)
        .filter(status=Session.Status.SCHEDULED, course_id=course_id, starts_at__gt=timezone.now())
        .select_related("venue")
        .order_by("starts_at", "pk")
    )
    return list(sessions[:limit])


# Filter choices ---------------------------------------------------------------------


def courses_with_upcoming_sessions(partnership: Partnership) -> QuerySet[Any]:
    """The catalogue's courses that have an upcoming scheduled session (the course filter)."""
    upcoming = Session.objects.for_partnership(partnership).filter(
        course=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    return catalogue_courses(partnership).filter(Exists(upcoming))


def session_tiers(partnership: Partnership) -> QuerySet[Any]:
    return tiers_of(partnership)


def venues_of(partnership: Partnership) -> QuerySet[Venue]:
    return Venue.objects.for_partnership(partnership).order_by("name")


def session_formats() -> list[tuple[str, str]]:
    return list(SessionFormat.choices)


# One session ------------------------------------------------------------------------


def session_seen_by(partnership: Partnership, session_id: int) -> Session:
    """A session of the partnership (any status), or one the region's other partnerships
    opened to it; DoesNotExist for any other, so another partnership's session reads as one
    that does not exist.

    With what the session page and the API show of it: parts, trainers and sector holds,
    the waiting and awaiting-approval counts, and ``regional_left``, the places this
    partnership's people may still take on another's session (None on its own, where
    ``places_left`` says it).
    """
    # cross-partnership: regional places (a session the host opened to its region).
    sessions = Session.objects.filter(Q(partnership=partnership) | open_to_region(partnership))
    return (
        _with_regional_left(_listed(sessions), caller=partnership)
        .annotate(
            waiting_count=bookings_counted(BookingStatus.WAITING),
            awaiting_count=bookings_counted(BookingStatus.AWAITING_APPROVAL),
        )
        .prefetch_related(
            Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")),
            Prefetch("trainers", queryset=SessionTrainer.objects.order_by("name")),
            Prefetch("sector_holds", queryset=SectorHold.objects.order_by("sector")),
        )
        .get(pk=session_id)
    )


def bookable_session(partnership: Partnership, session_id: int) -> Session:
    """The session ``session_seen_by`` finds (the same rule), with only its host joined:
    what booking needs, the booking service reading and locking the current row itself."""
    found = (
        Session.objects.for_partnership(partnership)
        .filter(pk=session_id)
        .select_related("partnership")
        .first()
    )
    if found is not None:
        return found
    # cross-partnership: regional places (a session the host opened to its region).
    return (
        Session.objects.filter(open_to_region(partnership), pk=session_id)
        .select_related("partnership")
        .get()
    )


def people_of_user(partnership: Partnership, user: Any) -> QuerySet[Person]:
    """The user's own person records in the partnership (usually one; none for some members)."""
    if user is None or not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.for_partnership(partnership).filter(user=user, merged_into__isnull=True)


def viewer_booking(partnership: Partnership, user: Any, session: Session) -> Booking | None:
    """The viewer's live booking on ``session`` (else their latest one), if any."""
    # cross-partnership: the user's own bookings on a regional session are hosted by it.
    bookings = Booking.objects.filter(
        session=session, person__in=people_of_user(partnership, user)
    ).order_by("-booked_at", "-pk")
    live = [booking for booking in bookings if booking.is_live]
    return live[0] if live else (bookings[0] if bookings else None)


def live_bookings_of_user_on(
    partnership: Partnership, user: Any, session_ids: list[int]
) -> dict[int, Booking]:
    """The user's own live bookings on the given sessions, by session id (one query)."""
    # cross-partnership: the user's own bookings, on regional sessions too.
    bookings = Booking.objects.filter(
        session_id__in=session_ids,
        person__in=people_of_user(partnership, user),
        status__in=LIVE_STATUSES,
    )
    return {booking.session_id: booking for booking in bookings}


# The viewer's bookings ---------------------------------------------------------------


def _waiting_position() -> Subquery:
    """The number of people ahead on the same session's waiting list (position - 1)."""
    ahead = (
        # cross-partnership: the queue of the outer booking's own session (its host's).
        Booking.objects.filter(session_id=OuterRef("session_id"), status=BookingStatus.WAITING)
        .filter(
            Q(waiting_since__lt=OuterRef("waiting_since"))
            | Q(waiting_since=OuterRef("waiting_since"), pk__lt=OuterRef("pk"))
        )
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Subquery(ahead, output_field=IntegerField())


def booking_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """What pages and the API show of each booking: its session with course, venue and host,
    the person and both agencies (theirs now, and the booking's), the course title as the
    host shows it, and ``people_ahead`` on the waiting list."""
    return bookings.select_related(
        "session__course__tier",
        "session__venue",
        "session__partnership",
        "person__agency",
        "agency",
    ).annotate(
        course_title=Coalesce(
            NullIf(
                Subquery(
                    # cross-partnership: the host partnership's title of the course.
                    CourseTailoring.objects.filter(
                        partnership_id=OuterRef("session__partnership_id"),
                        course_id=OuterRef("session__course_id"),
                    ).values("local_title")[:1]
                ),
                Value(""),
            ),
            "session__course__title",
        ),
        people_ahead=Coalesce(_waiting_position(), Value(0)),
    )


def bookings_of_user(partnership: Partnership, user: Any) -> QuerySet[Booking]:
    """Every booking of the user's person records in the partnership, wherever hosted."""
    # cross-partnership: the learner's own bookings on regional sessions are hosted elsewhere.
    bookings = Booking.objects.filter(person__in=people_of_user(partnership, user))
    return booking_rows(bookings).order_by("session__starts_at", "pk")


def split_bookings(
    bookings: QuerySet[Booking], *, now: datetime.datetime | None = None
) -> tuple[list[Booking], list[Booking]]:
    """``(upcoming, past)``: upcoming soonest first, past most recent first."""
    now = now or timezone.now()
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in bookings:
        ends = booking.session.ends_at or booking.session.starts_at
        (upcoming if ends is None or ends > now else past).append(booking)
    past.reverse()
    return upcoming, past


def awaiting_approval(partnership: Partnership, user: Any, roles: Any) -> QuerySet[Booking]:
    """Bookings awaiting approval of the people the member manages (not their own), with
    what the approvals page shows."""
    return booking_rows(awaiting_approval_for(partnership, user, roles)).order_by("booked_at", "pk")


def certificates_for(partnership: Partnership, user: Any) -> list[Certificate]:
    """The user's certificates (issued here, or to their record here by the region)."""
    return list(certificates_of_user(user, partnership))


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


# Booking people from a team -----------------------------------------------------------


def search_people(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """``people`` (already narrowed to those the member may book) matching every word typed
    (``people.selectors.people_matching``)."""
    return (
        people_matching(people, text)
        .select_related("agency", "service")
        .order_by("full_name", "pk")
    )


def live_bookings_by_person(session: Session, person_ids: list[int]) -> dict[int, Booking]:
    """The live bookings on ``session`` of the given people, by person id (one query)."""
    # cross-partnership: the bookings of people a member may book, on a regional session too.
    bookings = Booking.objects.filter(
        session=session, person_id__in=person_ids, status__in=LIVE_STATUSES
    )
    return {booking.person_id: booking for booking in bookings}

"""The rules a session must keep, checked before any session service changes anything.

Each check returns every problem it finds as ``(field, message)``, so a form can
list them all in its error summary; a :class:`ServiceError` carries them.
"""

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from interagency.catalogue.models import Course
from interagency.core.errors import ServiceError
from interagency.core.local_time import wall_time_problem
from interagency.core.permissions import Role
from interagency.delivery.models import Session, SessionFormat
from interagency.people.models import Sector
from interagency.tenancy.models import Membership, Partnership

Problems = list[tuple[str | None, str]]
Period = tuple[datetime.datetime, datetime.datetime]

# The most dated parts one session may have (a long modular course).
MAX_PARTS = 40

# The fields of a session the services take as keyword arguments.
SESSION_FIELDS = frozenset(
    {
        "format",
        "venue",
        "joining_link",
        "joining_instructions",
        "capacity",
        "minimum_numbers",
        "booking_opens_at",
        "booking_closes_at",
        "cancellation_cutoff",
        "max_agency_share",
        "regional_places",
        "no_show_charge",
        "notes",
    }
)


@dataclass(frozen=True)
class TrainerEntry:
    """Who delivers a session: a member's account (``user``), or a named trainer or provider."""

    name: str = ""
    user: Any = None
    provider_name: str = ""

    def shown_name(self) -> str:
        if self.name.strip():
            return self.name.strip()
        if self.user is not None:
            return self.user.get_full_name() or self.user.email
        return self.provider_name.strip()


@dataclass(frozen=True)
class SectorHoldEntry:
    """``places`` kept for ``sector`` until ``until`` (an aware datetime)."""

    sector: str
    places: int
    until: datetime.datetime


def raise_if(problems: Problems) -> None:
    """Refuse the change with every problem found, if there is any."""
    if problems:
        raise ServiceError.of_problems(problems)


def refuse_unknown_fields(fields: dict[str, Any]) -> None:
    """A caller's mistake, not a person's: fields that are not a session's."""
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")


def refuse_finished(session: Session) -> None:
    """A cancelled session, or one whose register is closed, can no longer change."""
    if session.status == Session.Status.CANCELLED:
        raise ServiceError("This session is cancelled: it can no longer be changed.")
    if session.status == Session.Status.CLOSED:
        raise ServiceError("The register of this session is closed: it can no longer be changed.")


def course_allowed(partnership: Partnership, course: Course) -> bool:
    """Whether ``course`` is in the partnership's catalogue."""
    from interagency.catalogue.selectors import catalogue_courses

    return catalogue_courses(partnership).filter(pk=course.pk).exists()


def check_parts(parts: Sequence[Period]) -> Problems:
    """At least one part, at most :data:`MAX_PARTS`, each ending after it starts at a time the
    clocks show once, and none overlapping."""
    problems: Problems = []
    if not parts:
        return [("parts", "Enter the date and times of at least one part.")]
    if len(parts) > MAX_PARTS:
        return [("parts", f"A session has at most {MAX_PARTS} parts.")]
    for number, (starts, ends) in enumerate(parts, start=1):
        if timezone.is_naive(starts) or timezone.is_naive(ends):
            raise ValueError("Session parts need aware datetimes (Europe/London or UTC).")
        skipped_or_repeated = [
            f"{which} time of part {number}: {problem}"
            for which, problem in (
                ("Start", wall_time_problem(starts)),
                ("End", wall_time_problem(ends)),
            )
            if problem
        ]
        if skipped_or_repeated:
            problems.extend(("parts", problem) for problem in skipped_or_repeated)
            continue
        if ends <= starts:
            problems.append(
                ("parts", f"The end time of part {number} must be after its start time.")
            )
    ordered = sorted(parts)
    for (_, first_ends), (second_starts, _) in itertools.pairwise(ordered):
        if second_starts < first_ends:
            problems.append(("parts", "Two parts overlap: each part must end before the next."))
            break
    return problems


def check_places(values: dict[str, Any], places_taken: int) -> tuple[Problems, int | None]:
    """The capacity, minimum numbers, places for the region, agency share and no-show charge;
    and the capacity, when it is one the other rules can be measured against."""
    problems: Problems = []
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        problems.append(("capacity", "Enter a capacity of at least 1 place."))
        capacity = None
    elif capacity < places_taken:
        problems.append(
            (
                "capacity",
                f"The capacity cannot be less than the {places_taken} places already taken.",
            )
        )
    minimum = values.get("minimum_numbers") or 0
    if minimum < 0:
        problems.append(("minimum_numbers", "Minimum numbers cannot be negative."))
    elif capacity is not None and minimum > capacity:
        problems.append(("minimum_numbers", "Minimum numbers must not be more than the capacity."))
    regional = values.get("regional_places") or 0
    if regional < 0:
        problems.append(("regional_places", "Places for the region cannot be negative."))
    elif capacity is not None and regional > capacity:
        problems.append(
            ("regional_places", "Places for the region must not be more than the capacity.")
        )
    share = values.get("max_agency_share")
    if share is not None and not 1 <= share <= 100:
        problems.append(
            ("max_agency_share", "The largest agency share must be between 1% and 100%.")
        )
    charge = values.get("no_show_charge")
    if charge is not None and charge < 0:
        problems.append(("no_show_charge", "The no-show charge cannot be negative."))
    return problems, capacity


def check_booking_times(values: dict[str, Any]) -> Problems:
    """Booking opens, closes and the cancellation cutoff: times the clocks show once, and
    booking closing after it opens."""
    problems: Problems = []
    for name in ("booking_opens_at", "booking_closes_at", "cancellation_cutoff"):
        problem = wall_time_problem(values[name]) if values.get(name) else None
        if problem:
            problems.append((name, problem))
    opens, closes = values.get("booking_opens_at"), values.get("booking_closes_at")
    if opens and closes and closes <= opens:
        problems.append(("booking_closes_at", "Booking must close after it opens."))
    return problems


def check_place(partnership: Partnership, values: dict[str, Any]) -> Problems:
    """In person at one of the partnership's venues, or online with a joining link."""
    session_format = values.get("format") or SessionFormat.IN_PERSON
    if session_format not in SessionFormat.values:
        return [("format", "Choose in person or online.")]
    if session_format == SessionFormat.IN_PERSON:
        venue = values.get("venue")
        if venue is None:
            return [("venue", "Choose a venue for an in-person session.")]
        if venue.partnership_id != partnership.pk:
            return [("venue", "Choose one of the partnership's venues.")]
        return []
    if not values.get("joining_link"):
        return [("joining_link", "Enter the joining link for an online session.")]
    return []


def check_trainers(partnership: Partnership, trainers: Sequence[TrainerEntry]) -> Problems:
    """Members' accounts must hold the trainer role here; anyone else needs a name."""
    problems: Problems = []
    trainer_ids = set(
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.TRAINER, user__in=[t.user for t in trainers if t.user is not None])
        .values_list("user_id", flat=True)
    )
    for trainer in trainers:
        if trainer.user is not None and trainer.user.pk not in trainer_ids:
            problems.append(
                ("trainers", f"{trainer.shown_name()} is not a trainer of this partnership.")
            )
        elif trainer.user is None and not trainer.shown_name():
            problems.append(("trainers", "Enter the trainer's name or the provider's name."))
    return problems


def check_sector_holds(holds: Sequence[SectorHoldEntry], capacity: int | None) -> Problems:
    """Each hold for a real sector, once, of at least one place, until a time the clocks show
    once; together no more than the capacity."""
    problems: Problems = []
    seen: set[str] = set()
    for hold in holds:
        if hold.sector not in Sector.values:
            problems.append(("sector_holds", f"{hold.sector!r} is not a sector."))
            continue
        label = Sector(hold.sector).label
        if hold.sector in seen:
            problems.append(("sector_holds", f"{label} has places held twice."))
        seen.add(hold.sector)
        until_problem = wall_time_problem(hold.until)
        if until_problem:
            problems.append(("sector_holds", f"{label} held until: {until_problem}"))
        if hold.places < 1:
            problems.append(("sector_holds", f"Hold at least 1 place for {label}."))
    held = sum(max(hold.places, 0) for hold in holds)
    if capacity is not None and held > capacity:
        problems.append(
            (
                "sector_holds",
                f"The places held for sectors ({held}) are more than the capacity ({capacity}).",
            )
        )
    return problems


def check_rules(
    *,
    partnership: Partnership,
    values: dict[str, Any],
    places_taken: int,
    trainers: Sequence[TrainerEntry] | None,
    sector_holds: Sequence[SectorHoldEntry] | None,
) -> Problems:
    """The rules of one session's fields, independent of the parts."""
    problems, capacity = check_places(values, places_taken)
    problems += check_booking_times(values)
    problems += check_place(partnership, values)
    if trainers is not None:
        problems += check_trainers(partnership, trainers)
    if sector_holds is not None:
        problems += check_sector_holds(sector_holds, capacity)
    return problems

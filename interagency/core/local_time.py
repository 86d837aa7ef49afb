"""Wall-clock times in the site's time zone (Europe/London) and the two hours a year they fail.

On the last Sunday of March the clocks go forward at 1am: 1:00am to 1:59am
never happen. On the last Sunday of October they go back at 2am: 1:00am to
1:59am happen twice. A time typed without an offset in either hour is refused
with words that say so, rather than silently moved an hour (the spring gap)
or guessed (the autumn repeat): nobody is booked onto a session an hour away
from the one they read. In the autumn repeat the person may say which of the
two they mean (``REPEATED_FIRST``: British Summer Time, before the clocks go
back; ``REPEATED_SECOND``: Greenwich Mean Time, after). An instant with an
explicit UTC offset (the API's ``2027-10-31T01:30:00+01:00``) is unambiguous
and always accepted.
"""

import datetime
import zoneinfo

from django.utils import timezone

from interagency.core.dates import govuk_datetime, govuk_time

ONE_MINUTE = datetime.timedelta(minutes=1)
# Which of a repeated autumn hour's two readings is meant (datetime's fold 0 and 1).
REPEATED_FIRST = "first"
REPEATED_SECOND = "second"


def local_zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def _change(wall: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The wall-clock time the clocks change from and to around ``wall`` (naive, local).

    ``wall`` is in a gap or a repeat, so the offsets before (fold=0) and after
    (fold=1) differ and the change happened between the two readings of it;
    a minute at a time finds it (the changes in this zone are on the minute).
    """
    zone = local_zone()
    before = wall.replace(tzinfo=zone, fold=0).utcoffset() or datetime.timedelta()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset() or datetime.timedelta()
    instant = min(wall - before, wall - after)  # UTC, naive
    while (instant.replace(tzinfo=datetime.UTC).astimezone(zone).utcoffset()) != after:
        instant += ONE_MINUTE
    return instant + before, instant + after


def wall_time_problem(moment: datetime.datetime) -> str | None:
    """Why ``moment`` (naive, or aware in the local zone) names no one instant, or None.

    ``moment`` aware with a fixed offset (UTC, +01:00) is an instant: None.
    """
    if moment.tzinfo is not None and not isinstance(moment.tzinfo, zoneinfo.ZoneInfo):
        return None
    zone = local_zone()
    wall = moment.replace(tzinfo=None, fold=0)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    change_from, change_to = _change(wall)
    typed = govuk_datetime(wall)
    if change_to > change_from:  # the clocks go forward: the hour never happens
        return (
            f"There is no {typed}: the clocks go forward at {govuk_time(change_from)}. "
            f"Choose a time before {govuk_time(change_from)} or from {govuk_time(change_to)}."
        )
    return (
        f"{typed[0].upper()}{typed[1:]} happens twice: the clocks go back at "
        f"{govuk_time(change_from)} to {govuk_time(change_to)}. Choose a time before "
        f"{govuk_time(change_to)} or from {govuk_time(change_from)}."
    )


class LocalTimeError(ValueError):
    """A wall-clock time that is not one instant; ``str()`` says why and what to choose."""


def is_repeated(day: datetime.date, time: datetime.time) -> bool:
    """True for a time the clocks show twice that day (the hour after they go back)."""
    wall = datetime.datetime.combine(day, time)
    first = wall.replace(tzinfo=local_zone(), fold=0).utcoffset()
    second = wall.replace(tzinfo=local_zone(), fold=1).utcoffset()
    return first is not None and second is not None and first > second


def local_datetime(
    day: datetime.date, time: datetime.time, *, repeated: str = ""
) -> datetime.datetime:
    """``day`` at ``time`` in the local zone; :class:`LocalTimeError` in a gap, or in a repeat
    unless ``repeated`` says which reading is meant (then the instant, in UTC)."""
    wall = datetime.datetime.combine(day, time)
    if repeated in (REPEATED_FIRST, REPEATED_SECOND) and is_repeated(day, time):
        fold = 0 if repeated == REPEATED_FIRST else 1
        return wall.replace(tzinfo=local_zone(), fold=fold).astimezone(datetime.UTC)
    problem = wall_time_problem(wall)
    if problem is not None:
        raise LocalTimeError(problem)
    return wall.replace(tzinfo=local_zone())

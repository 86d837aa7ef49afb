"""Every date and time shown to a person, written the GOV.UK way in London time.

Pages (the ``dates`` template filters), emails, certificates, flash and error
messages all come here, so a date reads the same wherever it is shown:

- a date: ``7 December 2026``; with its weekday where that helps a person
  plan: ``Monday 7 December 2026``; a month: ``December 2026``
- a time: ``9:30am``, ``5pm`` (never ``5:00pm``), ``midday`` and ``midnight``
  (never ``12pm`` or ``12am``)
- a date and time: ``9:30am on 7 December 2026``, as the style guide's
  "by 11:59pm on Tuesday 14 June"
- ranges with "to", never a dash: ``9:30am to 4:30pm``,
  ``Monday 7 December 2026, 9:30am to 4:30pm``

An instant (an aware datetime) is shown as the clocks in London show it,
Greenwich Mean Time or British Summer Time as the day has it, whatever the
server's zone; a naive datetime or a time is already a London wall-clock
reading; a date is a calendar day. Names of months and days are written out
here rather than taken from the process locale, which the server may set
otherwise.

Text read by machines keeps ISO 8601 and does not come here: the API,
date columns of CSV and XLSX downloads, query strings, audit changes.
"""

import datetime
import zoneinfo

LONDON = zoneinfo.ZoneInfo("Europe/London")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

type Day = datetime.date | datetime.datetime
type Clock = datetime.datetime | datetime.time


def in_london(moment: datetime.datetime) -> datetime.datetime:
    """An aware instant as London's clocks show it; a naive datetime is already that."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LONDON)


def london_day(value: Day) -> datetime.date:
    """The calendar day of ``value`` in London (an instant late in the UTC evening of a
    summer day is already the next day there)."""
    if isinstance(value, datetime.datetime):
        return in_london(value).date()
    return value


def govuk_date(value: Day, *, weekday: bool = False) -> str:
    """``7 December 2026``, or ``Monday 7 December 2026`` with ``weekday``."""
    day = london_day(value)
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def govuk_day(value: Day) -> str:
    """``Monday 7 December 2026``: a date with its weekday, for a day a person plans around."""
    return govuk_date(value, weekday=True)


def govuk_month(value: Day) -> str:
    """``December 2026``."""
    day = london_day(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def govuk_time(value: Clock) -> str:
    """``9am``, ``9:30am``, ``midday``, ``12:30pm``, ``4:30pm``, ``midnight``."""
    clock = in_london(value) if isinstance(value, datetime.datetime) else value
    if clock.minute == 0 and clock.hour == 12:
        return "midday"
    if clock.minute == 0 and clock.hour == 0:
        return "midnight"
    hour = clock.hour % 12 or 12
    suffix = "am" if clock.hour < 12 else "pm"
    return f"{hour}:{clock.minute:02d}{suffix}" if clock.minute else f"{hour}{suffix}"


def govuk_datetime(value: datetime.datetime, *, weekday: bool = False) -> str:
    """``9:30am on 7 December 2026``, or ``9:30am on Monday 7 December 2026`` with
    ``weekday``."""
    return f"{govuk_time(value)} on {govuk_date(value, weekday=weekday)}"


def govuk_time_range(start: datetime.datetime, end: datetime.datetime) -> str:
    """``9:30am to 4:30pm`` on one London day; ``9pm to 1am on Tuesday 8 December 2026``
    when the end falls on a later day, so a part past midnight is not read as backwards."""
    if london_day(start) == london_day(end):
        return f"{govuk_time(start)} to {govuk_time(end)}"
    return f"{govuk_time(start)} to {govuk_datetime(end, weekday=True)}"


def govuk_period(start: datetime.datetime, end: datetime.datetime) -> str:
    """``Monday 7 December 2026, 9:30am to 4:30pm`` (one part of a session, say); across
    days ``9pm on Monday 7 December 2026 to 1am on Tuesday 8 December 2026``."""
    if london_day(start) == london_day(end):
        return f"{govuk_day(start)}, {govuk_time(start)} to {govuk_time(end)}"
    return f"{govuk_datetime(start, weekday=True)} to {govuk_datetime(end, weekday=True)}"


def govuk_date_range(start: Day, end: Day, *, weekday: bool = False) -> str:
    """``7 December 2026 to 9 December 2026``; one date when both fall on the same day."""
    first = govuk_date(start, weekday=weekday)
    if london_day(start) == london_day(end):
        return first
    return f"{first} to {govuk_date(end, weekday=weekday)}"

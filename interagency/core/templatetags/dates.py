"""Dates and times on pages, GOV.UK style in London time: ``{% load dates %}``.

``{{ session.starts_at|govuk_day }}``, ``{{ part.starts_at|govuk_time_range:part.ends_at }}``.
Every filter shows nothing for a missing value, so ``|default:"Not yet"`` still works.
The words themselves come from ``interagency.core.dates``.
"""

import datetime

from django import template

from interagency.core import dates

register = template.Library()


@register.filter
def govuk_date(value: dates.Day | None) -> str:
    """``7 December 2026``."""
    return "" if value is None or value == "" else dates.govuk_date(value)


@register.filter
def govuk_day(value: dates.Day | None) -> str:
    """``Monday 7 December 2026``."""
    return "" if value is None or value == "" else dates.govuk_day(value)


@register.filter
def govuk_month(value: dates.Day | None) -> str:
    """``December 2026``."""
    return "" if value is None or value == "" else dates.govuk_month(value)


@register.filter
def govuk_time(value: dates.Clock | None) -> str:
    """``9:30am``, ``5pm``, ``midday``, ``midnight``."""
    return "" if value is None or value == "" else dates.govuk_time(value)


@register.filter
def govuk_datetime(value: datetime.datetime | None) -> str:
    """``9:30am on 7 December 2026``."""
    return "" if value is None or value == "" else dates.govuk_datetime(value)


@register.filter
def govuk_day_time(value: datetime.datetime | None) -> str:
    """``9:30am on Monday 7 December 2026``."""
    return "" if value is None or value == "" else dates.govuk_datetime(value, weekday=True)


@register.filter
def govuk_time_range(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    """``9:30am to 4:30pm`` (the end's day too when it is a later one)."""
    if start is None or end is None:
        return ""
    return dates.govuk_time_range(start, end)


@register.filter
def govuk_period(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    """``Monday 7 December 2026, 9:30am to 4:30pm``."""
    if start is None or end is None:
        return ""
    return dates.govuk_period(start, end)


@register.filter
def govuk_day_range(start: dates.Day | None, end: dates.Day | None) -> str:
    """``Monday 7 December 2026 to Wednesday 9 December 2026``, or the one day."""
    if start is None or end is None:
        return "" if start is None else dates.govuk_day(start)
    return dates.govuk_date_range(start, end, weekday=True)

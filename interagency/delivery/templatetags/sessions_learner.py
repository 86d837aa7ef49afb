"""Filters for showing session times the GOV.UK way, in Europe/London."""

import datetime

from django import template
from django.utils import timezone

from interagency.delivery.selectors.listings import clock_text

register = template.Library()


@register.filter
def clock(moment: datetime.datetime | None) -> str:
    """``9:30am``, ``4pm``, ``midday``: the London wall-clock time of an aware datetime."""
    if moment is None:
        return ""
    return clock_text(timezone.localtime(moment))


@register.filter
def day(moment: datetime.datetime | None) -> str:
    """``Tuesday 8 December 2026``: the London date of an aware datetime."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"

"""A board member's start page: this financial year's key figures beside last year's.

Registered with ``tenancy.start_page`` in ``AnnualReportsConfig.ready()``. Read
through ``selectors.outputs.year_totals`` (the two years' bookings read once) and
finance's budget for the two years: a fixed number of queries whatever the number
of sessions.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone

from interagency.annual_reports.selectors.outputs import year_totals
from interagency.core.permissions import Role
from interagency.finance.rules import financial_year_of
from interagency.finance.selectors import budget_summary, year_label
from interagency.tenancy.access import PartnershipAccess
from interagency.tenancy.models import Partnership
from interagency.tenancy.start_page import Section, register_section


@dataclass(frozen=True)
class KeyFigure:
    label: str
    now: int | Decimal | None
    before: int | Decimal | None
    money: bool = False
    percent: bool = False

    @property
    def trend(self) -> str:
        """The change from last year in words (never a colour alone)."""
        if self.now is None or self.before is None:
            return "No figure to compare"
        if self.now == self.before:
            return "The same as last year"
        return "Up on last year" if self.now > self.before else "Down on last year"


@dataclass(frozen=True)
class KeyFigures:
    year: int
    figures: tuple[KeyFigure, ...]

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def previous_label(self) -> str:
        return year_label(self.year - 1)


def key_figures(partnership: Partnership, year: int) -> KeyFigures:
    """Year ``year``'s sessions, days, attendances, fill rate, no-shows and spending,
    each beside year ``year - 1``'s."""
    totals = year_totals(partnership, (year - 1, year))
    now, before = totals[year], totals[year - 1]
    spent_now = budget_summary(partnership, year).actual_spending
    spent_before = budget_summary(partnership, year - 1).actual_spending

    def pair(label: str, name: str) -> KeyFigure:
        return KeyFigure(label, getattr(now, name), getattr(before, name))

    figures: tuple[KeyFigure, ...] = (
        pair("Sessions delivered", "sessions"),
        pair("Training days", "training_days"),
        pair("Attendances", "attendances"),
        KeyFigure("Places filled", now.fill_percent, before.fill_percent, percent=True),
        pair("No-shows", "no_shows"),
        pair("Sessions cancelled", "cancelled_sessions"),
        KeyFigure("Spending", spent_now, spent_before, money=True),
    )
    return KeyFigures(year, figures)


def board_report_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    if Role.BOARD_MEMBER not in access.roles:
        return None
    year = financial_year_of(timezone.localdate())
    return Section(
        "annual_reports/start/_key_figures.html",
        {"key": key_figures(access.partnership, year)},
    )


def register() -> None:
    register_section("annual reports: key figures", board_report_section)

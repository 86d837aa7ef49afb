"""The board's annual report as JSON, and the coordinator's narrative for a year.

The same ``ReportFigures`` as the page, its PDF and workbook (decision 0033);
a figure not available is ``null``, never 0. Reading needs a role that may view
reports and compliance; the narrative needs the coordinator (``annual_reports.access``).
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from interagency.annual_reports import services
from interagency.annual_reports.access import WRITE, require_reader
from interagency.annual_reports.models import NARRATIVE_MAX
from interagency.annual_reports.selectors.report import (
    ReportFigures,
    narrative,
    report_figures,
)
from interagency.core.api_errors import error_responses
from interagency.core.permissions import Action
from interagency.core.validation import YEAR, FreeText
from interagency.finance.rules import financial_year_of
from interagency.tenancy.access import access_for

router = Router(tags=["annual report"])

Year = Annotated[int, Field(ge=YEAR.minimum, le=YEAR.maximum)]
Narrative = Annotated[FreeText, Field(max_length=NARRATIVE_MAX)]


class AgencyOutputsOut(Schema):
    name: str
    confirmed: int
    attendances: int
    no_shows: int


class OutputsOut(Schema):
    sessions: int
    training_days: int
    places: int
    confirmed: int
    fill_percent: int | None
    attendances: int
    no_shows: int
    cancelled_sessions: int
    by_agency: list[AgencyOutputsOut]


class ProfessionOut(Schema):
    name: str
    tier: str
    trained: int
    workforce: int
    percent: int | None
    under_represented: bool


class SectorOut(Schema):
    name: str
    with_role: int
    up_to_date: int
    percent: int | None


class ReachOut(Schema):
    as_at: datetime.date
    overall_percent: int | None
    professions: list[ProfessionOut]
    sectors: list[SectorOut]
    total: SectorOut


class ChangeOut(Schema):
    n: int | None
    mean: float | None
    d_z: float | None
    note: str


class OutcomeOut(Schema):
    course_type: str
    scale: str
    unit: str
    own: ChangeOut
    region: ChangeOut
    published: list[str]


class MoneyOut(Schema):
    label: str
    planned: Decimal
    actual: Decimal


class UnitCostOut(Schema):
    label: str
    sessions: int
    cost: Decimal
    per_session: Decimal | None
    per_participant: Decimal | None
    per_place: Decimal | None


class RatioOut(Schema):
    label: str
    value: Decimal | None


class NarrativePartOut(Schema):
    key: str
    heading: str
    text: str


class ReportOut(Schema):
    year: int
    label: str
    outputs: OutputsOut
    reach: ReachOut
    outcomes: list[OutcomeOut]
    suppressed_words: str
    published_source: str
    income: list[MoneyOut]
    spending: list[MoneyOut]
    contributions: list[MoneyOut]
    unit_costs: list[UnitCostOut]
    children_in_need: int | None
    children: int | None
    ratios: list[RatioOut]
    narrative: list[NarrativePartOut]


class NarrativeIn(Schema):
    year: Year
    priorities: Narrative = ""
    lessons: Narrative = ""
    plans: Narrative = ""


@router.get(
    "/{code}/annual-report",
    response={200: ReportOut, **error_responses(400, 401, 403, 404)},
    url_name="annual-report",
    summary="The board's annual report of a financial year",
)
def annual_report(request: HttpRequest, code: str, year: Year | None = None) -> ReportFigures:
    """Financial year ``year`` (1 April ``year`` to 31 March ``year + 1``; this one when left
    out): outputs, reach, compliance, outcomes (groups under 5 not shown), money and rates
    per children in need and per children (``null`` where no official figure)."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    require_reader(access)
    today = timezone.localdate()
    chosen = year if year is not None else financial_year_of(today)
    return report_figures(access.partnership, chosen, today=today)


@router.put(
    "/{code}/annual-report/narrative",
    response={200: list[NarrativePartOut], **error_responses(400, 401, 403, 404, 413)},
    url_name="annual-report-narrative",
    summary="Write the annual report's narrative",
)
def narrative_set(request: HttpRequest, code: str, payload: NarrativeIn) -> list[object]:
    """The board's priorities, lessons from local reviews and plans for ``year``; each
    field replaces the last words (empty clears it). Audited."""
    access = access_for(request.user, code, WRITE)
    services.save_narrative(
        partnership=access.partnership,
        year=payload.year,
        texts={
            "priorities": payload.priorities,
            "lessons": payload.lessons,
            "plans": payload.plans,
        },
        changed_by=access.user,
    )
    return list(narrative(access.partnership, payload.year))

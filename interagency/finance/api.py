"""The partnership's budget, its lines and entries, and what each session cost.

Reading needs a role that may view reports; changing needs a coordinator.
The same access functions and services as the pages.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from interagency.core.api_errors import error_responses
from interagency.core.errors import ServiceError
from interagency.core.permissions import Action
from interagency.core.validation import YEAR, Money, OneLine
from interagency.finance import selectors, services
from interagency.finance.access import FinanceAct, budget_line_for, costed_session_for
from interagency.finance.models import COST_FIELDS, DAYS, BudgetCategory, BudgetLine, SessionCost
from interagency.finance.unit_costs import GroupBy, UnitCosts, unit_costs
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import access_for

router = Router(tags=["finance"])

Year = Annotated[int, Field(ge=YEAR.minimum, le=YEAR.maximum)]
Days = Annotated[
    Decimal,
    Field(ge=DAYS.minimum, le=DAYS.maximum, max_digits=5, decimal_places=1, allow_inf_nan=False),
]


class CategoryOut(Schema):
    category: BudgetCategory
    label: str
    planned: Decimal
    actual: Decimal


class MonthOut(Schema):
    year: int
    month: int
    income: Decimal
    spending: Decimal


class BudgetOut(Schema):
    year: int
    label: str
    income: list[CategoryOut]
    spending: list[CategoryOut]
    months: list[MonthOut]


class EntryOut(Schema):
    id: int
    on: datetime.date
    amount: Decimal
    days: Decimal | None
    description: str


class LineOut(Schema):
    id: int
    year: int
    category: BudgetCategory
    description: str
    agency: int | None = Field(None, alias="agency_id")
    planned: Decimal
    actual: Decimal

    @staticmethod
    def resolve_actual(obj: Any) -> Decimal:
        actual = obj["actual"] if isinstance(obj, dict) else obj.actual
        return selectors.pennies(actual)


class LineDetailOut(LineOut):
    entries: list[EntryOut]


class LineIn(Schema):
    year: Year
    category: BudgetCategory
    description: OneLine = Field(min_length=1, max_length=200)
    planned: Money
    agency: int | None = None


class EntryIn(Schema):
    on: datetime.date
    amount: Money | None = None
    days: Days | None = None
    description: OneLine = Field("", max_length=200)


class SessionCostIn(Schema):
    trainer_fee_planned: Money | None = None
    venue_planned: Money | None = None
    refreshments_planned: Money | None = None
    materials_planned: Money | None = None
    other_planned: Money | None = None
    trainer_fee_actual: Money | None = None
    venue_actual: Money | None = None
    refreshments_actual: Money | None = None
    materials_actual: Money | None = None
    other_actual: Money | None = None
    trainer_days_in_kind: Days = Decimal("0.0")
    venue_days_in_kind: Days = Decimal("0.0")


class SessionCostOut(SessionCostIn):
    session: int
    in_kind_value: Decimal


def _year(year: int | None) -> int:
    return year if year is not None else services.financial_year_of(timezone.localdate())


@router.get(
    "/{code}/budget",
    response={200: BudgetOut, **error_responses(400, 401, 403, 404)},
    url_name="finance-budget",
    summary="The budget against actual income and spending",
)
def budget(request: HttpRequest, code: str, year: Year | None = None) -> dict[str, Any]:
    """Planned and actual by kind, and actual by month, for financial year ``year`` (its
    first year; this one by default). No-show charges and session costs count as actual."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    summary = selectors.budget_summary(access.partnership, _year(year))
    rows = lambda found: [  # noqa: E731
        {"category": r.category, "label": r.label, "planned": r.planned, "actual": r.actual}
        for r in found
    ]
    return {
        "year": summary.year,
        "label": summary.label,
        "income": rows(summary.income),
        "spending": rows(summary.spending),
        "months": summary.months,
    }


@router.get(
    "/{code}/budget-lines",
    response={200: list[LineOut], **error_responses(400, 401, 403, 404)},
    url_name="finance-budget-line-list",
    summary="The budget lines of a financial year",
)
def line_list(request: HttpRequest, code: str, year: Year | None = None) -> Any:
    """Each line with ``actual``, the sum of its entries."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return selectors.budget_lines(access.partnership, _year(year))


@router.post(
    "/{code}/budget-lines",
    response={201: LineOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-budget-line-list",
    summary="Plan a budget line",
)
def line_create(request: HttpRequest, code: str, payload: LineIn) -> Any:
    """A line of income or spending for a financial year; ``agency`` for a partner's."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    agency = None
    if payload.agency is not None:
        agency = agency_choices(access.partnership).filter(pk=payload.agency).first()
        if agency is None:
            raise ServiceError("There is no agency with that id here.", field="agency")
    line = services.add_budget_line(
        partnership=access.partnership,
        year=payload.year,
        category=payload.category,
        description=payload.description,
        planned=payload.planned,
        agency=agency,
        added_by=access.user,
    )
    return Status(201, _line_out(line))


def _line_out(line: BudgetLine) -> dict[str, Any]:
    entries = list(selectors.line_entries(line))
    return {
        "id": line.pk,
        "year": line.year,
        "category": line.category,
        "description": line.description,
        "agency_id": line.agency_id,
        "planned": line.planned,
        "actual": sum((e.amount for e in entries), Decimal("0.00")),
        "entries": entries,
    }


@router.get(
    "/{code}/budget-lines/{line_id}",
    response={200: LineDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="finance-budget-line-detail",
    summary="One budget line and its entries",
)
def line_detail(request: HttpRequest, code: str, line_id: int) -> dict[str, Any]:
    """The line, its entries (oldest first) and their sum."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return _line_out(budget_line_for(access, line_id, to=FinanceAct.VIEW))


@router.post(
    "/{code}/budget-lines/{line_id}/entries",
    response={201: LineDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-entry-create",
    summary="Record money in or out on a line, or days given in kind",
)
def entry_create(request: HttpRequest, code: str, line_id: int, payload: EntryIn) -> Any:
    """``amount`` in pounds, or for a trainer-days or venue-days line ``days`` (valued at the
    partnership's rate). The date must fall in the line's financial year."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    line = budget_line_for(access, line_id, to=FinanceAct.CHANGE)
    services.record_entry(
        line=line,
        on=payload.on,
        amount=payload.amount,
        days=payload.days,
        description=payload.description,
        recorded_by=access.user,
    )
    return Status(201, _line_out(line))


def _cost_out(session_id: int, cost: SessionCost | None) -> dict[str, Any]:
    if cost is None:
        return {"session": session_id, "in_kind_value": Decimal("0.00")}
    names = [*COST_FIELDS, "trainer_days_in_kind", "venue_days_in_kind", "in_kind_value"]
    return {"session": session_id} | {name: getattr(cost, name) for name in names}


@router.get(
    "/{code}/session-costs/{session_id}",
    response={200: SessionCostOut, **error_responses(400, 401, 403, 404)},
    url_name="finance-session-cost",
    summary="What one of your sessions was planned to cost and did cost",
)
def session_cost(request: HttpRequest, code: str, session_id: int) -> dict[str, Any]:
    """Money by part, planned and actual (``null``: not known), and days given in kind."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    session = costed_session_for(access, session_id, to=FinanceAct.VIEW)
    return _cost_out(session.pk, selectors.session_cost_of(session))


@router.put(
    "/{code}/session-costs/{session_id}",
    response={200: SessionCostOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-session-cost",
    summary="Set a session's costs",
)
def session_cost_set(
    request: HttpRequest, code: str, session_id: int, payload: SessionCostIn
) -> dict[str, Any]:
    """Every part is replaced: one left out is not known. Days in kind are valued now."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    session = costed_session_for(access, session_id, to=FinanceAct.CHANGE)
    data = payload.dict()
    cost = services.set_session_cost(
        session=session,
        costs={name: data[name] for name in COST_FIELDS},
        trainer_days_in_kind=data["trainer_days_in_kind"],
        venue_days_in_kind=data["venue_days_in_kind"],
        changed_by=access.user,
    )
    return _cost_out(session.pk, cost)


class UnitCostsOut(Schema):
    key: int | str | None = Field(description="a course, tier or agency id; a provider's name")
    label: str
    sessions: int
    cost: Decimal
    places: int
    participants: int
    participant_days: int
    per_session: Decimal | None
    per_participant: Decimal | None
    per_participant_day: Decimal | None
    per_place: Decimal | None


@router.get(
    "/{code}/unit-costs",
    response={200: list[UnitCostsOut], **error_responses(400, 401, 403, 404)},
    url_name="finance-unit-costs",
    summary="Unit costs by course, tier, provider or participants' agency",
)
def unit_cost_list(
    request: HttpRequest, code: str, year: Year | None = None, by: GroupBy = GroupBy.COURSE
) -> list[UnitCosts]:
    """Per session, participant, participant-day and attended place, over the year's sessions
    with costs entered (not cancelled), by ``by``; the last row (``key`` null) is all of them.
    ``null`` where there is nothing to share the cost over."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return unit_costs(access.partnership, _year(year), by)

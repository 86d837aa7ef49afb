"""Financial years over the API: each open or closed, closed by a coordinator so its
figures stay as reported, and reopened with a reason that goes in the audit trail.

The same services as the budget page (``finance.rules``): reading needs a role that
may view reports, closing and reopening a coordinator.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from interagency.core.api_errors import error_responses
from interagency.core.permissions import Action
from interagency.core.validation import OneLine
from interagency.finance.api import Year
from interagency.finance.rules import REASON_MAX_LENGTH, close_year, reopen_year
from interagency.finance.selectors_years import (
    FinancialYear,
    YearState,
    financial_year,
    financial_years,
)
from interagency.tenancy.access import access_for

router = Router(tags=["finance"])


class FinancialYearOut(Schema):
    year: int = Field(description="Its first year: 2025 is 1 April 2025 to 31 March 2026.")
    label: str
    state: YearState
    closed_at: datetime.datetime | None


class YearReopenIn(Schema):
    reason: OneLine = Field(min_length=1, max_length=REASON_MAX_LENGTH)


@router.get(
    "/{code}/financial-years",
    response={200: list[FinancialYearOut], **error_responses(401, 403, 404)},
    url_name="finance-year-list",
    summary="Financial years, open or closed",
)
def year_list(request: HttpRequest, code: str) -> list[FinancialYear]:
    """The years with budget lines, last, this and next year, and every closed year,
    latest first."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return financial_years(access.partnership, timezone.localdate())


@router.post(
    "/{code}/financial-years/{year}/close",
    response={200: FinancialYearOut, **error_responses(400, 401, 403, 404)},
    url_name="finance-year-close",
    summary="Close a financial year",
)
def year_close(request: HttpRequest, code: str, year: Year) -> Any:
    """Its budget lines, entries, partner agreements and session costs then refuse
    changes until it is reopened. Refused if it is closed already. Audited."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    close_year(partnership=access.partnership, year=year, closed_by=access.user)
    return financial_year(access.partnership, year)


@router.post(
    "/{code}/financial-years/{year}/reopen",
    response={200: FinancialYearOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-year-reopen",
    summary="Reopen a closed financial year, saying why",
)
def year_reopen(request: HttpRequest, code: str, year: Year, payload: YearReopenIn) -> Any:
    """The reason goes in the audit trail. Refused if the year is not closed."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    reopen_year(
        partnership=access.partnership,
        year=year,
        reason=payload.reason,
        reopened_by=access.user,
    )
    return financial_year(access.partnership, year)

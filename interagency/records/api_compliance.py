"""The API's compliance summaries: the partnership compliance page's figures, same filters.

``GET /api/v1/partnerships/{code}/compliance``: coordinators and board members
(``Action.VIEW_COMPLIANCE``), counts only (no names), by sector, agency and
tier of the main role, with participation by profession.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import BaseModel

from interagency.catalogue.selectors import tiers_of
from interagency.core.api_errors import error_responses
from interagency.core.errors import ServiceError
from interagency.core.permissions import Action
from interagency.people.models import Sector
from interagency.people.selectors import agency_choices
from interagency.records.selectors.partnership import (
    NO_TIER,
    Cell,
    PartnershipCompliance,
    Row,
    Scope,
    partnership_compliance,
    partnership_people,
)
from interagency.tenancy.access import access_for
from interagency.tenancy.models import Partnership

router = Router()

# The answer's schemas are plain pydantic models, not ninja's ``Schema``: a county's
# answer holds thousands of cells, and ``Schema`` reads each through a Python wrapper
# (its ``from_attributes`` support), which took most of the request's time.


class ComplianceCellOut(BaseModel):
    tier_id: int | None  # null: all tiers; 0: people without a role
    people: int
    with_role: int
    up_to_date: int
    percent_up_to_date: int | None
    statuses: dict[str, int]


class ComplianceRowOut(BaseModel):
    sector: str
    agency_id: int | None
    name: str
    cells: list[ComplianceCellOut]


class ComplianceTierOut(BaseModel):
    id: int
    name: str
    framework: str


class ComplianceProfessionOut(BaseModel):
    role_id: int
    role: str
    tier: str
    named_people: int
    trained_last_12_months: int
    workforce: int
    percent: int | None
    under_represented: bool


class ComplianceOut(BaseModel):
    as_of: datetime.date
    tiers: list[ComplianceTierOut]
    total: ComplianceRowOut
    sectors: list[ComplianceRowOut]
    agencies: list[ComplianceRowOut]
    professions: list[ComplianceProfessionOut]
    overall_participation_percent: int | None


def cell_out(tier_id: int | None, cell: Cell) -> ComplianceCellOut:
    return ComplianceCellOut(
        tier_id=tier_id,
        people=cell.people,
        with_role=cell.with_role,
        up_to_date=cell.up_to_date,
        percent_up_to_date=cell.percent,
        statuses=dict(cell.statuses),
    )


def row_out(row: Row, tier_ids: list[int]) -> ComplianceRowOut:
    cells = [cell_out(tier_id, row.cells[tier_id]) for tier_id in tier_ids if tier_id in row.cells]
    return ComplianceRowOut(
        sector=row.sector,
        agency_id=row.agency_id,
        name=row.name,
        cells=[*cells, cell_out(None, row.total)],
    )


def checked_scope(
    partnership: Partnership, sector: str, agency: int | None, tier: int | None
) -> Scope:
    """The filters, each naming something of this partnership, or a 400 naming the field."""
    if agency is not None and not agency_choices(partnership).filter(pk=agency).exists():
        raise ServiceError(field_errors={"agency": "No agency of this partnership has this id."})
    if tier not in (None, NO_TIER) and not tiers_of(partnership).filter(pk=tier).exists():
        raise ServiceError(
            field_errors={"tier": "No tier of this partnership's frameworks has this id."}
        )
    return Scope(sector=sector, agency_id=agency, tier_id=tier)


def summary_out(result: PartnershipCompliance, today: datetime.date) -> ComplianceOut:
    tier_ids = [tier.pk for tier in result.tiers] + [NO_TIER]
    return ComplianceOut(
        as_of=today,
        tiers=[
            ComplianceTierOut(id=tier.pk, name=tier.name, framework=tier.framework.name)
            for tier in result.tiers
        ],
        total=row_out(result.total, tier_ids),
        sectors=[row_out(row, tier_ids) for row in result.sectors],
        agencies=[row_out(row, tier_ids) for row in result.agencies],
        professions=[
            ComplianceProfessionOut(
                role_id=item.role_id,
                role=item.name,
                tier=item.tier,
                named_people=item.people,
                trained_last_12_months=item.trained,
                workforce=item.workforce,
                percent=item.percent,
                under_represented=item.under_represented,
            )
            for item in result.professions
        ],
        overall_participation_percent=result.overall_participation,
    )


@router.get(
    "/{code}/compliance",
    response={200: ComplianceOut, **error_responses(400, 401, 403, 404)},
    url_name="compliance-summary",
    summary="Compliance by sector, agency and tier",
)
def compliance_summary(
    request: HttpRequest,
    code: str,
    sector: Sector | None = None,
    agency: int | None = None,
    tier: int | None = None,
) -> ComplianceOut:
    """People up to date (none of their requirements overdue) by sector, agency and tier of
    their main role (``tier=0``: people without a role), and participation by profession:
    the figures of the partnership compliance page, with its filters."""
    access = access_for(request.user, code, Action.VIEW_COMPLIANCE)
    partnership = access.partnership
    scope = checked_scope(partnership, sector.value if sector else "", agency, tier)
    today = timezone.localdate()
    result = partnership_compliance(
        partnership, partnership_people(partnership), today=today, scope=scope
    )
    return summary_out(result, today)

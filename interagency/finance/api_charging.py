"""Delegate charging terms over the API: the rates by agency sector (a year's, or the
current rates for any year without its own) and the agencies never charged.

The same services and access functions as the delegate charges page: reading needs a
role that may view reports, changing needs a coordinator, and every change is audited.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from interagency.core.api_errors import error_responses
from interagency.core.errors import ServiceError
from interagency.core.permissions import Action
from interagency.core.validation import Money, OneLine
from interagency.finance import charging
from interagency.finance import selectors_agreements as reads
from interagency.finance.access import delegate_rate_for, exemption_for
from interagency.finance.api import Year
from interagency.finance.models import ChargeExemption, DelegateRate, Exemption
from interagency.finance.selectors import pennies
from interagency.people.models import Sector
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import access_for

router = Router(tags=["finance"])


class DelegateRateIn(Schema):
    sector: Sector
    year: Year | None = Field(None, description="null: the current rates, for any year")
    full_day: Money = Field(description="A place on a part over four hours, in pounds.")
    half_day: Money = Field(description="A place on a shorter part, in pounds.")


class DelegateRateOut(Schema):
    id: int
    sector: Sector
    sector_label: str
    year: int | None = Field(description="null: the current rates, for any year")
    full_day: Decimal
    half_day: Decimal


class ChargeExemptionIn(Schema):
    agency: int
    basis: Exemption = Exemption.NAMED
    note: OneLine = Field("", max_length=300)


class ChargeExemptionOut(Schema):
    id: int
    agency: int
    agency_name: str
    basis: Exemption
    note: str


def _rate_out(rate: DelegateRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "sector": rate.sector,
        "sector_label": rate.get_sector_display(),
        "year": rate.year,
        # As stored: "65" given is £65.00.
        "full_day": pennies(rate.full_day),
        "half_day": pennies(rate.half_day),
    }


def _exemption_out(exemption: ChargeExemption) -> dict[str, Any]:
    return {
        "id": exemption.pk,
        "agency": exemption.agency_id,
        "agency_name": exemption.agency.name,
        "basis": exemption.basis,
        "note": exemption.note,
    }


@router.get(
    "/{code}/delegate-rates",
    response={200: list[DelegateRateOut], **error_responses(401, 403, 404)},
    url_name="finance-delegate-rate-list",
    summary="Delegate rates by sector",
)
def delegate_rate_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The current rates (``year`` null) first, then each year's own, by sector."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return [_rate_out(rate) for rate in reads.delegate_rates_of(access.partnership)]


@router.post(
    "/{code}/delegate-rates",
    response={200: DelegateRateOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-delegate-rate-list",
    summary="Set a sector's delegate rates",
)
def delegate_rate_set(request: HttpRequest, code: str, payload: DelegateRateIn) -> Any:
    """The sector's full-day and half-day rates for ``year`` (null: the current rates),
    replacing any set before. Pounds and pence, £0 or more; £0 charges nothing."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    rate = charging.set_delegate_rate(
        partnership=access.partnership,
        sector=payload.sector,
        year=payload.year,
        full_day=payload.full_day,
        half_day=payload.half_day,
        changed_by=access.user,
    )
    return _rate_out(rate)


@router.delete(
    "/{code}/delegate-rates/{rate_id}",
    response={204: None, **error_responses(400, 401, 403, 404)},
    url_name="finance-delegate-rate-detail",
    summary="Remove a delegate rate",
)
def delegate_rate_delete(request: HttpRequest, code: str, rate_id: int) -> Any:
    """A year's own rate removed, that year's delegates pay the current rates."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    charging.remove_delegate_rate(rate=delegate_rate_for(access, rate_id), removed_by=access.user)
    return Status(204, None)


@router.get(
    "/{code}/charge-exemptions",
    response={200: list[ChargeExemptionOut], **error_responses(401, 403, 404)},
    url_name="finance-exemption-list",
    summary="Agencies never charged for delegates",
)
def exemption_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """By agency name. No-show charges still apply to them."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    return [_exemption_out(exemption) for exemption in reads.exemptions_of(access.partnership)]


@router.post(
    "/{code}/charge-exemptions",
    response={201: ChargeExemptionOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-exemption-list",
    summary="Exempt an agency from delegate charges",
)
def exemption_create(request: HttpRequest, code: str, payload: ChargeExemptionIn) -> Any:
    """A named agency, or a small charity; refused if the agency is exempt already."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    agency = agency_choices(access.partnership).filter(pk=payload.agency).first()
    if agency is None:
        raise ServiceError("There is no agency with that id here.", field="agency")
    exemption = charging.exempt_agency(
        partnership=access.partnership,
        agency=agency,
        basis=payload.basis,
        note=payload.note,
        exempted_by=access.user,
    )
    return Status(201, _exemption_out(exemption))


@router.delete(
    "/{code}/charge-exemptions/{exemption_id}",
    response={204: None, **error_responses(400, 401, 403, 404)},
    url_name="finance-exemption-detail",
    summary="Charge an exempt agency's delegates again",
)
def exemption_delete(request: HttpRequest, code: str, exemption_id: int) -> Any:
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    exemption = exemption_for(access, exemption_id)
    charging.remove_exemption(exemption=exemption, removed_by=access.user)
    return Status(204, None)

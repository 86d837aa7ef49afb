"""Partner agreements over the API: listed by year with free places earned and used,
created, changed and removed through the same access functions and services as the
pages. Reading needs a role that may view reports; changing needs a coordinator."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from interagency.core.api_errors import error_responses
from interagency.core.errors import ServiceError
from interagency.core.permissions import Action
from interagency.core.validation import Money, OneLine
from interagency.finance import selectors_agreements as reads
from interagency.finance.access import FinanceAct, agreement_for
from interagency.finance.agreements import Terms, add_agreement, change_agreement, remove_agreement
from interagency.finance.api import Days, Year, _year
from interagency.finance.models import PLACES_PER_DAY, FreePlaces, PartnerAgreement
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import PartnershipAccess, access_for

router = Router(tags=["finance"])


class AgreementIn(Schema):
    agency: int
    amount: Money = Decimal("0.00")
    trainer_days: Days = Decimal("0.0")
    venue_days: Days = Decimal("0.0")
    earns: FreePlaces = FreePlaces.NONE
    places_per_day: int | None = Field(None, ge=PLACES_PER_DAY.minimum, le=PLACES_PER_DAY.maximum)
    pounds_per_place: Money | None = None
    note: OneLine = Field("", max_length=300)


class AgreementCreateIn(AgreementIn):
    year: Year


class AgreementOut(Schema):
    id: int
    year: int
    agency: int
    agency_name: str
    amount: Decimal
    trainer_days: Decimal
    venue_days: Decimal
    in_kind_value: Decimal
    earns: FreePlaces
    places_per_day: int | None
    pounds_per_place: Decimal | None
    note: str
    free_places_earned: int | None = Field(description="null: free attendance, no limit")
    free_places_used: int


def _out(agreement: PartnerAgreement, used: int) -> dict[str, Any]:
    names = ("id", "year", "amount", "trainer_days", "venue_days", "in_kind_value", "earns")
    return {name: getattr(agreement, name) for name in names} | {
        "agency": agreement.agency_id,
        "agency_name": agreement.agency.name,
        "places_per_day": agreement.places_per_day,
        "pounds_per_place": agreement.pounds_per_place,
        "note": agreement.note,
        "free_places_earned": agreement.free_places,
        "free_places_used": used,
    }


def _used(agreement: PartnerAgreement) -> int:
    rows = reads.agreement_rows(agreement.partnership, agreement.year)
    return next((r.used for r in rows if r.agreement.pk == agreement.pk), 0)


def _terms(access: PartnershipAccess, payload: AgreementIn) -> Terms:
    agency = agency_choices(access.partnership).filter(pk=payload.agency).first()
    if agency is None:
        raise ServiceError("There is no agency with that id here.", field="agency")
    data = payload.dict()
    data.pop("year", None)
    return Terms(**(data | {"agency": agency}))


@router.get(
    "/{code}/agreements",
    response={200: list[AgreementOut], **error_responses(400, 401, 403, 404)},
    url_name="finance-agreement-list",
    summary="Partner agreements of a financial year",
)
def agreement_list(request: HttpRequest, code: str, year: Year | None = None) -> list[Any]:
    """Each agency's contribution and the free places it earned and used in ``year``."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    rows = reads.agreement_rows(access.partnership, _year(year))
    return [_out(row.agreement, row.used) for row in rows]


@router.post(
    "/{code}/agreements",
    response={201: AgreementOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-agreement-list",
    summary="Record a partner agreement",
)
def agreement_create(request: HttpRequest, code: str, payload: AgreementCreateIn) -> Any:
    """One agreement per agency and year; refused in a closed year."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    agreement = add_agreement(
        partnership=access.partnership,
        year=payload.year,
        terms=_terms(access, payload),
        added_by=access.user,
    )
    return Status(201, _out(agreement, _used(agreement)))


@router.get(
    "/{code}/agreements/{agreement_id}",
    response={200: AgreementOut, **error_responses(400, 401, 403, 404)},
    url_name="finance-agreement-detail",
    summary="One partner agreement",
)
def agreement_detail(request: HttpRequest, code: str, agreement_id: int) -> Any:
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    agreement = agreement_for(access, agreement_id, to=FinanceAct.VIEW)
    return _out(agreement, _used(agreement))


@router.put(
    "/{code}/agreements/{agreement_id}",
    response={200: AgreementOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="finance-agreement-detail",
    summary="Change a partner agreement",
)
def agreement_update(
    request: HttpRequest, code: str, agreement_id: int, payload: AgreementIn
) -> Any:
    """Every field is replaced; days given are valued again at today's rates."""
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    agreement = agreement_for(access, agreement_id, to=FinanceAct.CHANGE)
    change_agreement(agreement=agreement, terms=_terms(access, payload), changed_by=access.user)
    return _out(agreement, _used(agreement))


@router.delete(
    "/{code}/agreements/{agreement_id}",
    response={204: None, **error_responses(400, 401, 403, 404)},
    url_name="finance-agreement-detail",
    summary="Remove a partner agreement",
)
def agreement_delete(request: HttpRequest, code: str, agreement_id: int) -> Any:
    access = access_for(request.user, code, Action.MANAGE_FINANCE)
    agreement = agreement_for(access, agreement_id, to=FinanceAct.CHANGE)
    remove_agreement(agreement=agreement, removed_by=access.user)
    return Status(204, None)

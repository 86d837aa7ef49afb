"""What a member may act on in the partnership's money, for pages and API alike.

Reading needs ``Action.VIEW_REPORTS`` (coordinators, board members, agency
leads); changing needs ``Action.MANAGE_FINANCE`` (coordinators). Another
partnership's line or session is the one 404, as if it did not exist.
"""

from enum import StrEnum

from django.http import Http404

from interagency.core.permissions import Action
from interagency.delivery.models import Session
from interagency.delivery.selectors.sessions import sessions_of
from interagency.finance.models import BudgetLine, ChargeExemption, DelegateRate, PartnerAgreement
from interagency.tenancy.access import PartnershipAccess

NOT_FOUND = "Not found."


class FinanceAct(StrEnum):
    VIEW = "view"
    CHANGE = "change"


ACTIONS = {FinanceAct.VIEW: Action.VIEW_REPORTS, FinanceAct.CHANGE: Action.MANAGE_FINANCE}


def budget_line_for(access: PartnershipAccess, line_id: int, *, to: FinanceAct) -> BudgetLine:
    """The partnership's budget line ``line_id``, if the member may ``to`` it; else 404 or 403."""
    access.require(ACTIONS[to])
    line = (
        BudgetLine.objects.for_partnership(access.partnership)
        .select_related("agency", "partnership")
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise Http404(NOT_FOUND)
    return line


def costed_session_for(access: PartnershipAccess, session_id: int, *, to: FinanceAct) -> Session:
    """One of the partnership's own sessions (never another's it may book), for its costs."""
    access.require(ACTIONS[to])
    session = (
        sessions_of(access.partnership)
        .select_related("course", "partnership", "venue")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404(NOT_FOUND)
    return session


def agreement_for(
    access: PartnershipAccess, agreement_id: int, *, to: FinanceAct
) -> PartnerAgreement:
    """The partnership's agreement ``agreement_id``, if the member may ``to`` it."""
    access.require(ACTIONS[to])
    return _found(
        PartnerAgreement.objects.for_partnership(access.partnership)
        .select_related("agency", "partnership")
        .filter(pk=agreement_id)
        .first()
    )


def delegate_rate_for(access: PartnershipAccess, rate_id: int) -> DelegateRate:
    """One of the partnership's delegate rates, to change it."""
    access.require(ACTIONS[FinanceAct.CHANGE])
    return _found(
        DelegateRate.objects.for_partnership(access.partnership)
        .select_related("partnership")
        .filter(pk=rate_id)
        .first()
    )


def exemption_for(access: PartnershipAccess, exemption_id: int) -> ChargeExemption:
    """One of the partnership's exempt agencies, to change it."""
    access.require(ACTIONS[FinanceAct.CHANGE])
    return _found(
        ChargeExemption.objects.for_partnership(access.partnership)
        .select_related("partnership", "agency")
        .filter(pk=exemption_id)
        .first()
    )


def _found[T](row: T | None) -> T:
    if row is None:
        raise Http404(NOT_FOUND)
    return row

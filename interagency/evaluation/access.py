"""What a member may act on in evaluation: one function per noun, for pages and API alike.

As in ``delivery.selectors.access``: each function takes the member's
:class:`~interagency.tenancy.access.PartnershipAccess`, an id and the act,
and answers the object, or raises ``Http404`` when the member may not see
it (exactly as when it does not exist: another partnership's plans never
show) or ``PermissionDenied`` when their roles do not allow the act.

Coordinators and board members see every plan and its results; a trainer
sees the plans of the sessions they deliver, and the trainer's page of those
sessions. Only coordinators change instruments and plans, enter answers and
list a plan's responses.
"""

from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from interagency.core.permissions import Action, Role
from interagency.delivery.models import Session
from interagency.delivery.selectors import registers as register_reads
from interagency.evaluation.models import EvaluationPlan, Instrument, InstrumentVersion, Wave
from interagency.tenancy.access import PartnershipAccess

NOT_FOUND = "Not among the evaluations you may see."


class PlanAct(StrEnum):
    # Its waves, response rates, results and downloads.
    VIEW = "view"
    # Change it, enter paper answers, list its responses.
    MANAGE = "manage"


class InstrumentAct(StrEnum):
    VIEW = "view"
    MANAGE = "manage"


PLAN_ACTIONS = {PlanAct.VIEW: Action.VIEW_EVALUATION, PlanAct.MANAGE: Action.MANAGE_EVALUATION}
INSTRUMENT_ACTIONS = {
    InstrumentAct.VIEW: Action.VIEW_EVALUATION,
    InstrumentAct.MANAGE: Action.MANAGE_EVALUATION,
}


def sees_every_plan(access: PartnershipAccess) -> bool:
    return bool(access.roles & {Role.COORDINATOR, Role.BOARD_MEMBER})


def plans_seen_by(access: PartnershipAccess) -> QuerySet[EvaluationPlan]:
    """The plans the member may see: all of them, or a trainer's sessions' plans."""
    access.require(Action.VIEW_EVALUATION)
    plans = EvaluationPlan.objects.for_partnership(access.partnership)
    if not sees_every_plan(access):
        plans = plans.filter(session__trainers__user=access.user).distinct()
    return plans


def plan_for(access: PartnershipAccess, plan_id: int, *, to: PlanAct) -> EvaluationPlan:
    """The plan with ``plan_id`` the member may ``to``, its waves read; else 404 (or 403)."""
    access.require(PLAN_ACTIONS[to])
    waves = Wave.objects.select_related(
        "instrument_version__instrument", "line_manager_version__instrument"
    )
    plan = (
        plans_seen_by(access)
        .select_related("partnership", "course", "session__course")
        .prefetch_related(Prefetch("waves", queryset=waves))
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404(NOT_FOUND)
    return plan


def instrument_for(
    access: PartnershipAccess, instrument_id: int, *, to: InstrumentAct = InstrumentAct.VIEW
) -> Instrument:
    """The partnership's instrument with ``instrument_id``, its versions read; else 404."""
    access.require(INSTRUMENT_ACTIONS[to])
    instrument = (
        Instrument.objects.for_partnership(access.partnership)
        .prefetch_related("versions")
        .filter(pk=instrument_id)
        .first()
    )
    if instrument is None:
        raise Http404(NOT_FOUND)
    return instrument


def version_for(
    access: PartnershipAccess, instrument: Instrument, number: int
) -> InstrumentVersion:
    """Version ``number`` of ``instrument`` (already found through :func:`instrument_for`)."""
    version = (
        InstrumentVersion.objects.for_partnership(access.partnership)
        .filter(instrument=instrument, number=number)
        .first()
    )
    if version is None:
        raise Http404(NOT_FOUND)
    return version


def trainer_session_for(access: PartnershipAccess, session_id: int) -> Session:
    """A session whose trainer's page the member may read: a coordinator any of the
    partnership's, a trainer those they deliver; anyone else (a board member too) 404."""
    access.require(Action.VIEW_EVALUATION)
    try:
        sessions = register_reads.registers_taken_by(access.partnership, access.user, access.roles)
        return register_reads.with_register_details(sessions).get(pk=session_id)
    except ObjectDoesNotExist:
        raise Http404(NOT_FOUND) from None


def may_write_summary(access: PartnershipAccess, session: Session) -> bool:
    """A trainer of the session writes its summary; coordinators read it."""
    return Role.TRAINER in access.roles and session.trainers.filter(user=access.user).exists()

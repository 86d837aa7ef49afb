"""What a learner's link opens: the wave, the version it asks, its items, the code's state.

Reads only: every row is found through the partnership in the address, so a
token signed for another partnership's wave opens nothing here (a 404).
"""

from dataclasses import dataclass, field

from django.http import Http404

from interagency.delivery.models import Session
from interagency.evaluation.links import AnswerLink
from interagency.evaluation.models import (
    InstrumentVersion,
    Item,
    Respondent,
    Response,
    ResponseCode,
    ResponseDraft,
    ResponseMode,
    Scale,
    Wave,
)
from interagency.tenancy.access import PartnershipAccess
from interagency.tenancy.models import Partnership


@dataclass
class Questionnaire:
    """One wave as one respondent answers it."""

    wave: Wave
    version: InstrumentVersion
    items: list[Item]
    scales: dict[int, Scale]
    link: AnswerLink
    response_code: ResponseCode | None = None
    session: Session | None = None
    draft: ResponseDraft | None = None
    answered: bool = False
    # Items a scale's preamble (a knowledge case) is read before, by item id.
    preambles: dict[int, Scale] = field(default_factory=dict)

    @property
    def plan(self):
        return self.wave.plan

    @property
    def named(self) -> bool:
        return self.wave.plan.response_mode == ResponseMode.NAMED

    @property
    def asks_code(self) -> bool:
        """A linked evaluation reached without a code in the link (a room's poster, paper)."""
        return self.wave.plan.links_waves and self.response_code is None


def wave_in(partnership: Partnership, wave_id: int) -> Wave | None:
    """The partnership's wave ``wave_id``, with its plan."""
    return (
        Wave.objects.filter(pk=wave_id, plan__partnership=partnership)
        .select_related("plan", "plan__session", "plan__course", "instrument_version__instrument")
        .first()
    )


def version_items(version: InstrumentVersion) -> tuple[list[Item], dict[int, Scale]]:
    """The version's items in order, and its scales by id."""
    items = list(Item.objects.filter(version=version).order_by("order", "id"))
    scales = {scale.pk: scale for scale in Scale.objects.filter(version=version)}
    return items, scales


def questionnaire_for(partnership: Partnership, link: AnswerLink) -> Questionnaire | None:
    """The questionnaire ``link`` opens in ``partnership``, or None when it names nothing here."""
    wave = wave_in(partnership, link.wave_id)
    if wave is None:
        return None
    plan = wave.plan
    if link.respondent == Respondent.LINE_MANAGER:
        if wave.line_manager_version_id is None:
            return None
        version = wave.line_manager_version
    else:
        version = wave.instrument_version
    assert version is not None
    response_code = None
    if link.code:
        if not plan.links_waves:
            return None
        response_code = (
            ResponseCode.objects.for_partnership(partnership)
            .filter(plan=plan, code=link.code)
            .select_related("booking__session", "booking__person")
            .first()
        )
        if response_code is None:
            return None
    items, scales = version_items(version)
    found = Questionnaire(
        wave=wave,
        version=version,
        items=items,
        scales=scales,
        link=link,
        response_code=response_code,
        session=_session(plan, response_code, link),
    )
    found.preambles = _preambles(items, scales)
    found.answered = response_code is not None and (
        Response.objects.for_partnership(partnership)
        .filter(wave=wave, response_code=response_code, respondent=link.respondent)
        .exists()
    )
    if link.holder:
        found.draft = (
            ResponseDraft.objects.for_partnership(partnership)
            .filter(wave=wave, holder=link.holder)
            .first()
        )
    return found


def _session(plan, response_code: ResponseCode | None, link: AnswerLink) -> Session | None:
    if plan.session_id is not None:
        return plan.session
    if response_code is not None and response_code.booking is not None:
        return response_code.booking.session
    if link.session_id is not None:
        return (
            Session.objects.for_partnership(plan.partnership)
            .filter(pk=link.session_id, course_id=plan.course_id)
            .first()
        )
    return None


def _preambles(items: list[Item], scales: dict[int, Scale]) -> dict[int, Scale]:
    """The first item of each scale with a preamble (or whose parent has one) shows it."""
    shown: set[int] = set()
    found: dict[int, Scale] = {}
    for item in items:
        scale = scales.get(item.scale_id) if item.scale_id else None
        while scale is not None and not scale.preamble and scale.parent_id:
            scale = scales.get(scale.parent_id)
        if scale is not None and scale.preamble and scale.pk not in shown:
            shown.add(scale.pk)
            found[item.pk] = scale
    return found


def wave_for(access: PartnershipAccess, wave_id: int) -> Wave:
    """The member's partnership's wave ``wave_id`` for entering paper returns, else the 404.

    Coordinators only (the action their page requires); another partnership's
    wave is not found, exactly like one that does not exist.
    """
    wave = wave_in(access.partnership, wave_id)
    if wave is None:
        raise Http404("Not among your partnership's evaluations.")
    return wave


def paper_waves(partnership: Partnership) -> list[Wave]:
    """Every wave of the partnership's plans, for choosing where paper forms go."""
    waves = list(
        Wave.objects.filter(plan__partnership=partnership).select_related(
            "plan__course", "plan__session__course", "instrument_version__instrument"
        )
    )
    return sorted(waves, key=lambda wave: (str(wave.plan), wave.sort_key))


def letter_sessions(partnership: Partnership, wave: Wave) -> list[Session]:
    """The sessions ``wave``'s letters can be printed for: the plan's session, or the
    course's 50 latest in the partnership."""
    plan = wave.plan
    sessions = Session.objects.for_partnership(partnership).select_related("course")
    if plan.session_id is not None:
        return list(sessions.filter(pk=plan.session_id))
    return list(
        sessions.filter(course_id=plan.course_id, starts_at__isnull=False).order_by("-starts_at")[
            :50
        ]
    )

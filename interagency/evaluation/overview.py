"""Reads for the coordinator's and trainer's pages: response rates, instruments, comments.

Each read costs a fixed number of queries whatever the number of plans,
waves or responses: counts are grouped in the database, never per row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Prefetch, QuerySet

from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.evaluation.formats import ResponseFormat
from interagency.evaluation.models import (
    Answer,
    EvaluationPlan,
    Instrument,
    InstrumentVersion,
    Item,
    OutcomeLevel,
    Respondent,
    Response,
    ResponseMode,
    Scale,
    TrainerSummary,
    Wave,
)


@dataclass(frozen=True)
class WaveRate:
    wave: Wave
    answered: int
    invited: int

    @property
    def percent(self) -> float | None:
        return 100 * self.answered / self.invited if self.invited else None


@dataclass(frozen=True)
class PlanRow:
    plan: EvaluationPlan
    title: str
    invited: int
    rates: tuple[WaveRate, ...]


def plan_title(plan: EvaluationPlan) -> str:
    if plan.session_id is not None:
        return str(plan.session)
    return f"{plan.course} (every session)"


def plan_rows(plans: QuerySet[EvaluationPlan]) -> list[PlanRow]:
    """Each plan with learners answered per wave of those with a confirmed place."""
    plans = plans.select_related("course", "session__course").prefetch_related(
        Prefetch("waves", queryset=Wave.objects.select_related("instrument_version__instrument"))
    )
    found = list(plans)
    if not found:
        return []
    partnership = found[0].partnership
    answered = dict(
        Response.objects.for_partnership(partnership)
        .filter(wave__plan__in=found, respondent=Respondent.LEARNER)
        .values_list("wave_id")
        .annotate(n=Count("id"))
        .values_list("wave_id", "n")
    )
    own_plans = EvaluationPlan.objects.for_partnership(partnership).filter(session__isnull=False)
    confirmed = Booking.objects.for_partnership(partnership).filter(status=BookingStatus.CONFIRMED)
    by_session = dict(
        confirmed.filter(session__in=[p.session_id for p in found if p.session_id])
        .values_list("session_id")
        .annotate(n=Count("id"))
        .values_list("session_id", "n")
    )
    # A session with a plan of its own is evaluated by it, not by its course's.
    by_course = dict(
        confirmed.filter(session__course__in=[p.course_id for p in found if p.course_id])
        .exclude(session__in=own_plans.values("session_id"))
        .values_list("session__course_id")
        .annotate(n=Count("id"))
        .values_list("session__course_id", "n")
    )
    rows = []
    for plan in found:
        if plan.session_id:
            invited = by_session.get(plan.session_id, 0)
        else:
            invited = by_course.get(plan.course_id, 0)
        waves = sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
        rates = tuple(WaveRate(wave, answered.get(wave.pk, 0), invited) for wave in waves)
        rows.append(PlanRow(plan, plan_title(plan), invited, rates))
    return rows


def session_rates(plan: EvaluationPlan, session: Session) -> list[WaveRate]:
    """Learners of ``session`` who answered each of ``plan``'s waves."""
    invited = (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.CONFIRMED)
        .count()
    )
    answered = dict(
        Response.objects.for_partnership(plan.partnership)
        .filter(wave__plan=plan, session=session, respondent=Respondent.LEARNER)
        .values_list("wave_id")
        .annotate(n=Count("id"))
        .values_list("wave_id", "n")
    )
    waves = sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
    return [WaveRate(wave, answered.get(wave.pk, 0), invited) for wave in waves]


def instruments_of(partnership) -> QuerySet:
    """The partnership's instruments with their latest version's number."""
    return (
        Instrument.objects.for_partnership(partnership)
        .annotate(latest_version=Max("versions__number"))
        .order_by("name")
    )


def versions_of(partnership) -> QuerySet[InstrumentVersion]:
    """Every version of the partnership's instruments, for choosing what a wave asks."""
    return (
        InstrumentVersion.objects.for_partnership(partnership)
        .select_related("instrument")
        .order_by("instrument__name", "-number")
    )


@dataclass
class ScaleContent:
    scale: Scale
    items: list[Item] = field(default_factory=list)


def version_content(version: InstrumentVersion) -> tuple[list[ScaleContent], list[Item]]:
    """A version's scales (subscales after their parent) with their items, and the rest."""
    scales = {
        scale.pk: ScaleContent(scale)
        for scale in Scale.objects.filter(version=version).select_related("parent")
    }
    loose: list[Item] = []
    for item in Item.objects.filter(version=version).order_by("order", "id"):
        if item.scale_id is None:
            loose.append(item)
        else:
            scales[item.scale_id].items.append(item)
    return list(scales.values()), loose


@dataclass(frozen=True)
class ItemMean:
    text: str
    n: int
    mean: float | None


@dataclass(frozen=True)
class Comment:
    question: str
    text: str


def reactions(plan: EvaluationPlan, session: Session) -> list[ItemMean]:
    """Mean answer to each reaction item (level 1) from this session's learners."""
    rows = (
        Answer.objects.filter(
            response__partnership=plan.partnership,
            response__wave__plan=plan,
            response__session=session,
            response__respondent=Respondent.LEARNER,
            item__scale__level=OutcomeLevel.REACTION,
            value__isnull=False,
        )
        .values("item__key", "item__text")
        .annotate(n=Count("id"), mean=Avg("value"), order=Max("item__order"))
        .order_by("order", "item__key")
    )
    # Versions sharing an item key share its row: the key keeps its meaning.
    merged: dict[str, list] = defaultdict(lambda: ["", 0, 0.0])
    for row in rows:
        entry = merged[row["item__key"]]
        entry[0] = row["item__text"]
        entry[2] += row["mean"] * row["n"]
        entry[1] += row["n"]
    return [ItemMean(text, n, total / n if n else None) for text, n, total in merged.values()]


def comments(plan: EvaluationPlan, session: Session) -> list[Comment]:
    """Every free-text answer this session's respondents gave, question by question."""
    rows = (
        Answer.objects.filter(
            response__partnership=plan.partnership,
            response__wave__plan=plan,
            response__session=session,
            item__response_format=ResponseFormat.FREE_TEXT,
        )
        .exclude(text="")
        .order_by("item__order", "item__key", "response_id")
        .values_list("item__text", "text")
    )
    return [Comment(question, text) for question, text in rows]


def versions_content(versions: list[InstrumentVersion]) -> tuple[list[Scale], list[Item]]:
    """Every scale (with its parent) and item of ``versions``, in their order."""
    scales = list(Scale.objects.filter(version__in=versions).select_related("parent"))
    items = list(Item.objects.filter(version__in=versions).select_related("scale"))
    return scales, items


def versions_by_id(partnership, ids: set[int]) -> dict[int, InstrumentVersion]:
    """The partnership's versions among ``ids``; another partnership's are simply absent."""
    return InstrumentVersion.objects.for_partnership(partnership).in_bulk(ids)


def with_waves(plans: QuerySet[EvaluationPlan]) -> QuerySet[EvaluationPlan]:
    """``plans`` with their waves and the versions those ask, read in two more queries."""
    waves = Wave.objects.select_related(
        "instrument_version__instrument", "line_manager_version__instrument"
    )
    return plans.prefetch_related(Prefetch("waves", queryset=waves))


def plan_responses(plan: EvaluationPlan) -> QuerySet[Response]:
    """Every response to ``plan``, oldest first, with what showing one needs."""
    found = (
        Response.objects.for_partnership(plan.partnership)
        .filter(wave__plan=plan)
        .select_related("wave__plan", "instrument_version", "response_code")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item")))
        .order_by("id")
    )
    if plan.response_mode == ResponseMode.NAMED:
        found = found.select_related("response_code__booking__person")
    return found


def trainer_summary(session: Session) -> TrainerSummary | None:
    return (
        TrainerSummary.objects.for_partnership(session.partnership).filter(session=session).first()
    )

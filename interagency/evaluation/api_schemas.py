"""What the evaluation API reads and sends: its request and response schemas.

Requests take ids (an instrument version's, a wave's, a course's, a
session's), which ``api.py`` resolves within the caller's partnership.
Responses show a respondent's identity only as the plan's response mode
allows: a name in a named evaluation, a code in a pseudonymous one, neither
in an anonymous one.
"""

import datetime
from typing import Any, Literal, get_args

from ninja import Field, Schema

from interagency.core.validation import FreeText, Id, OneLine
from interagency.evaluation.models import (
    FOLLOW_UP_WEEKS,
    EvaluationPlan,
    InstrumentVersion,
    Respondent,
    Response,
    ResponseMode,
    ResponseSource,
    WaveKind,
)
from interagency.people.models import Sector

# Choices as literals, so the OpenAPI document lists them.
Mode = Literal["named", "pseudonymous", "anonymous"]
Kind = Literal["registration", "start", "end", "follow_up"]
Who = Literal["learner", "line_manager"]
Source = Literal["online", "paper", "import"]
assert set(get_args(Mode)) == set(ResponseMode.values)
assert set(get_args(Kind)) == set(WaveKind.values)
assert set(get_args(Who)) == set(Respondent.values)
assert set(get_args(Source)) == set(ResponseSource.values)


class InstrumentOut(Schema):
    id: int
    name: str
    description: str
    templates: list[str] = Field(description="The shipped templates it was made from.")
    latest_version: int | None


class ScaleOut(Schema):
    key: str
    name: str
    level: str = Field(description="Barr/Kirkpatrick level: 1, 2a, 2b, 3, 4a or 4b.")
    scoring: str
    min_answered_percent: int
    parent: str | None = Field(description="The key of the scale this is a subscale of.")
    preamble: str


class ItemOut(Schema):
    key: str
    text: str
    format: str
    choices: list[str]
    correct_answer: int | None
    reverse_keyed: bool
    scale: str | None


class VersionOut(Schema):
    id: int = Field(description="What a plan's wave names to ask this version.")
    number: int
    introduction: str
    change_note: str
    scales: list[ScaleOut]
    items: list[ItemOut]


class InstrumentDetailOut(InstrumentOut):
    versions: list[VersionOut]


class VersionRef(Schema):
    id: int
    instrument: int
    instrument_name: str
    number: int


class WaveOut(Schema):
    id: int
    kind: str
    key: str
    label: str
    weeks_after_end: int | None
    instrument_version: VersionRef
    line_manager_version: VersionRef | None


def version_ref(version: InstrumentVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "id": version.pk,
        "instrument": version.instrument_id,
        "instrument_name": version.instrument.name,
        "number": version.number,
    }


class PlanOut(Schema):
    """Read from an ``EvaluationPlan`` whose waves were read with their versions."""

    id: int
    course: int | None
    session: int | None
    response_mode: str
    consent_text: str
    privacy_text: str
    waves: list[WaveOut]

    @staticmethod
    def resolve_course(plan: EvaluationPlan) -> int | None:
        return plan.course_id

    @staticmethod
    def resolve_session(plan: EvaluationPlan) -> int | None:
        return plan.session_id

    @staticmethod
    def resolve_waves(plan: EvaluationPlan) -> list[dict[str, Any]]:
        return [
            {
                "id": wave.pk,
                "kind": wave.kind,
                "key": wave.key,
                "label": wave.label,
                "weeks_after_end": wave.weeks_after_end,
                "instrument_version": version_ref(wave.instrument_version),
                "line_manager_version": version_ref(wave.line_manager_version),
            }
            for wave in sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
        ]


class WaveIn(Schema):
    kind: Kind
    instrument_version: Id
    weeks_after_end: int | None = Field(
        None,
        ge=FOLLOW_UP_WEEKS.minimum,
        le=FOLLOW_UP_WEEKS.maximum,
        description="A follow-up's weeks after the end of the course; none for other waves.",
    )
    line_manager_version: Id | None = Field(None, description="A follow-up only.")


class PlanIn(Schema):
    course: Id | None = Field(None, description="Every session of this course; or send session.")
    session: Id | None = None
    response_mode: Mode = "pseudonymous"
    consent_text: FreeText = Field(max_length=10_000)
    privacy_text: FreeText = Field(max_length=10_000)
    waves: list[WaveIn] = Field(min_length=1, max_length=20)


class ResponseIn(Schema):
    wave: Id
    answers: dict[OneLine, int | str | None] = Field(
        max_length=500, description="Item key to a whole number, or text for a free-text item."
    )
    consented: bool
    idempotency_key: OneLine = Field(
        min_length=1, max_length=64, description="The same key again returns the first response."
    )
    code: OneLine | None = Field(None, max_length=20, description="The response code, if any.")
    respondent: Who = "learner"
    session: Id | None = Field(None, description="For a course's plan, the session answered.")
    source: Source = "paper"


class ResponseOut(Schema):
    """Read from a ``Response`` with its wave's plan, version, code and answers' items."""

    id: int
    wave: int
    wave_key: str
    respondent: str
    code: str | None = Field(description="Shown unless the evaluation is anonymous.")
    name: str | None = Field(description="Shown only in a named evaluation.")
    session: int | None
    version: int
    source: str
    submitted_at: datetime.datetime
    answers: dict[str, int | str]

    @staticmethod
    def resolve_wave(response: Response) -> int:
        return response.wave_id

    @staticmethod
    def resolve_wave_key(response: Response) -> str:
        return response.wave.key

    @staticmethod
    def resolve_code(response: Response) -> str | None:
        code = response.response_code
        if code is None or response.wave.plan.response_mode == ResponseMode.ANONYMOUS:
            return None
        return code.code

    @staticmethod
    def resolve_name(response: Response) -> str | None:
        code = response.response_code
        if response.wave.plan.response_mode != ResponseMode.NAMED or code is None:
            return None
        return code.booking.person.full_name if code.booking else None

    @staticmethod
    def resolve_session(response: Response) -> int | None:
        return response.session_id

    @staticmethod
    def resolve_version(response: Response) -> int:
        return response.instrument_version.number

    @staticmethod
    def resolve_answers(response: Response) -> dict[str, int | str]:
        return {
            answer.item.key: answer.value if answer.value is not None else answer.text
            for answer in response.answers.all()
        }


class PaperImportOut(Schema):
    """What a file of paper forms became: every row saved as a response to the wave."""

    wave: int
    saved: int = Field(description="Forms saved; the same file again saves nothing more.")


class ResultsOut(Schema):
    """``analysis.analyse``'s figures; a figure with too few people is ``{"too_few": ...}``."""

    waves: list[dict[str, str]]
    linked: bool
    attrition: list[dict[str, Any]]
    scales: list[dict[str, Any]]
    knowledge_items: list[dict[str, Any]]


class ResultsFilterIn(Schema):
    """The results page's filters: responses of a session, agency, sector, profession, dates run."""

    session: Id | None = None
    agency: Id | None = None
    sector: Sector | None = None
    profession: Id | None = None
    ran_from: datetime.date | None = Field(None, description="Sessions that ran on or after")
    ran_to: datetime.date | None = Field(None, description="Sessions that ran on or before")

from interagency.evaluation.models.changes import ChangeScores, PairedScore
from interagency.evaluation.models.drafts import ResponseDraft
from interagency.evaluation.models.instruments import (
    ANSWERED_PERCENT,
    DEFAULT_ANSWERED_PERCENT,
    Instrument,
    InstrumentVersion,
    Item,
    ItemOutcome,
    OutcomeLevel,
    Scale,
    Scoring,
)
from interagency.evaluation.models.plans import (
    FOLLOW_UP_WEEKS,
    WAVE_ORDER,
    EvaluationPlan,
    ResponseMode,
    Wave,
    WaveKind,
)
from interagency.evaluation.models.responses import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Answer,
    Respondent,
    Response,
    ResponseCode,
    ResponseSource,
)
from interagency.evaluation.models.settings import EvaluationSettings
from interagency.evaluation.models.summaries import SUMMARY_LENGTH, TrainerSummary

__all__ = [
    "ANSWERED_PERCENT",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_ANSWERED_PERCENT",
    "FOLLOW_UP_WEEKS",
    "SUMMARY_LENGTH",
    "WAVE_ORDER",
    "Answer",
    "ChangeScores",
    "EvaluationPlan",
    "EvaluationSettings",
    "Instrument",
    "InstrumentVersion",
    "Item",
    "ItemOutcome",
    "OutcomeLevel",
    "PairedScore",
    "Respondent",
    "Response",
    "ResponseCode",
    "ResponseDraft",
    "ResponseMode",
    "ResponseSource",
    "Scale",
    "Scoring",
    "TrainerSummary",
    "Wave",
    "WaveKind",
]

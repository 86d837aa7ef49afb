"""Save a learner's answers to finish later, and drop the draft once they are sent."""

from collections.abc import Mapping

from django.utils import timezone

from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import ResponseDraft, Wave
from interagency.evaluation.models.drafts import HOLDER_LENGTH

# A draft keeps at most this many characters of any one answer (free text's limit).
ANSWER_LENGTH = 5_000


def save_draft(
    *, wave: Wave, holder: str, answers: Mapping[str, str], consented: bool
) -> ResponseDraft:
    """Keep ``answers`` (item key to what was typed or chosen) for ``holder`` to come back to.

    Nothing is checked but size: a draft may hold a half-typed answer, which the
    form shows again with its error when the learner sends it.
    """
    if not holder or len(holder) > HOLDER_LENGTH:
        raise EvaluationError("This link cannot keep a draft: send your answers when you finish.")
    kept = {
        str(key): str(value)[:ANSWER_LENGTH]
        for key, value in answers.items()
        if value not in (None, "")
    }
    draft, _created = ResponseDraft.objects.for_partnership(wave.plan.partnership).update_or_create(
        wave=wave,
        holder=holder,
        defaults={
            "partnership": wave.plan.partnership,
            "answers": kept,
            "consented": consented,
            "updated_at": timezone.now(),
        },
    )
    return draft


def discard_draft(*, wave: Wave, holder: str) -> None:
    """Forget ``holder``'s draft of ``wave`` (their answers were sent)."""
    if holder:
        ResponseDraft.objects.for_partnership(wave.plan.partnership).filter(
            wave=wave, holder=holder
        ).delete()

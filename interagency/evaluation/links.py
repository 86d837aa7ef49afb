"""The learner's link to a questionnaire: a signed token naming the wave and who answers.

The token is the credential, as a password-reset link is: it names the wave,
the response code (pseudonymous and named evaluations) or a random key that
keeps an anonymous learner's draft, the session (for a course's plan), and
whether the learner or their line manager answers. It is signed with the
site's secret, so a changed token is refused; it never names the person.
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from interagency.evaluation.models import Respondent, Wave

SALT = "interagency.evaluation.answer"
# A follow-up's link stays usable for a year after it is sent.
MAX_AGE_SECONDS = 400 * 24 * 60 * 60


@dataclass(frozen=True)
class AnswerLink:
    """What a learner's token names."""

    wave_id: int
    code: str = ""
    session_id: int | None = None
    respondent: str = Respondent.LEARNER
    # For anonymous evaluations: a random key that holds a saved draft.
    draft_key: str = ""

    @property
    def holder(self) -> str:
        """Who a saved draft belongs to: the code, or the anonymous link's own key."""
        if self.code:
            return f"{self.respondent}:{self.code}"
        if self.draft_key:
            return f"{self.respondent}:key:{self.draft_key}"
        return ""


def make_token(link: AnswerLink) -> str:
    """The signed token for ``link`` (short keys: it is typed from paper now and then)."""
    payload: dict[str, object] = {"w": link.wave_id}
    if link.code:
        payload["c"] = link.code
    if link.session_id:
        payload["s"] = link.session_id
    if link.respondent != Respondent.LEARNER:
        payload["r"] = link.respondent
    if link.draft_key:
        payload["k"] = link.draft_key
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token: str) -> AnswerLink | None:
    """The link ``token`` names, or None when it is changed, expired or not ours."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("w"), int):
        return None
    respondent = payload.get("r", Respondent.LEARNER)
    if respondent not in Respondent.values:
        return None
    session_id = payload.get("s")
    return AnswerLink(
        wave_id=payload["w"],
        code=str(payload.get("c", "")),
        session_id=session_id if isinstance(session_id, int) else None,
        respondent=respondent,
        draft_key=str(payload.get("k", "")),
    )


def link_for(
    wave: Wave,
    *,
    code: str = "",
    session_id: int | None = None,
    respondent: str = Respondent.LEARNER,
) -> AnswerLink:
    """A learner's link to ``wave``; an anonymous evaluation's gets its own draft key."""
    draft_key = "" if code else secrets.token_urlsafe(9)
    return AnswerLink(
        wave_id=wave.pk,
        code=code,
        session_id=session_id,
        respondent=respondent,
        draft_key=draft_key,
    )


def answer_path(partnership_code: str, link: AnswerLink) -> str:
    """The questionnaire page's path for ``link``."""
    return reverse(
        "evaluation:answer", kwargs={"code": partnership_code, "token": make_token(link)}
    )

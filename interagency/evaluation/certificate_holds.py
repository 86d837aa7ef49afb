"""The hold evaluation puts on a certificate: released once the end questionnaire is answered.

Registered with delivery's ``certificate_holds`` in ``EvaluationConfig.ready()``
(delivery never imports evaluation). Only where the partnership chose it in its
evaluation settings, and only for a session whose plan (its own, else its
course's) asks an end-of-course wave of a named or pseudonymous evaluation:
an anonymous one cannot say who answered. Four queries for any number of
certificates.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q

from interagency.delivery.certificate_holds import CertificateHold
from interagency.evaluation.links import answer_path, link_for
from interagency.evaluation.models import (
    EvaluationPlan,
    EvaluationSettings,
    Respondent,
    Response,
    ResponseCode,
    ResponseMode,
    Wave,
    WaveKind,
)

if TYPE_CHECKING:
    from interagency.delivery.models import Certificate

REASON = "Your certificate is released once you answer the end-of-course questionnaire."
NO_LINK = " Your training team will send you the link."


def end_questionnaire_hold(certificates: Sequence["Certificate"]) -> dict[int, CertificateHold]:
    """The certificates whose learner has not answered their course's end questionnaire."""
    # cross-partnership: a learner's list holds certificates of the partnerships of the region.
    holding = set(
        EvaluationSettings.objects.filter(
            partnership_id__in={c.partnership_id for c in certificates},
            certificate_after_end_questionnaire=True,
        ).values_list("partnership_id", flat=True)
    )
    held = [c for c in certificates if c.partnership_id in holding]
    if not held:
        return {}
    sessions = {c.booking.session for c in held}
    # cross-partnership: each plan is matched below to a session of its own partnership.
    plans = (
        EvaluationPlan.objects.filter(
            Q(session__in=sessions) | Q(course__in={s.course_id for s in sessions}),
            partnership_id__in=holding,
        )
        .select_related("partnership")
        .prefetch_related("waves")
    )
    by_session: dict[int, EvaluationPlan] = {}
    by_course: dict[tuple[int, int | None], EvaluationPlan] = {}
    for plan in plans:
        if plan.session_id:
            by_session[plan.session_id] = plan
        else:
            by_course[(plan.partnership_id, plan.course_id)] = plan
    ends: dict[int, tuple[EvaluationPlan, Wave]] = {}
    for c in held:
        session = c.booking.session
        found = by_session.get(session.pk) or by_course.get(
            (session.partnership_id, session.course_id)
        )
        if found is None or found.response_mode == ResponseMode.ANONYMOUS:
            continue
        end = next((w for w in found.waves.all() if w.kind == WaveKind.END), None)
        if end is not None:
            ends[c.pk] = (found, end)
    return _unanswered(held, ends)


def _unanswered(certificates, ends) -> dict[int, CertificateHold]:
    bookings = [c.booking_id for c in certificates if c.pk in ends]
    waves = [end for _, end in ends.values()]
    # cross-partnership: codes and answers of the learner's own bookings, by booking.
    codes = dict(
        ResponseCode.objects.filter(
            booking_id__in=bookings, plan__in=[p for p, _ in ends.values()]
        ).values_list("booking_id", "code")
    )
    # cross-partnership: the learner's own answers, found by their bookings' codes.
    answered = set(
        Response.objects.filter(
            wave__in=waves, respondent=Respondent.LEARNER, response_code__booking_id__in=bookings
        ).values_list("response_code__booking_id", "wave_id")
    )
    found = {}
    for c in certificates:
        if c.pk not in ends:
            continue
        plan, end = ends[c.pk]
        if (c.booking_id, end.pk) in answered:
            continue
        code = codes.get(c.booking_id)
        if code is None:
            found[c.pk] = CertificateHold(REASON + NO_LINK)
            continue
        link = link_for(end, code=code, session_id=c.booking.session_id)
        found[c.pk] = CertificateHold(
            REASON,
            answer_path(plan.partnership.code, link),
            "Answer the end-of-course questionnaire",
        )
    return found

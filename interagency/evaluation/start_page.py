"""The questionnaires waiting for a learner, on the start page where their day begins.

Registered with ``tenancy.start_page`` in ``EvaluationConfig.ready()``. A
questionnaire waits while its wave is open for the learner's booking and they
have not answered it: the registration one until the course starts, the
start-of-course one while it runs, the end-of-course one once the register
closed with them there, a follow-up from its week after the end. Each stays
open for ``OPEN_FOR`` (the registration one until the start). Three queries,
whatever the number of bookings; only named and pseudonymous evaluations,
whose answers a response code ties to the booking.
"""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from interagency.delivery.models import BookingStatus, Session
from interagency.delivery.start_page import LEARNERS
from interagency.evaluation.invitations import CAME
from interagency.evaluation.links import answer_path, link_for
from interagency.evaluation.models import Respondent, Response, ResponseCode, Wave, WaveKind
from interagency.tenancy.access import PartnershipAccess
from interagency.tenancy.models import Partnership
from interagency.tenancy.start_page import Section, register_section

# How long an end-of-course or follow-up questionnaire stays on the list.
OPEN_FOR = datetime.timedelta(weeks=4)


@dataclass(frozen=True)
class Waiting:
    """One questionnaire to answer: which course, which wave, and its link."""

    course_title: str
    session_starts_at: datetime.datetime
    wave_label: str
    href: str


def open_for(wave: Wave, session: Session, came: bool, now: datetime.datetime) -> bool:
    """Whether ``wave`` is open now for a learner booked on ``session``."""
    starts, ends = session.starts_at, session.ends_at
    if starts is None or ends is None:  # a session without its dated parts yet
        return False
    if wave.kind == WaveKind.REGISTRATION:
        return now < starts
    if wave.kind == WaveKind.START:
        return starts <= now < ends
    if not came or session.status != Session.Status.CLOSED:
        return False
    opens = ends
    if wave.kind == WaveKind.FOLLOW_UP:
        opens += datetime.timedelta(weeks=wave.weeks_after_end or 0)
    return opens <= now < opens + OPEN_FOR


def questionnaires_waiting(
    partnership: Partnership, user_id: int, *, now: datetime.datetime
) -> list[Waiting]:
    """The learner's unanswered questionnaires open now, soonest course first."""
    codes = list(
        ResponseCode.objects.for_partnership(partnership)
        .filter(
            booking__person__user_id=user_id,
            booking__status=BookingStatus.CONFIRMED,
            booking__session__status__in=[Session.Status.SCHEDULED, Session.Status.CLOSED],
        )
        .select_related("booking__session__course", "booking__attendance")
        .prefetch_related("plan__waves")
        .order_by("booking__session__starts_at", "pk")
    )
    answered = set(
        Response.objects.filter(response_code__in=codes, respondent=Respondent.LEARNER)
        .values_list("response_code_id", "wave_id")
        .order_by()
    )
    found = []
    for code in codes:
        booking = code.booking
        if booking is None:  # never: the filter follows the booking; for the type checker
            continue
        attendance = getattr(booking, "attendance", None)
        came = attendance is not None and attendance.outcome in CAME
        for wave in code.plan.waves.all():
            if (code.pk, wave.pk) in answered or not open_for(wave, booking.session, came, now):
                continue
            link = link_for(wave, code=code.code, session_id=booking.session_id)
            found.append(
                Waiting(
                    course_title=booking.session.course.title,
                    session_starts_at=booking.session.starts_at,
                    wave_label=wave.get_kind_display(),
                    href=answer_path(partnership.code, link),
                )
            )
    return found


def waiting_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """The start page's "Questionnaires waiting", for a member who takes courses."""
    if not access.roles & LEARNERS:
        return None
    waiting = questionnaires_waiting(access.partnership, access.user.pk, now=timezone.now())
    if not waiting:
        return None
    return Section("evaluation/start/_waiting.html", {"waiting": waiting})


def register() -> None:
    register_section("evaluation: questionnaires waiting", waiting_section)

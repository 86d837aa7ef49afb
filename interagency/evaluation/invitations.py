"""Invitations to answer: by email through the outbox, one message per notice key.

The registration questionnaire's link goes in the booking confirmation itself
(:func:`registration_postscript`, written when the confirmation is sent), the
end-of-course invitation when the register closes (from delivery's signal,
inside delivery's transaction, so a rolled-back close invites nobody), and
each follow-up N weeks after the session ended, to the learner
and, where the wave asks, their line manager, with up to two reminders a week
apart to whoever has not answered (``send-evaluation-invitations``). Every
key names the wave, the booking, who answers and which letter it is, so
queueing again (a second run, a retried close) stores nothing new.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interagency.delivery import notices
from interagency.delivery.models import AttendanceOutcome, Booking, Session
from interagency.evaluation.links import answer_path, link_for
from interagency.evaluation.models import Respondent, Response, Wave, WaveKind
from interagency.evaluation.selectors import plan_for_session
from interagency.evaluation.services.plans import issue_response_code
from interagency.notifications.models import MessageKind
from interagency.notifications.services import Notice, queue_messages

# Reminders to a follow-up's invitation: how many, and how far apart.
REMINDERS = 2
REMINDER_GAP = datetime.timedelta(weeks=1)
# Who is asked at the end and after: people who came (all or part of the course).
CAME = (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)


def invite(
    wave: Wave,
    bookings: Iterable[Booking],
    *,
    respondent: str = Respondent.LEARNER,
    reminder: int = 0,
) -> int:
    """Queue ``wave``'s invitation (or its ``reminder``-th reminder) for each booking."""
    found: list[Notice] = []
    letter = f"reminder:{reminder}" if reminder else "invitation"
    for booking, context in letter_contexts(wave, bookings, respondent=respondent):
        to_email, missing = _recipient(booking, respondent)
        found.append(
            Notice(
                to_email=to_email,
                key=f"evaluation:{wave.pk}:{booking.pk}:{respondent}:{letter}",
                context=context,
                booking=booking,
                session=booking.session,
                missing_address=missing,
            )
        )
    kind = MessageKind.EVALUATION_REMINDER if reminder else MessageKind.EVALUATION_INVITATION
    return len(queue_messages(partnership=wave.plan.partnership, kind=kind, notices=found))


def letter_contexts(
    wave: Wave, bookings: Iterable[Booking], *, respondent: str = Respondent.LEARNER
) -> list[tuple[Booking, dict[str, str]]]:
    """Each booking's placeholders for an invitation to ``wave``: the link and the code.

    The booking's response code is issued the first time it is asked for (an
    anonymous evaluation has none; its link carries its own draft key).
    """
    plan = wave.plan
    found = []
    for booking in bookings:
        code = ""
        if plan.links_waves:
            code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
        link = link_for(wave, code=code, session_id=booking.session_id, respondent=respondent)
        context: dict[str, str] = notices.context_for(booking)
        context.update(
            link=settings.SITE_URL.rstrip("/") + answer_path(plan.partnership.code, link),
            code=code or "not needed: this questionnaire is anonymous",
            questionnaire=wave.label,
        )
        found.append((booking, context))
    return found


def _recipient(booking: Booking, respondent: str) -> tuple[str, str]:
    person = booking.person
    if respondent == Respondent.LINE_MANAGER:
        manager = person.line_manager
        email = manager.work_email if manager is not None else ""
        return email, f"no line manager with an email address for {person.full_name}"
    return person.work_email, f"no work email address for {person.full_name}"


def registration_postscript(booking: Booking) -> str:
    """The registration questionnaire's link and code for a booking confirmation, or "".

    Added to delivery's confirmation email when it is written (``EvaluationConfig.ready()``,
    ``notices.add_to_confirmations``), so the learner gets one email, not a confirmation
    and a separate invitation; the response code is issued then, by the sender.
    """
    plan = plan_for_session(booking.session)
    wave = plan and plan.waves.filter(kind=WaveKind.REGISTRATION).first()
    if not wave:
        return ""
    ((_, context),) = letter_contexts(wave, [booking])
    return (
        "Before the course, please answer our registration questionnaire about "
        f"{booking.session.course}. It takes about ten minutes and you can save it to "
        f"finish later:\n\n{context['link']}\n\nYour response code is {context['code']}. "
        "It links your answers over time without your name."
    )


def on_register_closed(sender, session: Session, closed_by=None, **kwargs) -> None:
    """Open the end-of-course questionnaire: invite everyone the register says came."""
    plan = plan_for_session(session)
    wave = plan and plan.waves.filter(kind=WaveKind.END).first()
    if wave:
        invite(wave, came_to(session))


def came_to(session: Session):
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, attendance__outcome__in=CAME)
        .select_related("person__line_manager", "session__course", "session__venue")
        .prefetch_related("session__parts")
        .order_by("pk")
    )


def queue_follow_ups(*, now: datetime.datetime | None = None) -> int:
    """Queue the follow-up invitations and reminders due now; returns how many were new.

    A follow-up of N weeks is due from N weeks after the session ended; its
    reminders one and two weeks later, to those who have not answered (an
    anonymous evaluation cannot tell, so it sends none).
    """
    now = now or timezone.now()
    queued = 0
    # cross-partnership: a periodic job over every partnership's follow-up waves.
    waves = Wave.objects.filter(kind=WaveKind.FOLLOW_UP).select_related("plan__partnership")
    for wave in waves:
        assert wave.weeks_after_end is not None  # constraint wave_weeks_only_for_follow_up
        due_from = now - datetime.timedelta(weeks=wave.weeks_after_end)
        last = due_from - REMINDERS * REMINDER_GAP - REMINDER_GAP
        for session in _sessions_of(wave, ended_after=last, ended_by=due_from):
            with transaction.atomic():  # one short transaction per session's letters
                queued += _follow_up_session(wave, session, due_from)
    return queued


def _sessions_of(wave: Wave, *, ended_after, ended_by):
    plan = wave.plan
    sessions = Session.objects.for_partnership(plan.partnership).filter(
        ends_at__gt=ended_after, ends_at__lte=ended_by, status=Session.Status.CLOSED
    )
    if plan.session_id is not None:
        return sessions.filter(pk=plan.session_id)
    return sessions.filter(course_id=plan.course_id)


def _follow_up_session(wave: Wave, session: Session, due_from: datetime.datetime) -> int:
    assert session.ends_at is not None
    late_by = due_from - session.ends_at
    reminder = min(REMINDERS, int(late_by / REMINDER_GAP))
    respondents = [Respondent.LEARNER]
    if wave.line_manager_version_id is not None:
        respondents.append(Respondent.LINE_MANAGER)
    queued = 0
    came = list(came_to(session))
    for respondent in respondents:
        queued += invite(wave, came, respondent=respondent)
        if reminder and wave.plan.links_waves:
            # The reminder due now; an earlier one went on an earlier run.
            waiting = _not_answered(wave, came, respondent)
            queued += invite(wave, waiting, respondent=respondent, reminder=reminder)
    return queued


def _not_answered(wave: Wave, bookings: list[Booking], respondent: str) -> list[Booking]:
    answered = set(
        Response.objects.for_partnership(wave.plan.partnership)
        .filter(wave=wave, respondent=respondent, response_code__booking__in=bookings)
        .values_list("response_code__booking_id", flat=True)
    )
    return [booking for booking in bookings if booking.pk not in answered]

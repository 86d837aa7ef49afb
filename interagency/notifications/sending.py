"""Sending outbox messages: at most one copy per claim, bounded attempts, backoff, a reaper.

The worker claims a pending message with a conditional UPDATE
(``PENDING -> SENDING``, only when its next attempt is due); only the
claimant sends, so a task run twice, or two workers, send one copy. A
failure puts the message back to PENDING with ``last_error`` and a later
``next_attempt_at`` (1, 5, 25, 125 minutes), and after ``MAX_ATTEMPTS``
marks it FAILED for the coordinator to retry by hand.

A worker that dies after claiming leaves the message SENDING; the reaper
returns it to PENDING after ``TASKS_STALE_AFTER_MINUTES`` (15 by default).
That can cause one duplicate (if the server had accepted the email before
the worker died), never a loss.

These functions work across partnerships: the outbox is one queue.
"""

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from interagency.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A pending message whose task never ran (the enqueue failed, the queue was
# cleared) is picked up again after this.
LOST_AFTER = datetime.timedelta(minutes=10)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 5, 25, 125 minutes."""
    return datetime.timedelta(minutes=5 ** max(attempts - 1, 0))


def send_outbox_message(message_id: int) -> str:
    """Send one message if it is pending and due; returns its status afterwards."""
    now = timezone.now()
    # cross-partnership: the worker sends every partnership's queue.
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    message = OutboxMessage.objects.filter(pk=message_id).first()  # cross-partnership: as above
    if message is None:
        return "missing"
    if not claimed:
        return message.status
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body, to=[message.to_email]
    )
    if message.calendar:
        # As calendar services send invitations: the iTIP part beside the text
        # (mail clients show Accept/Add buttons) and the same file attached.
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        email.attach_alternative(message.calendar, f"text/calendar; method={method}")
        email.attach("invite.ics", message.calendar, "application/ics")
    try:
        email.send()
    except Exception as error:  # Any failure of the mail server: keep the message, retry.
        return _failed(message, error)
    # cross-partnership: the worker's own claim.
    OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.SENDING).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    return OutboxMessage.Status.SENT


def _failed(message: OutboxMessage, error: Exception) -> str:
    final = message.attempts >= MAX_ATTEMPTS
    status = OutboxMessage.Status.FAILED if final else OutboxMessage.Status.PENDING
    next_attempt_at = None if final else timezone.now() + backoff(message.attempts)
    detail = f"{type(error).__name__}: {error}"[:1800]
    last_error = f"Attempt {message.attempts} of {MAX_ATTEMPTS} failed: {detail}" + (
        "" if final else f" Next attempt after {next_attempt_at:%H:%M} UTC."
    )
    # cross-partnership: the worker's own claim.
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING).update(
        status=status, last_error=last_error, next_attempt_at=next_attempt_at
    )
    logger.warning("Email %s not sent (attempt %s): %s", message.pk, message.attempts, detail)
    if not final and next_attempt_at is not None:
        _enqueue_later(message.pk, next_attempt_at)
    return status


def _enqueue_later(message_id: int, run_after: datetime.datetime) -> None:
    """Queue the next attempt when the task backend can defer; else send-pending-mail will."""
    from interagency.notifications.tasks import send_outbox_message_task

    try:
        if send_outbox_message_task.get_backend().supports_defer:
            send_outbox_message_task.using(run_after=run_after).enqueue(message_id)
    except Exception:  # The periodic send-pending-mail finds the message anyway.
        logger.exception("Could not queue the next attempt of message %s", message_id)


def reap_stale_claims(
    *, older_than: datetime.timedelta | None = None, now: datetime.datetime | None = None
) -> int:
    """Return messages claimed by a worker that died to the queue; how many.

    Registered with :mod:`interagency.core.tasks_reaper`, so it also runs from
    ``interagency reap-tasks`` and when a worker starts a task. A message past
    its last attempt becomes FAILED; the others are PENDING and queued again.
    """
    from interagency.core.tasks_reaper import stale_after
    from interagency.notifications.tasks import send_outbox_message_task

    now = now or timezone.now()
    older_than = older_than or stale_after()
    stale = Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - older_than)
    # cross-partnership: the reaper looks after the one queue.
    if not OutboxMessage.objects.filter(stale).exists():  # no write lock when nothing is stale
        return 0
    # cross-partnership: as above.
    failed = OutboxMessage.objects.filter(stale, attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxMessage.Status.FAILED,
        last_error="The worker stopped while sending, after the last attempt; "
        "the email may or may not have gone.",
    )
    # cross-partnership: as above.
    ids = list(OutboxMessage.objects.filter(stale).values_list("pk", flat=True))
    # cross-partnership: as above; the status condition again, in case a worker finished.
    returned = OutboxMessage.objects.filter(stale, pk__in=ids).update(
        status=OutboxMessage.Status.PENDING,
        next_attempt_at=now,
        last_error="The worker stopped while sending; trying again.",
    )
    for message_id in ids:
        try:
            send_outbox_message_task.enqueue(message_id)
        except Exception:  # send-pending-mail finds it anyway
            logger.exception("Could not queue message %s again", message_id)
    if failed or returned:
        logger.warning("Outbox: %d stalled email(s) failed, %d queued again", failed, returned)
    return failed + returned


def due_message_ids(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Pending messages due now whose task may be lost: retries due, and old first attempts."""
    now = now or timezone.now()
    # cross-partnership: the one queue.
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lt=now - LOST_AFTER)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_pending_mail(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Reap stale claims, then queue a send for every due message; returns (reaped, queued).

    Run every few minutes (``interagency send-pending-mail`` from cron, or the
    task). Sending a message twice is harmless: the claim lets one through.
    """
    from interagency.notifications.tasks import send_outbox_message_task

    reaped = reap_stale_claims(now=now)
    ids = due_message_ids(now=now)
    for message_id in ids:
        send_outbox_message_task.enqueue(message_id)
    return reaped, len(ids)

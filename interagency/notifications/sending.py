"""Sending outbox messages: highest priority first, in batches, under a lease, never lost.

The worker claims a batch of due messages (``PENDING -> SENDING``) in one
short transaction: the highest priority first, then the oldest, taking
PostgreSQL's row locks with SKIP LOCKED (SQLite's IMMEDIATE transactions
already let one writer in at a time), and a conditional UPDATE that stamps
the batch's ``claimed_by`` token. Only the claimant sends, so two workers,
or a task run twice, send one copy. A run's batches share a connection to the
mail server (50 messages a connection), and each message is marked SENT as
soon as the server took it, so a crash loses the record of one message at
most. Batches are small (``BATCH_SIZE``): an offer queued behind hundreds of
confirmations waits for the batch under way only, well under a second even
on a busy machine.

A claim holds a lease (``OUTBOX_LEASE_SECONDS``, 30 by default), renewed
while the batch is sent. A worker killed mid-send stops renewing; once the
lease has passed, the next sender run claims the message again. That can
send it twice (the server may have taken it before the worker died), never
lose it. The lease must outlast the mail server's timeout, or a slow send
would be taken for a dead one.

A failure puts the message back to PENDING with ``last_error`` and a later
``next_attempt_at`` (1, 5, 25, 125 minutes), and after ``MAX_ATTEMPTS``
marks it FAILED for the coordinator to retry by hand.

These functions work across partnerships: the outbox is one queue.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from interagency.core.dates import govuk_datetime
from interagency.notifications.models import OutboxMessage
from interagency.notifications.rendering import render_written, wordings_for, written_by_source

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A pending message whose task never ran (the enqueue failed, the queue was
# cleared) is picked up again after this.
LOST_AFTER = datetime.timedelta(minutes=10)
DEFAULT_LEASE_SECONDS = 30
# Small, so an urgent message waits little: at about 20 ms an email (a busy 2-core
# machine sends 20 to 45 a second) a batch of 10 is gone in a fraction of a
# second, where one of 50 could hold an offer back for more than two. Claiming
# often costs little: the connection stays open from one batch to the next.
BATCH_SIZE = 10
# Then the connection is opened afresh: some mail services take only so many
# messages over one connection, and 50 a connection is what batches of 50 sent.
MESSAGES_PER_CONNECTION = 50
# One task drains at most this many before it returns, so a task never runs
# long enough for the task reaper to take it for a dead one.
MOST_PER_RUN = 5000
SENDING_ORDER = ("-priority", "created_at", "pk")


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 5, 25, 125 minutes."""
    return datetime.timedelta(minutes=5 ** max(attempts - 1, 0))


def lease_length() -> datetime.timedelta:
    """How long a claim holds a message without renewal (setting OUTBOX_LEASE_SECONDS)."""
    seconds = getattr(settings, "OUTBOX_LEASE_SECONDS", None) or DEFAULT_LEASE_SECONDS
    return datetime.timedelta(seconds=seconds)


def _claimable(now: datetime.datetime) -> Q:
    """Due pending messages, and those whose claim's lease has passed (the worker died)."""
    due = Q(status=OutboxMessage.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(
        status=OutboxMessage.Status.SENDING,
        lease_expires_at__lt=now,
        attempts__lt=MAX_ATTEMPTS,  # past its last attempt: the reaper marks it FAILED
    )
    return due | abandoned


def claim_batch(*, size: int = BATCH_SIZE, message_id: int | None = None) -> list[OutboxMessage]:
    """Claim up to ``size`` claimable messages (or just ``message_id``), highest priority first."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        now = timezone.now()
        # cross-partnership: the worker sends every partnership's queue.
        candidates = OutboxMessage.objects.filter(_claimable(now)).exclude(to_email="")
        if message_id is not None:
            candidates = candidates.filter(pk=message_id)
        if connection.features.has_select_for_update_skip_locked:
            # Two workers take different messages instead of queueing for the same rows.
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.order_by(*SENDING_ORDER).values_list("pk", flat=True)[:size])
        if not ids:
            return []
        # cross-partnership: as above; the conditions again, so a row is claimed once.
        OutboxMessage.objects.filter(_claimable(now), pk__in=ids).update(
            status=OutboxMessage.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=now,
            claimed_by=token,
            lease_expires_at=now + lease_length(),
        )
    # cross-partnership: the rows this claim took.
    claimed = OutboxMessage.objects.filter(
        pk__in=ids, status=OutboxMessage.Status.SENDING, claimed_by=token
    )
    return list(claimed.select_related("partnership").order_by(*SENDING_ORDER))


def write_claimed(messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Write the claimed messages queued unwritten (:func:`write_messages`); those ready to
    send. A message whose subject has gone (its booking deleted) is FAILED, saying so; a
    source that fails leaves its messages for a later attempt."""
    unwritten = [message for message in messages if message.source and not message.subject]
    if not unwritten:
        return list(messages)
    try:
        done = write_messages(unwritten)
    except Exception as error:  # a source's bug or a lost connection: try again later
        logger.exception("Could not write %d email(s)", len(unwritten))
        for message in unwritten:
            _failed(message, error)
        return [message for message in messages if message not in unwritten]
    for message in set(unwritten) - set(done):
        _not_writable(message)
    return [message for message in messages if message not in unwritten or message in done]


def write_messages(messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Write the subject, body and calendar of messages queued unwritten, and store them on
    their rows (the outbox page shows what went); the messages written.

    Each source reads what its messages are about in a few queries for the
    batch, and the partnerships' wordings are read once. A message its source
    cannot write (what it was about has gone) is left out.
    """
    unwritten = [message for message in messages if message.source and not message.subject]
    found = written_by_source(unwritten)
    wordings = wordings_for(unwritten)
    done: list[OutboxMessage] = []
    for message in unwritten:
        written = found.get(message.pk)
        if written is None:
            continue
        own = wordings.get((message.partnership_id, message.kind))
        message.subject, message.body = render_written(message, written, own)
        message.calendar = written.calendar or message.calendar
        done.append(message)
    # cross-partnership: the sender's own messages, written.
    OutboxMessage.objects.bulk_update(done, ["subject", "body", "calendar"])
    return done


def _not_writable(message: OutboxMessage) -> None:
    # cross-partnership: the worker's own claim.
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_by=message.claimed_by
    ).update(
        status=OutboxMessage.Status.FAILED,
        lease_expires_at=None,
        last_error="Not sent: what it was about no longer exists (its booking was deleted).",
    )


def email_for(message: OutboxMessage) -> EmailMultiAlternatives:
    """The email of an outbox message, with its calendar invitation when it has one."""
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body, to=[message.to_email]
    )
    if message.calendar:
        # As calendar services send invitations: the iTIP part beside the text
        # (mail clients show Accept/Add buttons) and the same file attached.
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        email.attach_alternative(message.calendar, f"text/calendar; method={method}")
        email.attach("invite.ics", message.calendar, "application/ics")
    return email


def send_batch(
    messages: Sequence[OutboxMessage], *, mailer: BaseEmailBackend | None = None
) -> dict[str, int]:
    """Send claimed messages over one connection to the mail server; how many ended how.

    Each message is marked SENT once the server has taken it. A message the
    server refuses is retried later; when the connection breaks it is opened
    again for the next message, and when it cannot be opened the rest of the
    batch waits for its next attempt. A ``mailer`` given is left open for the
    caller's next batch (the caller closes it); without one the batch opens and
    closes its own.
    """
    if mailer is None:
        mailer = mailers.default
        try:
            return send_batch(messages, mailer=mailer)
        finally:
            _close_quietly(mailer)
    outcome = {OutboxMessage.Status.SENT: 0, "retry": 0, OutboxMessage.Status.FAILED: 0}
    ready = write_claimed(messages)
    outcome["retry"] += len(messages) - len(ready)  # FAILED or retried: not sent this time
    messages = ready
    renewed_at = time.monotonic()
    for position, message in enumerate(messages):
        if time.monotonic() - renewed_at > lease_length().total_seconds() / 3:
            _renew_lease(messages[position:])
            renewed_at = time.monotonic()
        try:
            mailer.open()
        except Exception as error:  # The server is unreachable: no point trying the rest.
            for unsent in messages[position:]:
                outcome[_failed(unsent, error)] += 1
            break
        try:
            mailer.send_messages([email_for(message)])
        except Exception as error:  # Any failure of the mail server: keep it, retry.
            outcome[_failed(message, error)] += 1
            _close_quietly(mailer)  # a broken connection is opened again for the next
            continue
        _mark_sent(message)
        outcome[OutboxMessage.Status.SENT] += 1
    return outcome


def send_due_messages(*, batch_size: int = BATCH_SIZE, most: int = MOST_PER_RUN) -> int:
    """Send what is due, batch by batch, highest priority first; how many were sent.

    Each batch is claimed afresh, so a message queued meanwhile (an offer
    behind hundreds of confirmations) goes in the next batch if it outranks
    what is left. Consecutive batches share a connection to the mail server,
    up to ``MESSAGES_PER_CONNECTION`` messages each.
    """
    sent = handled = on_connection = 0
    mailer = mailers.default
    try:
        while handled < most:
            batch = claim_batch(size=min(batch_size, most - handled))
            if not batch:
                break
            sent += send_batch(batch, mailer=mailer)[OutboxMessage.Status.SENT]
            handled += len(batch)
            on_connection += len(batch)
            if on_connection >= MESSAGES_PER_CONNECTION:
                _close_quietly(mailer)  # the next batch opens a new one
                on_connection = 0
    finally:
        _close_quietly(mailer)
    return sent


def send_outbox_message(message_id: int) -> str:
    """Send one message if it is pending and due; returns its status afterwards."""
    batch = claim_batch(size=1, message_id=message_id)
    if batch:
        send_batch(batch)
    # cross-partnership: the worker's own message.
    status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    return status or "missing"


# The email has gone: recording it must not give up at the first locked database, or
# the reaper would take the message back once its lease ran out and send it twice.
SENT_RECORD_ATTEMPTS = 5


def _mark_sent(message: OutboxMessage) -> None:
    for attempt in range(1, SENT_RECORD_ATTEMPTS + 1):
        try:
            # cross-partnership: the worker's own claim.
            OutboxMessage.objects.filter(
                pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_by=message.claimed_by
            ).update(
                status=OutboxMessage.Status.SENT,
                sent_at=timezone.now(),
                last_error="",
                next_attempt_at=None,
                lease_expires_at=None,
            )
            return
        except OperationalError:
            if attempt == SENT_RECORD_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)


def _renew_lease(messages: Sequence[OutboxMessage]) -> None:
    if not messages:
        return
    # cross-partnership: the worker's own claim.
    OutboxMessage.objects.filter(
        pk__in=[message.pk for message in messages],
        status=OutboxMessage.Status.SENDING,
        claimed_by=messages[0].claimed_by,
    ).update(lease_expires_at=timezone.now() + lease_length())


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # The connection is gone either way.
        logger.debug("Closing the mail connection failed", exc_info=True)


def _failed(message: OutboxMessage, error: Exception) -> str:
    """Put a message whose attempt failed back for later, or FAILED after its last; which."""
    final = message.attempts >= MAX_ATTEMPTS
    status = OutboxMessage.Status.FAILED if final else OutboxMessage.Status.PENDING
    next_attempt_at = None if final else timezone.now() + backoff(message.attempts)
    detail = f"{type(error).__name__}: {error}"[:1800]
    last_error = f"Attempt {message.attempts} of {MAX_ATTEMPTS} failed: {detail}" + (
        f" Next attempt after {govuk_datetime(next_attempt_at)}." if next_attempt_at else ""
    )
    # cross-partnership: the worker's own claim.
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_by=message.claimed_by
    ).update(
        status=status,
        last_error=last_error,
        next_attempt_at=next_attempt_at,
        lease_expires_at=None,
    )
    logger.warning("Email %s not sent (attempt %s): %s", message.pk, message.attempts, detail)
    if not final and next_attempt_at is not None:
        _enqueue_later(message.pk, next_attempt_at)
    return "retry" if not final else status


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

    Stale: a lease that has passed, or (for a claim made before leases) a
    claim older than ``older_than``. Registered with
    :mod:`interagency.core.tasks_reaper`, so it also runs from ``interagency
    reap-tasks`` and when a worker starts a task. A message past its last
    attempt becomes FAILED; the others are PENDING and queued again.
    """
    from interagency.core.tasks_reaper import stale_after
    from interagency.notifications.tasks import send_outbox_message_task

    now = now or timezone.now()
    older_than = older_than or stale_after()
    stale = Q(status=OutboxMessage.Status.SENDING) & (
        Q(lease_expires_at__lt=now)
        | Q(lease_expires_at__isnull=True, claimed_at__lt=now - older_than)
    )
    # cross-partnership: the reaper looks after the one queue.
    if not OutboxMessage.objects.filter(stale).exists():  # no write lock when nothing is stale
        return 0
    # cross-partnership: as above.
    failed = OutboxMessage.objects.filter(stale, attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxMessage.Status.FAILED,
        lease_expires_at=None,
        last_error="The worker stopped while sending, after the last attempt; "
        "the email may or may not have gone.",
    )
    # cross-partnership: as above.
    ids = list(OutboxMessage.objects.filter(stale).values_list("pk", flat=True))
    # cross-partnership: as above; the status condition again, in case a worker finished.
    returned = OutboxMessage.objects.filter(stale, pk__in=ids).update(
        status=OutboxMessage.Status.PENDING,
        next_attempt_at=now,
        lease_expires_at=None,
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
        .order_by(*SENDING_ORDER)
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

"""Reminders before a session: one email per confirmed booking, ``reminder_days`` ahead.

``interagency send-reminders`` (daily from cron) or ``send_reminders_task``
queues them. Running it twice sends one reminder: each notice's key names the
booking and the session's start date, so a session moved to a later date
gets a new reminder and an unchanged one never gets a second.
"""

import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from interagency.delivery import notices
from interagency.delivery.models import Booking, BookingStatus, DeliverySettings, Session

DEFAULT_REMINDER_DAYS = DeliverySettings._meta.get_field("reminder_days").default
LONGEST_REMINDER_DAYS = 60


def queue_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminders due now for every partnership; returns how many bookings were due.

    A booking is due when its scheduled session starts within the
    partnership's ``reminder_days`` (0 turns reminders off) and has not started.
    """
    now = now or timezone.now()
    # cross-partnership: a periodic job over every partnership's settings.
    days_of = dict(DeliverySettings.objects.values_list("partnership_id", "reminder_days"))
    bookings = (
        # cross-partnership: as above; each booking is queued in its own partnership.
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + datetime.timedelta(days=LONGEST_REMINDER_DAYS),
        )
        # What queueing reads; the sender reads the rest when it writes the email.
        .select_related("partnership", "person", "session")
        .order_by("session__starts_at", "pk")
    )
    due = 0
    for booking in bookings.iterator(chunk_size=500):
        days = days_of.get(booking.partnership_id, DEFAULT_REMINDER_DAYS)
        starts_at = booking.session.starts_at
        if not days or starts_at is None or starts_at - now > datetime.timedelta(days=days):
            continue
        # One short transaction per reminder: the message and nothing else.
        with transaction.atomic():
            notices.reminder_due(booking)
        due += 1
    return due


@task()
def send_reminders_task() -> int:
    """Queue the reminders due now (see :func:`queue_reminders`)."""
    return queue_reminders()

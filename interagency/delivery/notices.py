"""Emails about bookings and sessions: each function queues the notice in the caller's transaction.

Stub: the bodies are filled in by the notifications work; the names are the interface.
"""

from collections.abc import Sequence

from interagency.delivery.models import Booking, Session


def booking_confirmed(booking: Booking) -> None:
    """Tell the person their place is confirmed (with a calendar invitation)."""


def booking_waiting(booking: Booking) -> None:
    """Tell the person they are on the waiting list, and their position."""


def booking_cancelled(booking: Booking) -> None:
    """Tell the person their booking is cancelled (with a calendar cancellation)."""


def approval_requested(booking: Booking) -> None:
    """Ask the person's line manager (or agency lead) to approve the booking."""


def booking_refused(booking: Booking) -> None:
    """Tell the person their booking was not approved."""


def place_offered(booking: Booking) -> None:
    """Offer a waiting-list place, with the deadline to accept it."""


def session_changed(session: Session) -> None:
    """Send every confirmed attendee the new details and an updated invitation."""


def session_cancelled(session: Session, alternatives: Sequence[Session]) -> None:
    """Tell every booked person the session is cancelled, with alternatives."""


def reminder_due(booking: Booking) -> None:
    """Remind a confirmed attendee of the session, days before it starts."""

"""Reads of a session's waiting list: the queue in order, and each person's place in it.

The order is the one rule the booking services move the queue by: joined
earliest first, then booked first (``waiting_since``, then id).
"""

from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from interagency.delivery.models import Booking, BookingStatus, Session


def waiting_list(session: Session) -> QuerySet[Booking]:
    """The people waiting for a place on ``session``, in queue order, with person and agency."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.WAITING)
        .select_related("person", "agency")
        .order_by("waiting_since", "id")
    )


def waiting_in_order(bookings: Iterable[Booking]) -> list[Booking]:
    """The waiting bookings among ``bookings`` (already read), first in line first."""
    waiting = [b for b in bookings if b.status == BookingStatus.WAITING]
    return sorted(waiting, key=lambda b: (b.waiting_since, b.pk))


def people_ahead() -> Subquery:
    """The number of people ahead of a booking on its session's waiting list (position - 1),
    as an annotation (NULL when none are): the one count of a place in the queue."""
    ahead = (
        # cross-partnership: the queue of the outer booking's own session (its host's).
        Booking.objects.filter(session_id=OuterRef("session_id"), status=BookingStatus.WAITING)
        .filter(
            Q(waiting_since__lt=OuterRef("waiting_since"))
            | Q(waiting_since=OuterRef("waiting_since"), pk__lt=OuterRef("pk"))
        )
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Subquery(ahead, output_field=IntegerField())


def waiting_position(booking: Booking) -> int | None:
    """The 1-based place of a waiting booking in its queue; None when it is not waiting."""
    if booking.status != BookingStatus.WAITING or booking.waiting_since is None:
        return None
    ahead = (
        Booking.objects.for_partnership(booking.partnership)
        .filter(pk=booking.pk)
        .annotate(ahead=people_ahead())
        .values_list("ahead", flat=True)
        .get()
    )
    return (ahead or 0) + 1

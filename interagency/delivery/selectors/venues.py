"""Reads of the partnership's venues."""

from django.db.models import QuerySet

from interagency.delivery.models import Venue
from interagency.tenancy.models import Partnership


def venues_of(partnership: Partnership) -> QuerySet[Venue]:
    """The partnership's venues by name (the venues page, the session form, the filter)."""
    return Venue.objects.for_partnership(partnership).order_by("name")


def venue_in(partnership: Partnership, pk: int) -> Venue:
    """One venue of the partnership; raises ``Venue.DoesNotExist`` otherwise."""
    return venues_of(partnership).get(pk=pk)

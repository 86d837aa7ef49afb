"""Read training records, always within one partnership."""

from typing import Any

from django.db.models import QuerySet

from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership


def records_of_person(partnership: Partnership, person: Person) -> QuerySet[TrainingRecord]:
    """The person's training records, newest first, with their course and tier."""
    return (
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person=person)
        .select_related("course", "course__tier")
        .order_by("-completed_on", "-id")
    )


def records_of_session(partnership: Partnership, session: Any) -> QuerySet[TrainingRecord]:
    """The records a closed register created, whoever's partnership holds them."""
    # Learners from the region keep their records in their own partnership; the host
    # reaches them only through the bookings of its own session.
    # cross-partnership: through the host's own bookings
    return TrainingRecord.objects.filter(
        booking__session=session, booking__partnership=partnership
    ).select_related("person")

"""Merging duplicate records of one person.

Two records of one person (the same work email or registration number in two
agencies' lists) are merged by pointing the others at the one kept. Nothing is
deleted, so their training history stays; later records follow merged_into.
Further posts of the records merged move to the one kept, so their roles'
training still counts. Each changed record is audited.
"""

from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot
from interagency.core.errors import ServiceError
from interagency.people.models import Person, Post
from interagency.people.services.people import PERSON_AUDITED_FIELDS
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def merge_people(
    *, partnership: Partnership, keep: Person, others: list[Person], merged_by: "_User"
) -> Person:
    """Merge ``others`` into ``keep``: they get ``merged_into``; a sign-in link moves over.

    ``left_on`` is left as it is. When ``keep`` has no sign-in account and one of
    the others has, that account (and so its membership) now belongs to ``keep``.
    """
    people = [keep, *others]
    if any(person.partnership_id != partnership.pk for person in people):
        raise ServiceError("Merge only people of this partnership.")
    if any(person.merged_into_id is not None for person in people):
        raise ServiceError("One of these records was already merged.")
    if any(other.pk == keep.pk for other in others) or not others:
        raise ServiceError("Choose one record to keep and at least one other to merge.")
    with transaction.atomic():
        keep_before = snapshot(keep, PERSON_AUDITED_FIELDS)
        for other in others:
            before = snapshot(other, PERSON_AUDITED_FIELDS) | {"merged_into_id": None}
            if keep.user_id is None and other.user_id is not None:
                keep.user_id, other.user_id = other.user_id, None
            other.merged_into = keep
            other.save(update_fields=["merged_into", "user", "updated_at"])
            record_event(
                actor=merged_by,
                action=AuditEvent.Action.CHANGED,
                subject=other,
                changes=diff(
                    before,
                    snapshot(other, PERSON_AUDITED_FIELDS) | {"merged_into_id": keep.pk},
                ),
                partnership=partnership,
            )
        keep.save(update_fields=["user", "updated_at"])
        moved = sorted(
            Post.objects.for_partnership(partnership)
            .filter(person__in=others)
            .values_list("pk", flat=True)
        )
        Post.objects.for_partnership(partnership).filter(pk__in=moved).update(person=keep)
        record_event(
            actor=merged_by,
            action=AuditEvent.Action.CHANGED,
            subject=keep,
            changes=diff(keep_before, snapshot(keep, PERSON_AUDITED_FIELDS))
            | {"merged_from": [None, [other.pk for other in others]]}
            | ({"posts_moved": [None, moved]} if moved else {}),
            partnership=partnership,
        )
    return keep

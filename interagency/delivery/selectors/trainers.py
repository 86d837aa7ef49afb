"""The partnership's trainers offered on the session form: those chosen and a search's first few.

A county partnership has a thousand trainers; listing each as a checkbox made
the form 400 KiB and a second to draw. The form lists the trainers already
chosen and the first :data:`TRAINERS_LISTED` that match a search (by name or
email), and says when there are more to find.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from interagency.core.permissions import Role
from interagency.tenancy.models import Membership, Partnership

TRAINERS_LISTED = 25


@dataclass(frozen=True)
class TrainerChoices:
    """The trainers to list (chosen first, then the search's), and whether more match."""

    users: list[Any]
    more: bool


def trainer_choices(
    partnership: Partnership, *, search: str = "", chosen: Iterable[int | str] = ()
) -> TrainerChoices:
    """Accounts with the trainer role: the ``chosen`` ones, then the first matches of ``search``.

    Two queries whatever the number of trainers; an id in ``chosen`` that is not a
    trainer of the partnership is left out (the form then refuses it).
    """
    trainers = (
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.TRAINER)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    ids = {int(value) for value in chosen if str(value).isdigit()}
    picked = [membership.user for membership in trainers.filter(user_id__in=ids)]
    matching = trainers.exclude(user_id__in=ids)
    for word in search.split()[:5]:
        matching = matching.filter(
            Q(user__full_name__icontains=word) | Q(user__email__icontains=word)
        )
    found = [membership.user for membership in matching[: TRAINERS_LISTED + 1]]
    return TrainerChoices(users=picked + found[:TRAINERS_LISTED], more=len(found) > TRAINERS_LISTED)

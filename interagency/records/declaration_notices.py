"""Emails about declared training: to whoever decides it when it is made, to the learner
when it is decided.

A declaration goes to the learner's line manager; a learner without a current
line manager's address goes to the partnership's coordinators instead (never to
the learner, should they be one). The services call these inside the
transaction that stores the declaration or its decision, so an email is queued
exactly when the change is made (the outbox, decision 0028); the wording is the
partnership's own for each kind, else the default (``notifications.rendering``).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from interagency.core.dates import govuk_date
from interagency.core.permissions import Role
from interagency.notifications.models import MessageKind
from interagency.notifications.services import Notice, queue_messages
from interagency.people.models import Person
from interagency.records.models import Declaration
from interagency.tenancy.models import Membership

NO_ADDRESS = "the person has no email address in their record or account"


def address_of(person: Person) -> str:
    """A person's work email, else their account's."""
    return person.work_email or (person.user.email if person.user is not None else "")


def is_current(person: Person, today: datetime.date) -> bool:
    """Not merged into another record, and not yet left (``people.models.current_on``)."""
    return person.merged_into_id is None and (person.left_on is None or person.left_on > today)


def link(name: str, **kwargs: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def context_of(declaration: Declaration) -> dict[str, str]:
    return {
        "learner": declaration.person.full_name,
        "course": declaration.training_title,
        "completed": govuk_date(declaration.completed_on),
        "provider": declaration.provider,
    }


def deciders_told(declaration: Declaration, today: datetime.date) -> list[tuple[str, str, str]]:
    """``(key part, name, email)`` of whoever is told of a new declaration: the current line
    manager, else each coordinator of the partnership other than the learner."""
    manager = declaration.person.line_manager
    if manager is not None and is_current(manager, today) and address_of(manager):
        return [(f"manager:{manager.pk}", manager.full_name, address_of(manager))]
    coordinators = (
        Membership.objects.for_partnership(declaration.partnership_id)
        .filter(role=Role.COORDINATOR, user__is_active=True)
        .exclude(Q(user_id=declaration.person.user_id) if declaration.person.user_id else Q())
        .select_related("user")
        .order_by("user_id")
    )
    return [
        (f"coordinator:{member.user_id}", member.user.full_name, member.user.email)
        for member in coordinators
    ]


def queue_declared(declaration: Declaration) -> int:
    """Tell whoever decides ``declaration`` that it awaits them; how many emails queued."""
    decide = link(
        "records:declaration", code=declaration.partnership.code, declaration_id=declaration.pk
    )
    told = deciders_told(declaration, timezone.localdate())
    notices = [
        Notice(
            to_email=email,
            key=f"declaration:{declaration.pk}:made:{part}",
            context={"name": name, "link": decide, **context_of(declaration)},
            missing_address=NO_ADDRESS,
        )
        for part, name, email in told
    ]
    return len(
        queue_messages(
            partnership=declaration.partnership, kind=MessageKind.DECLARATION_MADE, notices=notices
        )
    )


def queue_decided(declaration: Declaration) -> int:
    """Tell the learner ``declaration`` was approved or rejected (with the reason given)."""
    approved = declaration.status == Declaration.Status.APPROVED
    person = declaration.person
    notice = Notice(
        to_email=address_of(person),
        key=f"declaration:{declaration.pk}:{declaration.status}",
        context={
            "name": person.full_name,
            "reason": "" if approved else f"The reason given: {declaration.decision_note}",
            "link": link("records:declarations", code=declaration.partnership.code),
            **context_of(declaration),
        },
        missing_address=NO_ADDRESS,
    )
    kind = MessageKind.DECLARATION_APPROVED if approved else MessageKind.DECLARATION_REJECTED
    return len(queue_messages(partnership=declaration.partnership, kind=kind, notices=[notice]))

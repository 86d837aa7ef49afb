"""The partnership's delivery arrangements: its venues and how it runs bookings.

Each service runs in one transaction and is audited; a refusal is a
:class:`~interagency.core.errors.ServiceError` listing every problem, like the
session services.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot
from interagency.delivery import notices
from interagency.delivery.models import DeliverySettings, Session, Venue, WaitingListMode
from interagency.delivery.services.session_rules import Problems, raise_if
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

# Venues --------------------------------------------------------------------------------

VENUE_FIELDS = ["name", "address", "postcode", "access_information", "parking", "refreshments"]


def _check_venue(venue: Venue) -> None:
    problems: Problems = []
    if not venue.name:
        problems.append(("name", "Enter the venue's name."))
    if not venue.address:
        problems.append(("address", "Enter the venue's address."))
    same_name = Venue.objects.for_partnership(venue.partnership).filter(name__iexact=venue.name)
    if venue.pk:
        same_name = same_name.exclude(pk=venue.pk)
    if venue.name and same_name.exists():
        problems.append(("name", "The partnership already has a venue with this name."))
    raise_if(problems)


def _clean_venue_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown venue fields: {sorted(unknown)}")
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    if "postcode" in cleaned:
        cleaned["postcode"] = cleaned["postcode"].upper()
    return cleaned


def create_venue(*, partnership: Partnership, created_by: "_User", **fields: Any) -> Venue:
    """Add a venue the partnership runs sessions in."""
    venue = Venue(partnership=partnership, **_clean_venue_fields(fields))
    _check_venue(venue)
    with transaction.atomic():
        venue.save()
        record_event(
            actor=created_by,
            action=AuditEvent.Action.CREATED,
            subject=venue,
            changes=diff({}, snapshot(venue, VENUE_FIELDS)),
            partnership=partnership,
        )
    return venue


def update_venue(*, venue: Venue, changed_by: "_User", **fields: Any) -> Venue:
    """Change a venue; attendees of its upcoming sessions get the new details."""
    before = snapshot(venue, VENUE_FIELDS)
    for name, value in _clean_venue_fields(fields).items():
        setattr(venue, name, value)
    _check_venue(venue)
    changes = diff(before, snapshot(venue, VENUE_FIELDS))
    if not changes:
        return venue
    with transaction.atomic():
        venue.save()
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CHANGED,
            subject=venue,
            changes=changes,
            partnership=venue.partnership,
        )
        if {"name", "address", "postcode"} & changes.keys():
            upcoming = Session.objects.for_partnership(venue.partnership).filter(
                status=Session.Status.SCHEDULED, venue=venue, starts_at__gt=timezone.now()
            )
            for session in upcoming:
                session.sequence += 1
                session.save(update_fields=["sequence", "updated_at"])
                notices.session_changed(session)
    return venue


# Delivery settings -----------------------------------------------------------------------

SETTINGS_FIELDS = [
    "requires_manager_approval",
    "waiting_list_mode",
    "offer_hours",
    "reminder_days",
    "default_no_show_charge",
]


def update_delivery_settings(
    *, partnership: Partnership, changed_by: "_User", **fields: Any
) -> DeliverySettings:
    """Change how the partnership runs bookings (approval, waiting list, reminders, charges)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown delivery settings: {sorted(unknown)}")
    problems: Problems = []
    if "waiting_list_mode" in fields and fields["waiting_list_mode"] not in WaitingListMode.values:
        problems.append(("waiting_list_mode", "Choose how the waiting list moves."))
    hours = fields.get("offer_hours")
    if hours is not None and not 1 <= hours <= 24 * 14:
        problems.append(("offer_hours", "An offer must stay open between 1 hour and 14 days."))
    days = fields.get("reminder_days")
    if days is not None and not 0 <= days <= 60:
        problems.append(("reminder_days", "Send reminders between 0 and 60 days before."))
    charge = fields.get("default_no_show_charge")
    if charge is not None and Decimal(charge) < 0:
        problems.append(("default_no_show_charge", "The no-show charge cannot be negative."))
    raise_if(problems)
    with transaction.atomic():
        settings, created = DeliverySettings.objects.for_partnership(partnership).get_or_create(
            partnership=partnership
        )
        before = {} if created else snapshot(settings, SETTINGS_FIELDS)
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.save()
        changes = diff(before, snapshot(settings, SETTINGS_FIELDS))
        if changes or created:
            record_event(
                actor=changed_by,
                action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
                subject=settings,
                changes=changes,
                partnership=partnership,
            )
    return settings

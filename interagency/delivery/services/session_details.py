"""A session's parts, trainers and sector holds written, and the audit trail's view of it.

Used inside the session services' transactions (:mod:`.sessions`).
"""

from collections.abc import Sequence
from typing import Any

from interagency.audit.services import snapshot
from interagency.delivery.models import SectorHold, Session, SessionPart, SessionTrainer
from interagency.delivery.services.session_rules import Period, SectorHoldEntry, TrainerEntry

SESSION_AUDITED_FIELDS = [
    "course_id",
    "status",
    "format",
    "venue_id",
    "joining_link",
    "joining_instructions",
    "capacity",
    "minimum_numbers",
    "booking_opens_at",
    "booking_closes_at",
    "cancellation_cutoff",
    "max_agency_share",
    "regional_places",
    "no_show_charge",
    "notes",
    "starts_at",
    "ends_at",
    "sequence",
    "cancellation_reason",
]
# Free text may say anything: the trail records that it changed, not what it says.
SESSION_REDACTED = frozenset({"joining_instructions", "notes", "cancellation_reason"})


def where_attendees_go(session: Session) -> tuple[str, int | None, str]:
    """Where attendees go: a change sends them an updated invitation (with the dates)."""
    return (session.format, session.venue_id, session.joining_link)


def set_parts(session: Session, parts: Sequence[Period]) -> None:
    """Make the session's parts these, in date order; existing parts keep their ids by order."""
    ordered = sorted(parts)
    existing = list(session.parts.order_by("order", "starts_at"))
    for order, (starts, ends) in enumerate(ordered):
        if order < len(existing):
            part = existing[order]
            if (part.starts_at, part.ends_at, part.order) != (starts, ends, order):
                part.starts_at, part.ends_at, part.order = starts, ends, order
                part.save(update_fields=["starts_at", "ends_at", "order"])
        else:
            SessionPart.objects.create(session=session, order=order, starts_at=starts, ends_at=ends)
    for part in existing[len(ordered) :]:
        part.delete()
    session.starts_at = ordered[0][0]
    session.ends_at = ordered[-1][1]


def set_trainers(session: Session, trainers: Sequence[TrainerEntry]) -> None:
    session.trainers.all().delete()
    SessionTrainer.objects.bulk_create(
        SessionTrainer(
            session=session,
            user=trainer.user,
            name=trainer.shown_name()[:150],
            provider_name=trainer.provider_name.strip(),
        )
        for trainer in trainers
    )


def set_sector_holds(session: Session, holds: Sequence[SectorHoldEntry]) -> None:
    session.sector_holds.all().delete()
    SectorHold.objects.bulk_create(
        SectorHold(session=session, sector=hold.sector, places=hold.places, until=hold.until)
        for hold in holds
    )


def session_snapshot(session: Session) -> dict[str, Any]:
    """The audited fields of ``session``, with its parts, trainers and holds once it is saved."""
    values = snapshot(session, SESSION_AUDITED_FIELDS)
    if session.pk:
        values["parts"] = [
            f"{part.starts_at.isoformat()}/{part.ends_at.isoformat()}"
            for part in session.parts.order_by("order")
        ]
        values["trainers"] = [
            f"{t.name} ({t.provider_name})" if t.provider_name else t.name
            for t in session.trainers.all()
        ]
        values["sector_holds"] = [
            f"{h.sector}:{h.places}:{h.until.isoformat()}" for h in session.sector_holds.all()
        ]
    return values

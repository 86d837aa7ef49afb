"""iCalendar invitations for bookings (RFC 5545 with iTIP methods, RFC 5546).

One booking is one set of calendar entries in the attendee's calendar:

- a confirmation sends ``METHOD:REQUEST``; a change of the session sends
  ``REQUEST`` again with the same UIDs and a higher ``SEQUENCE``
  (``Session.sequence``), so calendars update the entry instead of adding a
  second one; a cancellation sends ``METHOD:CANCEL`` with the same UIDs.
- a session of several parts (a modular course over three mornings) gives
  one ``VEVENT`` per part (a part removed by a change gets its own CANCEL,
  found from the documents already sent). The first part's UID is ``booking-<id>@<domain>``,
  later parts ``booking-<id>-part-<n>@<domain>``. We do not use one VEVENT
  with ``RDATE;VALUE=PERIOD`` because Outlook ignores RDATE, and the parts
  can have different times (a twilight part, a full day).
- times carry ``TZID=Europe/London`` with a VTIMEZONE covering only the
  session's years (a few hundred bytes instead of seventy years of rules).
- the joining link of an online session appears only in a confirmed
  attendee's invitation, never in a cancellation.
"""

import datetime
import zoneinfo
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Component, Event, Timezone, vCalAddress, vText

from interagency.delivery.models import Booking, BookingStatus, Session, SessionPart

LONDON = zoneinfo.ZoneInfo("Europe/London")
UID_DOMAIN = "interagency"
PRODID = "-//Interagency//Safeguarding training bookings//EN"


def uid(booking: Booking, part_number: int = 1) -> str:
    """The UID of one part of a booking: stable for the life of the booking."""
    if part_number == 1:
        return f"booking-{booking.pk}@{UID_DOMAIN}"
    return f"booking-{booking.pk}-part-{part_number}@{UID_DOMAIN}"


def where(session: Session, *, with_link: bool) -> str:
    """Where the session happens, on one line: the venue and its address, or online."""
    if session.venue_id is not None and session.venue is not None:
        venue = session.venue
        lines = [venue.name, *venue.address.splitlines(), venue.postcode]
        return ", ".join(line.strip() for line in lines if line.strip())
    if with_link and session.joining_link:
        return f"Online: {session.joining_link}"
    return "Online"


def invitation(booking: Booking, method: str = "REQUEST") -> str:
    """The iCalendar document for ``booking``: ``REQUEST`` (invite or update) or ``CANCEL``."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"iCalendar method must be REQUEST or CANCEL, not {method!r}.")
    session = booking.session
    parts = parts_of(session)
    if not parts:
        raise ValueError(f"Session {session.pk} has no dated parts to put in a calendar.")
    confirmed = method == "REQUEST" and booking.status == BookingStatus.CONFIRMED

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    first_year = min(part.starts_at.astimezone(LONDON).year for part in parts)
    last_year = max(part.ends_at.astimezone(LONDON).year for part in parts)
    calendar.add_component(
        Timezone.from_tzinfo(
            LONDON,
            tzid="Europe/London",
            first_date=datetime.date(first_year, 1, 1),
            last_date=datetime.date(last_year + 1, 1, 1),
        )
    )
    organizer = _organizer(session)
    attendee = _attendee(booking)
    summary = str(session.course)
    total = len(parts)
    now = timezone.now()
    for number, part in enumerate(parts, start=1):
        event = Event()
        event.add("uid", uid(booking, number))
        event.add("sequence", session.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", part.starts_at.astimezone(LONDON))
        event.add("dtend", part.ends_at.astimezone(LONDON))
        event.add("summary", summary if total == 1 else f"{summary} (part {number} of {total})")
        event.add("location", where(session, with_link=confirmed))
        event.add("description", _description(session, confirmed=confirmed))
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("organizer", organizer)
        if attendee is not None:
            event.add("attendee", attendee)
        if confirmed and session.joining_link:
            event.add("url", session.joining_link)
        calendar.add_component(event)
    return calendar.to_ical().decode()


def stale_uids(booking: Booking, sent: Sequence[str]) -> set[str]:
    """UIDs the person's calendar still holds that the session no longer has (removed parts).

    ``sent`` is every calendar document already sent for the booking, oldest first.
    """
    current = {uid(booking, number) for number in range(1, len(parts_of(booking.session)) + 1)}
    held: set[str] = set()
    for document in sent:
        calendar = Calendar.from_ical(document)
        uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}
        if str(calendar.get("method")) == "CANCEL":
            held -= uids
        else:
            held |= uids
    return held - current


def cancellation_of_parts(booking: Booking, uids: set[str], sent: Sequence[str]) -> str:
    """A ``METHOD:CANCEL`` document for the parts with ``uids``, as they were last sent."""
    session = booking.session
    last: dict[str, Component] = {}
    for document in sent:
        for event in Calendar.from_ical(document).walk("VEVENT"):
            if str(event["uid"]) in uids:
                last[str(event["uid"])] = event
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL")
    years = [event.decoded("dtstart").year for event in last.values()] or [timezone.now().year]
    calendar.add_component(
        Timezone.from_tzinfo(
            LONDON,
            tzid="Europe/London",
            first_date=datetime.date(min(years), 1, 1),
            last_date=datetime.date(max(years) + 1, 1, 1),
        )
    )
    now = timezone.now()
    for part_uid, previous in sorted(last.items()):
        event = Event()
        event.add("uid", part_uid)
        event.add("sequence", session.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", previous.decoded("dtstart").astimezone(LONDON))
        event.add("dtend", previous.decoded("dtend").astimezone(LONDON))
        event.add("summary", str(previous.get("summary", session.course)))
        event.add("status", "CANCELLED")
        event.add("organizer", _organizer(session))
        attendee = _attendee(booking)
        if attendee is not None:
            event.add("attendee", attendee)
        calendar.add_component(event)
    return calendar.to_ical().decode()


def parts_of(session: Session) -> Sequence[SessionPart]:
    # Uses the prefetched parts when the caller loaded them.
    return sorted(session.parts.all(), key=lambda part: (part.starts_at, part.pk))


def _organizer(session: Session) -> vCalAddress:
    from email.utils import parseaddr

    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'no-reply@localhost'}")
    organizer.params["cn"] = vText(session.partnership.name)
    return organizer


def _attendee(booking: Booking) -> vCalAddress | None:
    person = booking.person
    if not person.work_email:
        return None
    attendee = vCalAddress(f"mailto:{person.work_email}")
    attendee.params["cn"] = vText(person.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def _description(session: Session, *, confirmed: bool) -> str:
    lines = [str(session.course)]
    if confirmed and session.joining_link:
        lines.append(f"Join: {session.joining_link}")
    if confirmed and session.joining_instructions:
        lines.append(session.joining_instructions)
    if session.notes:
        lines.append(session.notes)
    return "\n\n".join(lines)

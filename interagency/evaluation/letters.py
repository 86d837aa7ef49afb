"""Printed invitations: one letter per person on a session, with the link and the response
code written large, for those without email and for paper returns.

The wording is the partnership's invitation template (``evaluation_invitation``,
edited with the other emails) or the default; the PDF is made by WeasyPrint
as certificates are, fetching nothing outside the template.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.evaluation.invitations import came_to, letter_contexts
from interagency.evaluation.models import Wave, WaveKind
from interagency.notifications.models import MessageKind
from interagency.notifications.rendering import render_messages


@dataclass(frozen=True)
class Letter:
    name: str
    subject: str
    body: str
    code: str


def letters_for(wave: Wave, session: Session) -> list[Letter]:
    """A letter for each person ``wave`` asks on ``session``: those booked before it ends,
    those the register says came after."""
    partnership = wave.plan.partnership
    if wave.kind in (WaveKind.END, WaveKind.FOLLOW_UP):
        bookings = came_to(session)
    else:
        bookings = (
            Booking.objects.for_partnership(partnership)
            .filter(session=session, status=BookingStatus.CONFIRMED)
            .select_related("person", "session__course", "session__venue")
            .prefetch_related("session__parts")
            .order_by("person__full_name", "pk")
        )
    contexts = letter_contexts(wave, bookings)
    rendered = render_messages(
        partnership=partnership,
        kind=MessageKind.EVALUATION_INVITATION,
        contexts=[context for _booking, context in contexts],
    )
    return [
        Letter(
            name=booking.person.full_name,
            subject=subject,
            body=body,
            code=context["code"] if wave.plan.links_waves else "",
        )
        for (booking, context), (subject, body) in zip(contexts, rendered, strict=True)
    ]


def letters_pdf(wave: Wave, session: Session) -> bytes:
    """The letters as one PDF, a page each."""
    # Imported here: WeasyPrint loads Pango, which no other page needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "evaluation/answering/letters_pdf.html",
        {"letters": letters_for(wave, session), "wave": wave, "session": session},
    )
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()

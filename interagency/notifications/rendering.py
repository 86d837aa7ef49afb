"""Message wording: the partnership's own template for a kind, or the default in code."""

from typing import Any

from django.template import Context, Engine

from interagency.notifications.models import MessageKind, MessageTemplate
from interagency.tenancy.models import Partnership

# Placeholders any template may use; the services fill those that apply.
DEFAULTS: dict[str, tuple[str, str]] = {
    MessageKind.BOOKING_CONFIRMED: (
        "Booking confirmed: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nYour place on {{ course }} is confirmed.\n\n"
        "When: {{ when }}\nWhere: {{ where }}\n\n{{ joining }}\n"
        "To cancel, visit {{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.BOOKING_WAITING: (
        "Waiting list: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\n{{ course }} on {{ date }} is full. You are number "
        "{{ position }} on the waiting list; we will email you if a place comes up.\n\n"
        "{{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.BOOKING_CANCELLED: (
        "Booking cancelled: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nYour booking on {{ course }} on {{ date }} is cancelled.\n\n"
        "{{ partnership }}",
    ),
    MessageKind.APPROVAL_REQUESTED: (
        "Please approve: {{ name }} on {{ course }}",
        "{{ name }} asked for a place on {{ course }} on {{ date }}.\n\n"
        "Approve or refuse it at {{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.BOOKING_REFUSED: (
        "Booking not approved: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nYour booking on {{ course }} on {{ date }} was not approved.\n"
        "{{ reason }}\n\n{{ partnership }}",
    ),
    MessageKind.PLACE_OFFERED: (
        "A place is free: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nA place on {{ course }} on {{ date }} is free for you. "
        "Accept or decline it by {{ deadline }} at {{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.REMINDER: (
        "Reminder: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nA reminder that you are booked on {{ course }}.\n\n"
        "When: {{ when }}\nWhere: {{ where }}\n\n{{ joining }}\n\n{{ partnership }}",
    ),
    MessageKind.SESSION_CHANGED: (
        "Changed: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\n{{ course }} has changed.\n\nWhen: {{ when }}\n"
        "Where: {{ where }}\n\nThe attached invitation updates your calendar.\n\n{{ partnership }}",
    ),
    MessageKind.SESSION_CANCELLED: (
        "Cancelled: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nWe are sorry: {{ course }} on {{ date }} is cancelled.\n"
        "{{ reason }}\n\n{{ alternatives }}\n\n{{ partnership }}",
    ),
}

# Plain-text email: no HTML escaping, no tags beyond variables and filters.
_ENGINE = Engine(autoescape=False, builtins=[])


def render_message(
    *, partnership: Partnership, kind: str, context: dict[str, Any]
) -> tuple[str, str]:
    """The subject and body of one message, from the partnership's template or the default."""
    own = (
        MessageTemplate.objects.for_partnership(partnership)
        .filter(kind=kind)
        .values_list("subject", "body")
        .first()
    )
    subject_source, body_source = own or DEFAULTS[kind]
    values = {"partnership": partnership.name, **context}
    subject = _ENGINE.from_string(subject_source).render(Context(values)).strip()
    body = _ENGINE.from_string(body_source).render(Context(values))
    # A subject is one line whatever a value held.
    return " ".join(subject.split())[:200], body

"""Message wording: the partnership's own template for a kind, or the default in code."""

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError

from interagency.core.dates import LONDON, govuk_date, govuk_datetime, govuk_day, govuk_period
from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.tenancy.models import Partnership

# Placeholders any template may use; the services fill those that apply.
DEFAULTS: dict[str, tuple[str, str]] = {
    MessageKind.BOOKING_CONFIRMED: (
        "Booking confirmed: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nYour place on {{ course }} is confirmed.\n\n"
        "When: {{ when }}\nWhere: {{ where }}\n\n{{ joining }}\n"
        "To see or cancel your booking, visit {{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.BOOKING_WAITING: (
        "Waiting list: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\n{{ course }} on {{ date }} is full. You are number "
        "{{ position }} on the waiting list; we will email you if a place comes up.\n\n"
        "{{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.BOOKING_CANCELLED: (
        "Booking cancelled: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nYour booking on {{ course }} on {{ date }} is cancelled.\n"
        "{{ reason }}\n\n{{ partnership }}",
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
    MessageKind.OFFER_EXPIRED: (
        "Offer ended: {{ course }} on {{ date }}",
        "Dear {{ name }},\n\nThe place we offered you on {{ course }} on {{ date }} was not "
        "accepted by {{ deadline }}, so the offer has ended. You are no longer on the "
        "waiting list for this session.\n\n"
        "To book again (or join the waiting list again if it is full), visit {{ link }}\n\n"
        "{{ partnership }}",
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
    MessageKind.EVALUATION_INVITATION: (
        "Your views on {{ course }}: {{ questionnaire }}",
        "Dear {{ name }},\n\nPlease tell us about {{ course }} ({{ date }}). The "
        "questionnaire takes about ten minutes and you can save it to finish later:\n\n"
        "{{ link }}\n\nYour response code is {{ code }}. It links your answers over time "
        "without your name.\n\n{{ partnership }}",
    ),
    MessageKind.EVALUATION_REMINDER: (
        "Reminder: your views on {{ course }}",
        "Dear {{ name }},\n\nWe have not yet had your answers about {{ course }} "
        "({{ date }}). If you have a few minutes, please answer here:\n\n{{ link }}\n\n"
        "Your response code is {{ code }}.\n\n{{ partnership }}",
    ),
    MessageKind.TRAINING_DIGEST: (
        "Your team's safeguarding training: {{ overdue }} overdue, {{ due_soon }} due soon",
        "Dear {{ name }},\n\nThis is your monthly summary of the safeguarding training your "
        "team needs.\n\n{{ team }}\n\nTo book places or see everyone's training, visit "
        "{{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.TRAINING_DUE: (
        "Training due by {{ due }}: {{ course }}",
        "Dear {{ name }},\n\nYour role needs you to complete {{ course }} by {{ due }}. "
        "You are not booked on it yet.\n\nTo find a session and book, visit {{ link }}\n\n"
        "{{ partnership }}",
    ),
    MessageKind.DECLARATION_MADE: (
        "Please decide: {{ learner }} declared {{ course }}",
        "Dear {{ name }},\n\n{{ learner }} has declared training done elsewhere: {{ course }}, "
        "completed on {{ completed }}, run by {{ provider }}.\n\nPlease look at their evidence "
        "and approve or reject it at {{ link }}\n\n{{ partnership }}",
    ),
    MessageKind.DECLARATION_APPROVED: (
        "Training approved: {{ course }}",
        "Dear {{ name }},\n\nThe training you declared, {{ course }} completed on "
        "{{ completed }}, is approved and now in your training record.\n\n{{ link }}\n\n"
        "{{ partnership }}",
    ),
    MessageKind.DECLARATION_REJECTED: (
        "Training not approved: {{ course }}",
        "Dear {{ name }},\n\nThe training you declared, {{ course }} completed on "
        "{{ completed }}, was not approved.\n{{ reason }}\n\nYou can see your declarations "
        "and declare it again with other evidence at {{ link }}\n\n{{ partnership }}",
    ),
}

# What each placeholder holds, shown beside the template form.
PLACEHOLDERS: dict[str, str] = {
    "name": "the person's full name",
    "course": "the course title",
    "date": "the first day of the session, e.g. Tuesday 3 March 2026",
    "when": "every part of the session with its times, one per line",
    "where": "the venue and its address, or Online",
    "joining": "the joining link and instructions (confirmed places only)",
    "link": "the address of the page to act on: the person's bookings (an approval request: "
    "the approvals page; an ended offer: the session, to book again; a declaration: where it "
    "is decided, or the learner's declarations)",
    "position": "the person's place in the waiting list",
    "deadline": "when an offered place must be accepted by",
    "reason": "the reason given for a refusal or cancellation",
    "alternatives": "other sessions of the course the person could book",
    "partnership": "the partnership's name",
    "questionnaire": "which evaluation questionnaire it is, e.g. at the end of the course",
    "code": "the person's response code for evaluation questionnaires (for paper returns)",
    "due": "the date a course falls due (training reminders)",
    "team": "each person in the line manager's team with their overdue and due courses",
    "overdue": "how many of the team's courses are overdue",
    "due_soon": "how many of the team's courses fall due in the next three months",
    "learner": "the person who declared training done elsewhere",
    "completed": "the day declared training was completed",
    "provider": "who ran the declared training",
}

# The sample session's day, written as the real notices write theirs.
_SAMPLE_START = datetime.datetime(2026, 3, 3, 9, 30, tzinfo=LONDON)
_SAMPLE_END = datetime.datetime(2026, 3, 3, 16, 30, tzinfo=LONDON)
_SAMPLE_DEADLINE = datetime.datetime(2026, 2, 26, 16, 30, tzinfo=LONDON)

# Filled in for a preview; every placeholder has a value.
SAMPLE: dict[str, str] = {
    "name": "Sam Taylor",
    "course": "Working Together to Safeguard Children",
    "date": govuk_day(_SAMPLE_START),
    "when": govuk_period(_SAMPLE_START, _SAMPLE_END),
    "where": "Training room 1, 5 Pancras Square, London, N1C 4AG",
    "joining": "Please arrive 15 minutes early and bring photo ID.",
    "link": "https://training.example.org/p/camden/sessions/my-bookings/",
    "position": "2",
    "deadline": govuk_datetime(_SAMPLE_DEADLINE, weekday=True),
    "reason": "The session clashes with a service inspection.",
    "questionnaire": "At the end of the course",
    "code": "KX4M-7QAT",
    "due": govuk_date(datetime.date(2026, 4, 30)),
    "team": "Sam Taylor\n- Overdue: Safe working practices (due 31 January 2026)\n"
    "- Due soon: Recording and record keeping (due 30 April 2026)",
    "overdue": "1",
    "due_soon": "1",
    "learner": "Sam Taylor",
    "completed": govuk_date(datetime.date(2026, 2, 12)),
    "provider": "Royal Free London NHS Foundation Trust",
    "alternatives": "You could book one of these instead:\n"
    f"- Working Together to Safeguard Children on {govuk_day(datetime.date(2026, 3, 10))}",
}

# Plain-text email: no HTML escaping, no tags, no filters: variables only.
_ENGINE = Engine(autoescape=False, builtins=[], libraries={})
_VARIABLE = re.compile(r"{{\s*(.*?)\s*}}", re.DOTALL)


def check_template_source(source: str, *, label: str) -> None:
    """Refuse wording that is not plain text with known placeholders, naming the problem."""
    if "{%" in source or "%}" in source:
        raise ValidationError(
            f"The {label} must not contain tags like {{% if %}}: use only placeholders "
            "such as {{ name }}."
        )
    if "{#" in source:
        raise ValidationError(f"The {label} must not contain comments written {{# … #}}.")
    for found in _VARIABLE.findall(source):
        if found not in PLACEHOLDERS:
            known = ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)
            raise ValidationError(
                f"The {label} uses {{{{ {found} }}}}, which is not a placeholder. "
                f"Use one of: {known}."
            )
    try:
        _ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError(f"The {label} cannot be read: {error}.") from error
    if _VARIABLE.sub("", source).count("{{") or _VARIABLE.sub("", source).count("}}"):
        raise ValidationError(
            f"The {label} has an unmatched {{{{ or }}}}: write placeholders as {{{{ name }}}}."
        )


def render_source(subject_source: str, body_source: str, values: dict[str, Any]) -> tuple[str, str]:
    """The subject (one line, at most 200 characters) and body from template sources."""
    # A Context escapes for HTML unless told not to, whatever the engine says:
    # "O'Connor & Zoë" must reach a plain-text email as typed.
    subject = _ENGINE.from_string(subject_source).render(_plain(values)).strip()
    rendered = _ENGINE.from_string(body_source).render(_plain(values))
    # An empty placeholder on a line of its own leaves no gap of blank lines.
    body = re.sub(r"\n{3,}", "\n\n", str(rendered))
    # A subject is one line whatever a value held.
    return " ".join(subject.split())[:200], body


def _plain(values: dict[str, Any]) -> Context:
    return Context(values, autoescape=False)


def render_messages(
    *, partnership: Partnership, kind: str, contexts: Sequence[dict[str, Any]]
) -> list[tuple[str, str]]:
    """The subject and body of one message per context, from the partnership's template
    (read once) or the default.

    A partnership's template was checked when saved; should it still fail to
    render, the default wording is used, so a booking never fails for its email.
    """
    own = (
        MessageTemplate.objects.for_partnership(partnership)
        .filter(kind=kind)
        .values_list("subject", "body")
        .first()
    )
    return [
        _render_own_or_default(own, kind, {"partnership": partnership.name, **context})
        for context in contexts
    ]


def _render_own_or_default(
    own: tuple[str, str] | None, kind: str, values: dict[str, Any]
) -> tuple[str, str]:
    if own is not None:
        try:
            return render_source(own[0], own[1], values)
        except TemplateSyntaxError:
            pass
    return render_source(*DEFAULTS[kind], values)


# Messages written when sent ------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """What a source knows of one message when it is sent: the placeholders' values, the
    calendar attachment (if any) and a postscript, paragraphs added after the wording
    whatever it says (e.g. the registration questionnaire's link on a confirmation)."""

    values: dict[str, str]
    calendar: str = ""
    postscript: str = ""


# Given messages of its source, what each one says, by message id; a message left out
# cannot be written (what it was about has gone) and is not sent.
Source = Callable[[Sequence[OutboxMessage]], dict[int, Written]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Let messages queued with ``source=name`` be written by ``source`` when sent.

    Apps above notifications register theirs in ``AppConfig.ready()`` (delivery's
    bookings), so this app imports none of them.
    """
    _SOURCES[name] = source


def written_by_source(messages: Sequence[OutboxMessage]) -> dict[int, Written]:
    """What each unwritten message says, from its registered source, by message id."""
    by_source: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_source.setdefault(message.source, []).append(message)
    found: dict[int, Written] = {}
    for name, group in by_source.items():
        source = _SOURCES.get(name)
        if source is None:
            raise LookupError(f"No source named {name!r} writes messages.")
        found.update(source(group))
    return found


def wordings_for(messages: Iterable[OutboxMessage]) -> dict[tuple[int, str], tuple[str, str]]:
    """The partnerships' own wordings the messages use, by (partnership id, kind): one read."""
    pairs = {(message.partnership_id, message.kind) for message in messages}
    if not pairs:
        return {}
    # cross-partnership: the sender writes every partnership's messages; each row keyed
    # by its own partnership below.
    rows = MessageTemplate.objects.filter(
        partnership_id__in={pair[0] for pair in pairs}, kind__in={pair[1] for pair in pairs}
    ).values_list("partnership_id", "kind", "subject", "body")
    return {(row[0], row[1]): (row[2], row[3]) for row in rows}


def render_written(
    message: OutboxMessage, written: Written, own: tuple[str, str] | None
) -> tuple[str, str]:
    """The subject and body of ``message`` from what its source wrote and the wording."""
    values = {"partnership": message.partnership.name, **written.values}
    subject, body = _render_own_or_default(own, message.kind, values)
    if written.postscript:
        body = body.rstrip("\n") + "\n\n" + written.postscript.strip("\n") + "\n"
    return subject, body

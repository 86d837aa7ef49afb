"""The attendance register: on screen for the trainer (a tablet), and printable.

Coordinators open the register of any session of their partnership; trainers
only of the sessions they deliver (others are a 404, like a missing session).
The whole register is one form that works without JavaScript; with htmx,
changing a line saves that line at once and says so next to it.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from interagency.core.errors import ServiceError
from interagency.core.permissions import Action, Role
from interagency.delivery.models import AttendanceOutcome, Booking, Session, SessionPart
from interagency.delivery.selectors import certificates as certificate_reads
from interagency.delivery.selectors import registers as register_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.delivery.services.attendance import (
    AttendanceEntry,
    RegisterError,
    check_register_open,
    close_register,
    mark_all_attended,
    record_register,
    register_problems,
)
from interagency.tenancy.access import PartnershipRequest, partnership_view

# The fields of one line, by the name the service gives a problem.
FIELD_IDS = {
    "outcome": "outcome-{}",
    "parts": "parts-{}",
    "late": "late-{}",
    "late_minutes": "late_minutes-{}",
}


def _session(request: PartnershipRequest, session_id: int) -> Session:
    """The session whose register the member takes (as the API reads it), else a 404."""
    return session_for(request.access, session_id, to=SessionAct.TAKE_REGISTER)


def _read_line(
    data: QueryDict, booking: Booking, parts: list[SessionPart]
) -> tuple[AttendanceEntry | None, list[tuple[str, str]]]:
    """One line of the posted register; None when nothing was chosen for it."""
    key = booking.pk
    outcome = data.get(f"outcome-{key}", "")
    arrived_late = data.get(f"late-{key}") == "yes"
    raw_minutes = data.get(f"late_minutes-{key}", "").strip()
    if not outcome:
        return None, []
    name = booking.person.full_name
    problems: list[tuple[str, str]] = []
    by_id = {str(part.pk): part for part in parts}
    chosen = []
    for value in data.getlist(f"parts-{key}"):
        if value not in by_id:
            problems.append(("parts", f"Select only parts of this session for {name}."))
            break
        chosen.append(by_id[value])
    minutes = None
    if arrived_late and raw_minutes:
        if raw_minutes.isdigit():
            minutes = int(raw_minutes)
        else:
            problems.append(
                ("late_minutes", f"Enter the minutes {name} was late as a whole number, like 15.")
            )
    entry = AttendanceEntry(booking, outcome, chosen, arrived_late, minutes)
    return entry, problems


def _lines(
    bookings: list[Booking], data: QueryDict | None, problems: dict[int, list]
) -> list[dict[str, Any]]:
    """What each line of the form shows: posted values when re-showing errors, else saved ones."""
    lines = []
    for booking in bookings:
        saved = getattr(booking, "attendance", None)
        if data is not None:
            values = {
                "outcome": data.get(f"outcome-{booking.pk}", ""),
                "parts": set(data.getlist(f"parts-{booking.pk}")),
                "late": data.get(f"late-{booking.pk}") == "yes",
                "late_minutes": data.get(f"late_minutes-{booking.pk}", ""),
            }
        elif saved is not None:
            values = {
                "outcome": saved.outcome,
                "parts": {str(part.pk) for part in saved.parts_attended.all()},
                "late": saved.arrived_late,
                "late_minutes": saved.late_minutes or "",
            }
        else:
            values = {"outcome": "", "parts": set(), "late": False, "late_minutes": ""}
        errors = dict(problems.get(booking.pk, []))
        lines.append({"booking": booking, "values": values, "errors": errors, "saved": saved})
    return lines


def _error_links(lines: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (FIELD_IDS.get(name, "outcome-{}").format(line["booking"].pk), message)
        for line in lines
        for name, message in line["errors"].items()
    ]


@partnership_view(Action.TAKE_REGISTER)
def registers(request: PartnershipRequest) -> HttpResponse:
    """The registers the member takes: open now, coming up, recently closed."""
    found = register_reads.registers_for(
        request.access.partnership,
        request.user,
        request.access.roles,
    )
    is_coordinator = Role.COORDINATOR in request.access.roles
    return render(
        request,
        "delivery/register/registers.html",
        {**found, "is_coordinator": is_coordinator},
    )


def _read_lines(
    session: Session, data: QueryDict, bookings: list[Booking], parts: list[SessionPart]
) -> tuple[list[AttendanceEntry], dict[int, list[tuple[str, str]]]]:
    """The lines sent, as entries, and each line's problems."""
    problems: dict[int, list[tuple[str, str]]] = {}
    entries = []
    for booking in bookings:
        entry, found = _read_line(data, booking, parts)
        if found:
            problems[booking.pk] = found
        elif entry is not None:
            entries.append(entry)
    if problems:
        # Show the other lines' problems too, so one round of corrections is enough.
        problems |= register_problems(session=session, entries=entries, parts=parts)
    return entries, problems


def _save_register(
    request: PartnershipRequest,
    session: Session,
    entries: list[AttendanceEntry],
    bookings: list[Booking],
) -> HttpResponse:
    """Save the lines, and close the register when asked; raises the services' refusals."""
    if entries:
        record_register(session=session, entries=entries, recorded_by=request.user)
    if request.POST.get("action") == "close":
        close_register(session=session, closed_by=request.user)
        messages.success(request, "Register closed: training records and certificates are made.")
    else:
        messages.success(
            request, f"Register saved: {len(entries)} of {len(bookings)} have an outcome."
        )
    code = request.access.partnership.code
    return redirect("sessions:register", code=code, session_id=session.pk)


def _register_page(
    request: PartnershipRequest,
    session: Session,
    bookings: list[Booking],
    parts: list[SessionPart],
    *,
    data: QueryDict | None,
    problems: dict[int, list[tuple[str, str]]],
    form_error: str,
) -> HttpResponse:
    opens_problem = ""
    if session.status == Session.Status.SCHEDULED:
        try:
            check_register_open(session)
        except ServiceError as error:
            opens_problem = error.message
    lines = _lines(bookings, data, problems)
    recorded = sum(1 for booking in bookings if getattr(booking, "attendance", None) is not None)
    return render(
        request,
        "delivery/register/register.html",
        {
            "session": session,
            "course_title": session_reads.course_title_shown(session),
            "parts": parts,
            "multi_part": len(parts) > 1,
            "lines": lines,
            "error_links": _error_links(lines),
            "form_error": form_error,
            "opens_problem": opens_problem,
            "recorded": recorded,
            "is_coordinator": Role.COORDINATOR in request.access.roles,
            "outcomes": AttendanceOutcome.choices,
            "certificates": (
                list(certificate_reads.certificates_of_session(session))
                if session.status == Session.Status.CLOSED
                else []
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@partnership_view(Action.TAKE_REGISTER)
def register(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """Take the register: one outcome per confirmed booking; save, or save and close."""
    session = _session(request, session_id)
    bookings = list(register_reads.register_bookings(session))
    parts = list(session.parts.all())
    problems: dict[int, list[tuple[str, str]]] = {}
    form_error = ""
    data = None
    if request.method == "POST":
        if request.htmx and request.POST.get("row"):
            return _save_one_line(request, session, bookings, parts)
        if request.POST.get("action") == "mark_all":
            return _mark_all(request, session)
        data = request.POST
        entries, problems = _read_lines(session, data, bookings, parts)
        if not problems:
            try:
                return _save_register(request, session, entries, bookings)
            except RegisterError as error:
                problems = error.lines
            except ServiceError as error:
                form_error = error.message
    return _register_page(
        request, session, bookings, parts, data=data, problems=problems, form_error=form_error
    )


def _mark_all(request: PartnershipRequest, session: Session) -> HttpResponse:
    """Everyone without an outcome marked attended in one go; then the exceptions."""
    try:
        marked = mark_all_attended(session=session, recorded_by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{marked} {'person' if marked == 1 else 'people'} marked as attended. "
            "Change anyone who did not come, then close the register.",
        )
    code = request.access.partnership.code
    return redirect("sessions:register", code=code, session_id=session.pk)


def _save_one_line(
    request: PartnershipRequest, session: Session, bookings: list[Booking], parts: list[SessionPart]
) -> HttpResponse:
    """htmx: save the line named by ``row`` and answer with its status message only."""
    booking = next((b for b in bookings if str(b.pk) == request.POST.get("row")), None)
    if booking is None:
        raise Http404("No confirmed booking with that number on this register.")
    entry, problems = _read_line(request.POST, booking, parts)
    message, saved = "", False
    if entry is None:
        message = ""
    elif problems:
        message = problems[0][1]
    else:
        try:
            record_register(session=session, entries=[entry], recorded_by=request.user)
            saved = True
        except RegisterError as error:
            message = error.lines[booking.pk][0][1]
        except ServiceError as error:
            message = error.message
    return render(
        request,
        "delivery/register/register.html#line-status",
        {"booking": booking, "status_message": message, "status_saved": saved},
    )


@partnership_view(Action.TAKE_REGISTER)
def register_print(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """The register as a clean table to print, with a column for signatures."""
    session = _session(request, session_id)
    return render(
        request,
        "delivery/register/register_print.html",
        {
            "session": session,
            "course_title": session_reads.course_title_shown(session),
            "parts": list(session.parts.all()),
            "bookings": list(register_reads.register_bookings(session)),
            "printed_at": timezone.now(),
        },
    )

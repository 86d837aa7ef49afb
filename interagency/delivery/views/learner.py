"""The learner's side of sessions: find a session, book, manage one's bookings, approve.

Every page needs ``Action.VIEW_SESSIONS`` (or the stronger action it names) in
the partnership of the address. One session or booking is read for what the
member means to do with it through ``delivery.selectors.access`` (as the API
reads it): sessions are the partnership's own, plus sessions other
partnerships of the region opened to it; bookings are those of the people the
member may see, so anyone else's booking is a 404, and one they see but may not
act on a 403. Lists are read through the selector of what they list (``sessions``,
``bookings``, ``venues``, ``certificates``). Every write goes through
``delivery.services.bookings``; a refusal (``ServiceError``) is shown in an
error summary and changes nothing.
"""

import calendar
import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from interagency.core.dates import govuk_month
from interagency.core.errors import ServiceError, show_on_form
from interagency.core.permissions import Action
from interagency.delivery.certificate_holds import with_holds
from interagency.delivery.forms_booking import (
    BookPeopleForm,
    CancelForm,
    RefuseForm,
    SessionFilterForm,
    parse_month,
)
from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import certificates as certificate_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.delivery.selectors import venues as venue_reads
from interagency.delivery.selectors.access import (
    BookingAct,
    SessionAct,
    booking_for,
    session_for,
)
from interagency.delivery.services import bookings as booking_services
from interagency.tenancy.access import PartnershipRequest, partnership_view

SESSIONS_PER_PAGE = 25
REGIONAL_PER_PAGE = 10
PEOPLE_PER_PAGE = 25
BOOKINGS_PER_PAGE = 50


def _actions(request: PartnershipRequest) -> frozenset[Action]:
    return request.access.actions


def _manage_link(request: PartnershipRequest, session: Session) -> str | None:
    """The coordinator's page of the session, for those who manage this partnership's sessions."""
    partnership = request.access.partnership
    if Action.MANAGE_SESSIONS not in _actions(request) or session.partnership_id != partnership.pk:
        return None
    return reverse("sessions:manage", kwargs={"code": partnership.code, "session_id": session.pk})


# The sessions list and calendar --------------------------------------------------------


@partnership_view(Action.VIEW_SESSIONS)
def session_list(request: PartnershipRequest) -> HttpResponse:
    """Upcoming sessions as a filtered list (paginated) or a month's calendar.

    The filters are a GET form, so the page works without JavaScript; with
    htmx the form swaps in only the results.
    """
    partnership = request.access.partnership
    form = SessionFilterForm(
        request.GET,
        courses=session_reads.courses_with_upcoming_sessions(partnership),
        tiers=session_reads.session_tiers(partnership),
        venues=venue_reads.venues_of(partnership),
    )
    filters = form.filters()
    now = timezone.now()
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "now": now,
        "may_approve": Action.APPROVE_BOOKINGS in _actions(request),
    }
    if request.GET.get("view") == "calendar":
        # The month is the date range: the list's From and To do not apply.
        filters = dataclasses.replace(filters, date_from=None, date_to=None)
        context["filters"] = filters
        context.update(_calendar_context(request, partnership, filters))
        context["view"] = "calendar"
    else:
        page = Paginator(
            session_reads.upcoming_sessions(partnership, filters, now=now), SESSIONS_PER_PAGE
        )
        page_obj = page.get_page(request.GET.get("page"))
        regional = Paginator(
            session_reads.regional_sessions(partnership, filters, now=now), REGIONAL_PER_PAGE
        ).get_page(request.GET.get("regional_page"))
        ids = [session.pk for session in [*page_obj.object_list, *regional.object_list]]
        mine = booking_reads.live_bookings_of_user_on(partnership, request.user, ids)
        context.update(
            {
                "view": "list",
                "page": page_obj,
                "rows": _rows(page_obj.object_list, now, mine),
                "regional": regional,
                "regional_rows": _rows(regional.object_list, now, mine),
            }
        )
    if request.htmx and form.errors:
        # The error summary sits outside the results: load the whole page to show it.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.get_full_path()
        return response
    template = "delivery/learner/session_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _rows(
    sessions: Any, now: datetime.datetime, mine: dict[int, Booking]
) -> list[tuple[Session, session_reads.BookingWindow, Booking | None]]:
    """Each session with whether it takes bookings now and the viewer's own live booking."""
    return [
        (session, session_reads.booking_window(session, now=now), mine.get(session.pk))
        for session in sessions
    ]


def _calendar_context(
    request: PartnershipRequest, partnership: Any, filters: Any
) -> dict[str, Any]:
    """A month as weeks of days (Monday first), each day with its sessions (the region's
    open ones too, marked as another partnership's)."""
    today = timezone.localdate()
    first, month_error = parse_month(request.GET.get("month"), today=today)
    sessions = session_reads.sessions_in_month(partnership, first.year, first.month, filters)
    # Each part on its own day (a modular course shows on every day it meets).
    by_day: dict[datetime.date, list[tuple[Session, int | None]]] = defaultdict(list)
    for session in sessions:
        parts = list(session.parts.all())
        for number, part in enumerate(parts, start=1):
            by_day[timezone.localdate(part.starts_at)].append(
                (session, number if len(parts) > 1 else None)
            )
    weeks = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "sessions": by_day.get(day, []) if day.month == first.month else [],
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return {
        "month": first,
        "month_param": f"{first:%Y-%m}",
        "month_error": month_error,
        "weeks": weeks,
        "month_count": len(sessions),
        "regional_count": sum(session.partnership_id != partnership.pk for session in sessions),
        "previous_month": f"{previous:%Y-%m}",
        "previous_label": govuk_month(previous),
        "next_month": f"{following:%Y-%m}",
        "next_label": govuk_month(following),
        "day_names": list(calendar.day_name),
    }


# One session -------------------------------------------------------------------------


def _session_context(request: PartnershipRequest, session: Session) -> dict[str, Any]:
    partnership = request.access.partnership
    now = timezone.now()
    window = session_reads.booking_window(session, now=now)
    own_people = list(booking_reads.people_of_user(partnership, request.user)[:1])
    booking = booking_reads.viewer_booking(partnership, request.user, session)
    has_live_booking = booking is not None and booking.is_live
    may_book_others = Action.BOOK_FOR_OTHERS in _actions(request)
    return {
        "session": session,
        "parts": list(session.parts.all()),
        "trainers": list(session.trainers.all()),
        "window": window,
        "is_regional": session.partnership_id != partnership.pk,
        "booking": booking,
        "show_joining_details": booking is not None and booking.status == BookingStatus.CONFIRMED,
        "may_book_self": bool(own_people) and window.is_open and not has_live_booking,
        "has_person_record": bool(own_people),
        "may_book_others": may_book_others and window.is_open,
        # Full for this viewer: a person of another partnership counts the regional places.
        "is_full": (
            session.regional_left == 0  # type: ignore[attr-defined]
            if session.partnership_id != partnership.pk
            else session.places_left == 0
        ),
        "manage_link": _manage_link(request, session),
    }


@partnership_view(Action.VIEW_SESSIONS)
def session_detail(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """A session as learners see it: course, parts, venue, places and the booking buttons."""
    session = session_for(request.access, session_id, to=SessionAct.VIEW)
    return render(
        request, "delivery/learner/session_detail.html", _session_context(request, session)
    )


def _booked_message(booking: Booking, *, own: bool) -> str:
    who = "You are" if own else f"{booking.person.full_name} is"
    if booking.status == BookingStatus.CONFIRMED:
        return f"{who} booked on this session. A confirmation email is on its way."
    if booking.status == BookingStatus.WAITING:
        return f"{who} on the waiting list. We will email if a place comes up."
    if booking.status == BookingStatus.AWAITING_APPROVAL:
        return f"{'Your' if own else 'The'} booking is waiting for a manager's approval."
    return f"Booking made: {booking.get_status_display().lower()}."


@require_POST
@partnership_view(Action.VIEW_SESSIONS)
def book(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """Book the signed-in learner (their own person record) on a session."""
    partnership = request.access.partnership
    session = session_for(request.access, session_id, to=SessionAct.BOOK)
    person = booking_reads.people_of_user(partnership, request.user).first()
    try:
        if person is None:
            raise ServiceError(
                "You cannot book yourself because this partnership has no staff record "
                "linked to your account. Ask your training coordinator to add you."
            )
        booking = booking_services.book_place(
            session=session, person=person, booked_by=request.user
        )
    except ServiceError as error:
        shown = session_for(request.access, session_id, to=SessionAct.VIEW)
        context = _session_context(request, shown)
        context["booking_error"] = error.message
        return render(request, "delivery/learner/session_detail.html", context)
    messages.success(request, _booked_message(booking, own=True))
    return redirect("sessions:detail", code=partnership.code, session_id=session.pk)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.BOOK_FOR_OTHERS)
def book_people(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """Book people of the member's team (their agencies, for a lead) on a session, in bulk.

    The people are found by a search and paginated, so a lead of a large agency
    never gets a list of thousands; the ticked ones are checked against those
    the member may book, and each gets an outcome or the reason it failed.
    """
    partnership = request.access.partnership
    roles = request.access.roles
    session = session_for(request.access, session_id, to=SessionAct.VIEW)
    bookable = booking_reads.bookable_people_for(request.user, partnership, roles)
    form = BookPeopleForm(request.POST if request.method == "POST" else None, bookable=bookable)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = booking_services.book_people(
                session=session, people=list(form.cleaned_data["people"]), booked_by=request.user
            )
        except ServiceError as error:
            show_on_form(form, error)
    search = request.GET.get("q", "").strip()[:100]
    found = booking_reads.search_people(bookable, search).values_list("pk", flat=True)
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    people = booking_reads.people_in_order(bookable, list(page.object_list))
    booked = booking_reads.live_bookings_by_person(session, [person.pk for person in people])
    return render(
        request,
        "delivery/learner/book_people.html",
        {
            "session": session,
            "window": session_reads.booking_window(session),
            "form": form,
            "search": search,
            "page": page,
            "people": [(person, booked.get(person.pk)) for person in people],
            "results": results,
            "selected": {str(value) for value in form["people"].value() or []},
        },
    )


# My bookings ----------------------------------------------------------------------------


@partnership_view(Action.VIEW_SESSIONS)
def my_bookings(request: PartnershipRequest) -> HttpResponse:
    """The learner's bookings (upcoming and past), offers to answer, and certificates."""
    partnership = request.access.partnership
    now = timezone.now()
    upcoming, past = booking_reads.split_bookings(
        booking_reads.bookings_of_user(partnership, request.user), now=now
    )
    return render(
        request,
        "delivery/learner/my_bookings.html",
        {
            "upcoming": upcoming,
            "past": past[:BOOKINGS_PER_PAGE],
            "past_count": len(past),
            "has_person_record": booking_reads.people_of_user(partnership, request.user).exists(),
            "certificates": with_holds(
                list(certificate_reads.certificates_of_user(request.user, partnership))
            ),
            "now": now,
        },
    )


def _is_own(request: PartnershipRequest, booking: Booking) -> bool:
    return booking.person.user_id == request.user.pk


def _back_to(request: PartnershipRequest, booking: Booking) -> HttpResponse:
    """After a change: the learner's own bookings, or the session for someone else's."""
    partnership = request.access.partnership
    if _is_own(request, booking):
        return redirect("sessions:my-bookings", code=partnership.code)
    return redirect("sessions:detail", code=partnership.code, session_id=booking.session_id)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.VIEW_SESSIONS)
def cancel(request: PartnershipRequest, booking_id: int) -> HttpResponse:
    """Confirm, then cancel a booking (one's own, or a team member's for a manager)."""
    booking = booking_for(request.access, booking_id, to=BookingAct.CANCEL)
    form = CancelForm(request.POST if request.method == "POST" else None)
    error = None
    if not booking.is_live:
        error = f"This booking cannot be cancelled: it is {booking.get_status_display().lower()}."
    elif request.method == "POST" and form.is_valid():
        try:
            booking_services.cancel_booking(
                booking=booking, cancelled_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as refusal:
            error = refusal.message
        else:
            messages.success(request, f"Booking on {booking.course_title} cancelled.")
            return _back_to(request, booking)
    return render(
        request,
        "delivery/learner/cancel.html",
        {
            "booking": booking,
            "form": form,
            "booking_error": error,
            "is_late": session_reads.is_late_cancellation(booking.session),
            "is_own": _is_own(request, booking),
        },
    )


def _answer_offer(request: PartnershipRequest, booking_id: int, *, accept: bool) -> HttpResponse:
    """Accept or decline an offered place: the learner's own, or for someone they may book
    for (decision 0018); then back to where they came from, as after cancelling."""
    booking = booking_for(request.access, booking_id, to=BookingAct.ANSWER_OFFER)
    try:
        if accept:
            booking_services.accept_offer(booking=booking, accepted_by=request.user)
        else:
            booking_services.decline_offer(booking=booking, declined_by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        for_whom = "" if _is_own(request, booking) else f" for {booking.person.full_name}"
        answer = "accepted" if accept else "declined"
        messages.success(request, f"You {answer} the place on {booking.course_title}{for_whom}.")
    return _back_to(request, booking)


@require_POST
@partnership_view(Action.VIEW_SESSIONS)
def accept_offer(request: PartnershipRequest, booking_id: int) -> HttpResponse:
    """Accept a place offered from the waiting list, for oneself or someone one may book."""
    return _answer_offer(request, booking_id, accept=True)


@require_POST
@partnership_view(Action.VIEW_SESSIONS)
def decline_offer(request: PartnershipRequest, booking_id: int) -> HttpResponse:
    """Decline a place offered from the waiting list; it goes to the next person."""
    return _answer_offer(request, booking_id, accept=False)


# Approvals ------------------------------------------------------------------------------


@partnership_view(Action.APPROVE_BOOKINGS)
def approvals(request: PartnershipRequest) -> HttpResponse:
    """Bookings awaiting approval of the people the member manages, oldest first."""
    partnership = request.access.partnership
    roles = request.access.roles
    waiting = booking_reads.awaiting_approval(partnership, request.user, roles)
    page = Paginator(waiting, BOOKINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "delivery/learner/approvals.html", {"page": page})


@require_POST
@partnership_view(Action.APPROVE_BOOKINGS)
def approve(request: PartnershipRequest, booking_id: int) -> HttpResponse:
    """Approve a team member's booking: it is confirmed, or joins the waiting list if full."""
    partnership = request.access.partnership
    booking = booking_for(request.access, booking_id, to=BookingAct.DECIDE)
    try:
        approved = booking_services.approve_booking(booking=booking, approved_by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Booking of {approved.person.full_name} approved"
            f" ({approved.get_status_display().lower()}).",
        )
    return redirect("sessions:approvals", code=partnership.code)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.APPROVE_BOOKINGS)
def refuse(request: PartnershipRequest, booking_id: int) -> HttpResponse:
    """Refuse a team member's booking, with the reason they are told."""
    partnership = request.access.partnership
    booking = booking_for(request.access, booking_id, to=BookingAct.DECIDE)
    form = RefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_services.refuse_booking(
                booking=booking, refused_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Booking of {booking.person.full_name} not approved.")
            return redirect("sessions:approvals", code=partnership.code)
    return render(
        request,
        "delivery/learner/refuse.html",
        {"booking": booking, "form": form},
    )

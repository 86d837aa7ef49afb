"""The coordinator's side of sessions: the sessions table, a session's page, its form, venues.

The Sessions landing page needs ``Action.VIEW_SESSIONS`` and shows the
coordinator's table only to those who may ``MANAGE_SESSIONS``; everything else
here needs ``MANAGE_SESSIONS``. Sessions and venues are found through
``delivery.selectors.sessions`` and ``venues`` scoped to the partnership of the address, so
another partnership's session or venue is a 404. Writes go through
``delivery.services.sessions``; a refusal (``ServiceError``) is shown in the
GOV.UK error summary and changes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from interagency.catalogue import selectors as catalogue
from interagency.core.errors import ServiceError, found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.delivery.forms import SessionForms
from interagency.delivery.forms_manage import (
    CancelSessionForm,
    DeliverySettingsForm,
    SessionFilterForm,
    VenueForm,
)
from interagency.delivery.models import BookingStatus, Session
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import mix as mix_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.delivery.selectors import settings as settings_reads
from interagency.delivery.selectors import trainers as trainer_reads
from interagency.delivery.selectors import venues as venue_reads
from interagency.delivery.selectors import waiting_list as waiting_reads
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.delivery.services import arrangements
from interagency.delivery.services import sessions as services
from interagency.tenancy.access import PartnershipRequest, partnership_view

SESSIONS_PER_PAGE = 25
manage_view = partnership_view(Action.MANAGE_SESSIONS)


def _url_or_none(name: str, **kwargs) -> str | None:
    """The address of a page another part of the app provides, once it exists."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _code(request: PartnershipRequest) -> str:
    return request.access.partnership.code


# The Sessions area --------------------------------------------------------------------------


@partnership_view(Action.VIEW_SESSIONS)
def index(request: PartnershipRequest) -> HttpResponse:
    """The Sessions area: the coordinator's table of sessions, or the learner's ways in."""
    partnership = request.access.partnership
    code = partnership.code
    actions = request.access.actions
    links = {
        "list": _url_or_none("sessions:list", code=code),
        "my_bookings": _url_or_none("sessions:my-bookings", code=code),
        "approvals": (
            _url_or_none("sessions:approvals", code=code)
            if Action.APPROVE_BOOKINGS in actions
            else None
        ),
        "charges": (
            _url_or_none("sessions:charges", code=code)
            if Action.MANAGE_CHARGES in actions
            else None
        ),
    }
    if Action.MANAGE_SESSIONS not in actions:
        return render(request, "delivery/manage/index.html", {"links": links, "manages": False})
    courses = list(catalogue.catalogue_courses(partnership, include_hidden=True))
    tiers = list(catalogue.tiers_of(partnership))
    filter_form = SessionFilterForm(request.GET or None, courses=courses, tiers=tiers)
    filters = filter_form.filters() if request.GET else {}
    sessions = session_reads.session_list(partnership, **filters)
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    warnings = mix_reads.list_warnings(partnership, list(page.object_list))
    rows = [(session, warnings.get(session.pk, [])) for session in page.object_list]
    return render(
        request,
        "delivery/manage/index.html",
        {
            "links": links,
            "manages": True,
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "filtered": any(value for value in filters.values()),
        },
    )


# Creating and changing a session ------------------------------------------------------------


def _session_forms(request: PartnershipRequest, session: Session | None = None) -> SessionForms:
    partnership = request.access.partnership
    courses = catalogue.catalogue_courses(partnership)
    if session is not None:
        # A session keeps its course even if the course was hidden since.
        courses = catalogue.catalogue_courses(partnership, include_hidden=True)
    data = request.POST if request.method == "POST" else None
    chosen: list[int | str]
    if data is not None:
        chosen, search = list(data.getlist("trainers")), data.get("trainer_search", "")[:100]
    else:
        chosen = [t.user_id for t in session.trainers.all() if t.user_id] if session else []
        search = ""
    trainers = trainer_reads.trainer_choices(partnership, search=search, chosen=chosen)
    return SessionForms(
        data,
        courses=courses,
        venues=venue_reads.venues_of(partnership),
        trainers=trainers.users,
        more_trainers=trainers.more,
        session=session,
        default_charge=settings_reads.delivery_settings_of(partnership).default_no_show_charge,
    )


def _render_session_form(
    request: PartnershipRequest, forms: SessionForms, session: Session | None
) -> HttpResponse:
    errors = forms.errors()
    return render(
        request,
        "delivery/manage/session_form.html",
        {
            "forms": forms,
            "form": forms.form,
            "errors": errors,
            "session": session,
            "focus": forms.adding,
        },
        status=200,
    )


@manage_view
def session_new(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    forms = _session_forms(request)
    if request.method == "POST" and forms.is_valid():
        try:
            session = services.create_session(
                partnership=partnership, created_by=request.user, **forms.service_arguments()
            )
        except ServiceError as error:
            forms.show_error(error)
        else:
            messages.success(request, f"Session of {session.course} added.")
            return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    return _render_session_form(request, forms, None)


@manage_view
def session_edit(request: PartnershipRequest, session_id: int) -> HttpResponse:
    partnership = request.access.partnership
    session = session_reads.with_arrangements(
        session_for(request.access, session_id, to=SessionAct.MANAGE)
    )
    if session.status != Session.Status.SCHEDULED:
        messages.error(request, f"This session is {session.get_status_display().lower()}.")
        return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    forms = _session_forms(request, session)
    if request.method == "POST" and forms.is_valid():
        try:
            services.update_session(
                session=session, changed_by=request.user, **forms.service_arguments()
            )
        except ServiceError as error:
            forms.show_error(error)
        else:
            messages.success(request, "Session changes saved.")
            return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    return _render_session_form(request, forms, session)


# The coordinator's session page ---------------------------------------------------------------


@manage_view
def session_page(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """Summary, bookings, waiting list, the multi-agency mix and warnings of one session."""
    partnership = request.access.partnership
    session = session_reads.with_arrangements(
        session_for(request.access, session_id, to=SessionAct.MANAGE)
    )
    bookings = booking_reads.session_bookings(session)
    mix = mix_reads.session_mix(bookings)
    waiting = waiting_reads.waiting_in_order(bookings)
    listed = [b for b in bookings if b.status != BookingStatus.WAITING]
    return render(
        request,
        "delivery/manage/session.html",
        {
            "session": session,
            "parts": list(session.parts.all()),
            "trainers": list(session.trainers.all()),
            "holds": list(session.sector_holds.all()),
            "bookings": listed,
            "waiting": list(enumerate(waiting, start=1)),
            "mix": mix,
            "warnings": mix_reads.session_warnings(session, mix),
            "register_url": _url_or_none(
                "sessions:register", code=partnership.code, session_id=session.pk
            ),
            "learner_url": _url_or_none(
                "sessions:detail", code=partnership.code, session_id=session.pk
            ),
            "book_url": _url_or_none(
                "sessions:book-people", code=partnership.code, session_id=session.pk
            ),
            "charges_url": _session_charges_url(request, session),
            "is_scheduled": session.status == Session.Status.SCHEDULED,
            "has_started": bool(session.starts_at and session.starts_at <= timezone.now()),
        },
    )


def _session_charges_url(request: PartnershipRequest, session: Session) -> str | None:
    """The no-show charges of the session's day, once its register is closed and for those
    who may see charges."""
    actions = request.access.actions
    if session.status != Session.Status.CLOSED or Action.MANAGE_CHARGES not in actions:
        return None
    url = _url_or_none("sessions:charges", code=_code(request))
    if url is None or session.starts_at is None:
        return url
    day = timezone.localtime(session.starts_at).date().isoformat()
    return f"{url}?session_from={day}&session_to={day}"


@manage_view
def session_cancel(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """Confirm the cancellation, with a reason and other dates of the course to offer."""
    partnership = request.access.partnership
    session = session_reads.with_arrangements(
        session_for(request.access, session_id, to=SessionAct.MANAGE)
    )
    if session.status != Session.Status.SCHEDULED:
        messages.error(request, f"This session is {session.get_status_display().lower()}.")
        return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    if session.starts_at and session.starts_at <= timezone.now():
        messages.error(request, "This session has started: close its register instead.")
        return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    alternatives = list(session_reads.alternative_sessions(session))
    form = CancelSessionForm(
        request.POST if request.method == "POST" else None, alternatives=alternatives
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session=session,
                cancelled_by=request.user,
                reason=form.cleaned_data["reason"],
                alternatives=form.chosen(),
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Session cancelled. Everyone booked is being told by email.")
            return redirect("sessions:manage", code=partnership.code, session_id=session.pk)
    booked = booking_reads.live_booking_count(session)
    return render(
        request,
        "delivery/manage/cancel.html",
        {"session": session, "form": form, "booked": booked, "alternatives": alternatives},
    )


# Venues ----------------------------------------------------------------------------------------


@manage_view
def venues(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    return render(
        request, "delivery/manage/venues.html", {"venues": venue_reads.venues_of(partnership)}
    )


def _save_venue(form: VenueForm, write: Callable[[], Any]) -> bool:
    if not form.is_valid():
        return False
    try:
        write()
    except ServiceError as error:
        show_on_form(form, error)
        return False
    return True


@manage_view
def venue_new(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    form = VenueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _save_venue(
        form,
        lambda: arrangements.create_venue(
            partnership=partnership, created_by=request.user, **form.cleaned_data
        ),
    ):
        messages.success(request, f"{form.cleaned_data['name']} added.")
        return redirect("sessions:venues", code=partnership.code)
    return render(request, "delivery/manage/venue_form.html", {"form": form, "venue": None})


@manage_view
def venue_edit(request: PartnershipRequest, venue_id: int) -> HttpResponse:
    partnership = request.access.partnership
    venue = found_or_404(lambda: venue_reads.venue_in(partnership, venue_id))
    form = VenueForm(
        request.POST if request.method == "POST" else None, initial=VenueForm.initial_for(venue)
    )
    if request.method == "POST" and _save_venue(
        form,
        lambda: arrangements.update_venue(
            venue=venue, changed_by=request.user, **form.cleaned_data
        ),
    ):
        messages.success(request, f"{venue.name} saved.")
        return redirect("sessions:venues", code=partnership.code)
    return render(request, "delivery/manage/venue_form.html", {"form": form, "venue": venue})


# Delivery settings ---------------------------------------------------------------------------


@manage_view
def delivery_settings(request: PartnershipRequest) -> HttpResponse:
    """How the partnership runs bookings: approval, the waiting list, reminders, charges."""
    partnership = request.access.partnership
    current = settings_reads.delivery_settings_of(partnership)
    form = DeliverySettingsForm(
        request.POST if request.method == "POST" else None,
        initial=DeliverySettingsForm.initial_for(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            arrangements.update_delivery_settings(
                partnership=partnership, changed_by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Booking settings saved.")
            return redirect("sessions:settings", code=partnership.code)
    return render(request, "delivery/manage/settings.html", {"form": form})

"""Headcounts and the mapping survey (section 5.1 of the London framework).

The coordinator maps every organisation that works with children down to its
services, counting staff and volunteers at each training level. Agencies that
will not give named lists give headcounts; the mapping survey asks each
agency's contact for theirs through a private link, and the coordinator
accepts the reply into services and headcounts.

Coordinator pages need ``Action.MANAGE_AGENCIES``; another partnership's
agency, headcount or survey is a 404 like a missing one. The reply form at
``/survey/<token>/`` has no sign-in: the token is the credential.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from interagency.catalogue.selectors import roles_of, tiers_of
from interagency.core.choice_search import form_data, matches_response
from interagency.core.errors import found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.forms import AgencySearchForm
from interagency.people.headcount_selectors import NOT_SENT
from interagency.people.models import SurveyRequest
from interagency.people.services.headcounts import save_headcount
from interagency.people.services.survey import (
    accept_survey,
    chase_survey,
    reply_to_survey,
    send_survey,
)
from interagency.people.survey import HeadcountForm, SurveyReplyForm
from interagency.tenancy.access import PartnershipRequest, partnership_view

manage_view = partnership_view(Action.MANAGE_AGENCIES)


@manage_view
def headcounts(request: PartnershipRequest) -> HttpResponse:
    """The newest figure per agency, service and role or tier, with its date and source."""
    partnership = request.access.partnership
    by_agency: dict[Any, list] = {}
    for headcount in selectors.latest_headcounts(partnership):
        by_agency.setdefault(headcount.agency, []).append(headcount)
    return render(request, "people/survey/headcounts.html", {"by_agency": by_agency})


def _headcount_form(request: PartnershipRequest, headcount=None) -> HeadcountForm:
    partnership = request.access.partnership
    initial = HeadcountForm.initial_for(headcount) if headcount else {}
    data, finding = form_data(request, HeadcountForm)
    return HeadcountForm(
        data,
        finding=finding,
        initial=initial,
        agencies=selectors.agency_choices(partnership),
        services=selectors.services_of(partnership),
        roles=roles_of(partnership),
        tiers=tiers_of(partnership),
    )


def _save_headcount(request: PartnershipRequest, headcount=None) -> HttpResponse:
    form = _headcount_form(request, headcount)
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            save_headcount(
                partnership=request.access.partnership,
                headcount=headcount,
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Headcount saved")
            return redirect("people:headcounts", code=request.access.partnership.code)
    return render(
        request, "people/survey/headcount_form.html", {"form": form, "headcount": headcount}
    )


@manage_view
def headcount_new(request: PartnershipRequest) -> HttpResponse:
    return _save_headcount(request)


@manage_view
def headcount_edit(request: PartnershipRequest, headcount_id: int) -> HttpResponse:
    headcount = found_or_404(
        lambda: selectors.headcount_in(request.access.partnership, headcount_id)
    )
    return _save_headcount(request, headcount)


# The survey, coordinator's side -----------------------------------------------------


def _link_for(request: PartnershipRequest) -> Callable[[str], str]:
    """Absolute survey links on this site's address (https behind the proxy)."""
    return lambda token: request.build_absolute_uri(
        reverse("people:survey-respond", kwargs={"token": token})
    )


SURVEY_STATUSES = [
    (NOT_SENT, "Not sent"),
    (SurveyRequest.Status.SENT, "Sent"),
    (SurveyRequest.Status.REPLIED, "Replied"),
    (SurveyRequest.Status.ACCEPTED, "Accepted"),
]
AGENCIES_PER_PAGE = 50


@manage_view
def survey(request: PartnershipRequest) -> HttpResponse:
    """How many agencies are at each step of the survey, then the agencies (50 a page, by
    status and name) with their latest survey, when it was sent and chased."""
    partnership = request.access.partnership
    form = AgencySearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    status = request.GET.get("status", "")
    status = status if status in dict(SURVEY_STATUSES) else ""
    agencies = selectors.agencies_named(
        selectors.survey_agencies(partnership, status=status), search
    )
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.survey_statuses(partnership)
    context = {
        "form": form,
        "status": status,
        "statuses": [(key, label, counts.get(key, 0)) for key, label in SURVEY_STATUSES],
        "total": sum(counts.values()),
        "page": page,
        "rows": [(agency, latest_survey(agency)) for agency in page],
    }
    return render(request, "people/survey/index.html", context)


def latest_survey(agency: Any) -> SurveyRequest | None:
    """The agency's newest survey request (``surveys`` is prefetched newest first)."""
    return agency.surveys[0] if agency.surveys else None


def _done_or_refused(
    request: PartnershipRequest, write: Callable[[], Any], done: str
) -> HttpResponse:
    try:
        write()
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("people:survey", code=request.access.partnership.code)


@manage_view
@require_POST
def survey_send(request: PartnershipRequest, agency_id: int) -> HttpResponse:
    agency = found_or_404(lambda: selectors.agency_in(request.access.partnership, agency_id))
    return _done_or_refused(
        request,
        lambda: send_survey(agency=agency, sent_by=request.user, link_for=_link_for(request)),
        f"Survey sent to {agency.contact_email}",
    )


@manage_view
@require_POST
def survey_chase(request: PartnershipRequest, survey_id: int) -> HttpResponse:
    request_ = found_or_404(lambda: selectors.survey_in(request.access.partnership, survey_id))
    return _done_or_refused(
        request,
        lambda: chase_survey(survey=request_, chased_by=request.user, link_for=_link_for(request)),
        f"Reminder sent to {request_.agency.contact_email or request_.sent_to}",
    )


@manage_view
def survey_reply(request: PartnershipRequest, survey_id: int) -> HttpResponse:
    """The agency's return as a table of services by training level, to check and accept."""
    partnership = request.access.partnership
    survey_request = found_or_404(lambda: selectors.survey_in(partnership, survey_id))
    tiers = list(tiers_of(partnership))
    form = SurveyReplyForm(
        tiers=tiers,
        reply=survey_request.reply,
        respondent_name=survey_request.respondent_name,
    )
    table = [
        (row.name.value(), [field.value() for _, field in row.counts])
        for row in form.reply_rows()
        if row.name.value()
    ]
    return render(
        request,
        "people/survey/reply.html",
        {"survey": survey_request, "columns": form.columns, "table": table},
    )


@manage_view
@require_POST
def survey_accept(request: PartnershipRequest, survey_id: int) -> HttpResponse:
    survey_request = found_or_404(
        lambda: selectors.survey_in(request.access.partnership, survey_id)
    )
    return _done_or_refused(
        request,
        lambda: accept_survey(survey=survey_request, accepted_by=request.user),
        f"{survey_request.agency.name}'s reply accepted into services and headcounts",
    )


# The survey, agency's side: no sign-in, the token is the credential ------------------


@never_cache
def survey_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The agency lead's return: their name and staff numbers per service and level."""
    survey_request = selectors.survey_for_token(token)
    if survey_request is None:
        raise Http404("This survey link is not valid. It may have been replaced by a newer one.")
    context: dict[str, Any] = {"survey": survey_request, "agency": survey_request.agency}
    if survey_request.status == SurveyRequest.Status.ACCEPTED:
        return render(request, "people/survey/closed.html", context)
    tiers = list(tiers_of(survey_request.partnership))
    if request.method == "POST" and "add_rows" in request.POST:
        form = SurveyReplyForm(tiers=tiers, carried=request.POST)
    elif request.method == "POST":
        form = SurveyReplyForm(request.POST, tiers=tiers)
        if form.is_valid():
            try:
                reply_to_survey(
                    survey=survey_request,
                    respondent_name=form.cleaned_data["respondent_name"],
                    reply=form.cleaned_reply,
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                return render(request, "people/survey/thanks.html", context)
    else:
        form = SurveyReplyForm(
            tiers=tiers,
            reply=survey_request.reply,
            respondent_name=survey_request.respondent_name,
        )
    context.update({"form": form, "rows": form.reply_rows(), "tiers": form.columns})
    return render(request, "people/survey/respond.html", context)

"""A person's further posts: add one, change one, end one (a leaving date).

The same rule as changing the person: ``Action.EDIT_PEOPLE`` and
:func:`visibility.can_edit_person` (coordinators; leads of the person's
agency). A person the member may not change, or a post of anyone else, is a
404. Agency leads give posts only in the agencies they lead. Every change
goes through ``services.posts``, which audits it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interagency.catalogue.selectors import roles_of
from interagency.core.choice_search import form_data, matches_response
from interagency.core.errors import found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import (
    PersonAct,
    agencies_to_staff,
    people_seen_by,
    person_for,
)
from interagency.people.forms import LeavingForm, PostForm
from interagency.people.models import Person, Post
from interagency.people.services.posts import add_post, end_post, update_post
from interagency.tenancy.access import PartnershipRequest, partnership_view


def _post_form(request: PartnershipRequest, **kwargs) -> PostForm:
    """The post form; only a search (nothing checked or saved) when a Find button sent it."""
    partnership = request.access.partnership
    agencies = agencies_to_staff(request.access)
    data, finding = form_data(request, PostForm)
    return PostForm(
        data,
        agencies=agencies,
        services=selectors.services_of(partnership).filter(agency__in=agencies),
        roles=roles_of(partnership),
        managers=people_seen_by(request.access),
        finding=finding,
        **kwargs,
    )


def _post_form_page(
    request: PartnershipRequest, form: PostForm, person: Person, post: Post | None
) -> HttpResponse:
    """The post form page, or only the matches htmx asks for as the member types."""
    if matches := matches_response(request, form):
        return matches
    context = {
        "form": form,
        "person": person,
        "post": post,
        "may_staff": agencies_to_staff(request.access).exists(),
    }
    return render(request, "people/agencies/post_form.html", context)


def _post_of(request: PartnershipRequest, person: Person, post_id: int) -> Post:
    return found_or_404(lambda: selectors.post_in(request.access.partnership, person, post_id))


def _back(request: PartnershipRequest, person: Person) -> HttpResponse:
    return redirect(
        "people:person",
        code=request.access.partnership.code,
        person_id=person.pk,
    )


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def post_new(request: PartnershipRequest, person_id: int) -> HttpResponse:
    """Add a further post to a person (audited)."""
    person = person_for(request.access, person_id, to=PersonAct.EDIT)
    form = _post_form(request, initial={"agency": person.agency_id})
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            add_post(person=person, changed_by=request.user, **form.post_fields())
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Post added to {person.full_name}.")
            return _back(request, person)
    return _post_form_page(request, form, person, None)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def post_edit(request: PartnershipRequest, person_id: int, post_id: int) -> HttpResponse:
    """Change a further post (audited)."""
    person = person_for(request.access, person_id, to=PersonAct.EDIT)
    post = _post_of(request, person, post_id)
    form = _post_form(request, initial=PostForm.initial_for(post))
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            update_post(post=post, changed_by=request.user, **form.post_fields())
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name}'s post saved.")
            return _back(request, person)
    return _post_form_page(request, form, person, post)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def post_end(request: PartnershipRequest, person_id: int, post_id: int) -> HttpResponse:
    """Record the day a further post ends (on or after it started; audited)."""
    person = person_for(request.access, person_id, to=PersonAct.EDIT)
    post = _post_of(request, person, post_id)
    form = LeavingForm(request.POST or None, initial={"left_on": post.left_on})
    if request.method == "POST" and form.is_valid():
        try:
            end_post(post=post, left_on=form.cleaned_data["left_on"], changed_by=request.user)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name}'s post ended.")
            return _back(request, person)
    context = {"form": form, "person": person, "post": post}
    return render(request, "people/agencies/post_end.html", context)

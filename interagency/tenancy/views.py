"""Partnership pages: the start page, choosing one, its dashboard, its areas and its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from interagency.core.permissions import Action, Role
from interagency.tenancy import selectors, services
from interagency.tenancy.access import PartnershipRequest, partnership_view
from interagency.tenancy.forms import MemberRolesForm, TrainingEmailsForm
from interagency.tenancy.navigation import AREAS, AREAS_BY_SLUG
from interagency.tenancy.start_page import start_sections


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in members go to their partnership; others see the start page."""
    if request.user.is_authenticated:
        partnerships = list(selectors.partnerships_of(request.user)[:2])
        if len(partnerships) == 1:
            return redirect("tenancy:dashboard", code=partnerships[0].code)
        return redirect("tenancy:choose")
    return render(request, "core/start.html")


@login_required
def choose(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tenancy/choose.html", {"partnerships": selectors.partnerships_of(request.user)}
    )


@partnership_view(Action.VIEW_DASHBOARD)
def dashboard(request: PartnershipRequest) -> HttpResponse:
    """The member's start page: the work each of their roles has waiting, then the areas."""
    actions = request.access.actions
    return render(
        request,
        "tenancy/dashboard.html",
        {
            "sections": start_sections(request.access, request),
            "areas": [area for area in AREAS if area.action in actions],
            "roles": [role.label for role in Role if role.value in request.access.roles],
            "show_emails": Action.MANAGE_MEMBERS in actions,
        },
    )


@partnership_view(Action.VIEW_DASHBOARD)
def area(request: PartnershipRequest, area: str) -> HttpResponse:
    """An area's landing page; each area's own app fills it in."""
    found = AREAS_BY_SLUG.get(area)
    if found is None:
        raise Http404("No such area.")
    if not request.access.allows(found.action):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    show_members = found.slug == "people" and request.access.allows(Action.VIEW_MEMBERS)
    return render(request, "tenancy/area.html", {"area": found, "show_members": show_members})


MEMBERS_PER_PAGE = 50


@partnership_view(Action.VIEW_MEMBERS)
def members(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    search = request.GET.get("q", "").strip()[:100]
    users = selectors.member_users(partnership, search=search)
    paginator = Paginator(users, MEMBERS_PER_PAGE)
    # The cheaper count of the same users (Paginator.count is a cached property).
    paginator.count = selectors.member_count(partnership, search=search)
    page = paginator.get_page(request.GET.get("page"))
    # An htmx search swaps in just the results; everything else gets the page.
    template = "tenancy/members.html#results" if request.htmx else "tenancy/members.html"
    return render(
        request,
        template,
        {
            "page": page,
            "members": selectors.roles_by_user(partnership, page.object_list),
            "search": search,
        },
    )


@partnership_view(Action.MANAGE_MEMBERS)
def member_roles(request: PartnershipRequest, user_id: int) -> HttpResponse:
    partnership = request.access.partnership
    member = selectors.member_in(partnership, user_id)
    if member is None:
        raise Http404("No such member in this partnership.")
    user, roles = member
    form = MemberRolesForm(request.POST or None, initial={"roles": sorted(roles)})
    if request.method == "POST" and form.is_valid():
        services.set_member_roles(
            partnership=partnership,
            user=user,
            roles=form.cleaned_data["roles"],
            changed_by=request.user,
        )
        messages.success(request, f"Roles updated for {user.full_name or user.email}.")
        return redirect("tenancy:members", code=partnership.code)
    return render(request, "tenancy/member_roles.html", {"member": user, "form": form})


@partnership_view(Action.MANAGE_MEMBERS)
def training_emails(request: PartnershipRequest) -> HttpResponse:
    """The coordinator switches the partnership's training emails on or off."""
    partnership = request.access.partnership
    switches = services.TRAINING_EMAIL_SWITCHES
    form = TrainingEmailsForm(
        request.POST or None,
        initial={"emails": [name for name in switches if getattr(partnership, name)]},
    )
    if request.method == "POST" and form.is_valid():
        services.set_training_emails(
            partnership=partnership,
            switched_on=form.cleaned_data["emails"],
            changed_by=request.user,
        )
        messages.success(request, "Training emails updated.")
        return redirect("tenancy:training-emails", code=partnership.code)
    return render(request, "tenancy/training_emails.html", {"form": form})

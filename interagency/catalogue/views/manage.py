"""Coordinator pages that adopt, tailor and edit frameworks, courses, roles and pathways.

Every page needs ``Action.MANAGE_CATALOGUE`` in the partnership of the
address. Objects are found through selectors scoped to that partnership, so
another partnership's course, role or framework is a 404, the same as one that
does not exist. Writes go through ``catalogue.services``; a refusal comes back
as a ``ValidationError`` and is shown in the GOV.UK error summary.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from interagency.catalogue import selectors, services
from interagency.catalogue.forms import (
    FrameworkForm,
    LocalCourseForm,
    LocalRoleForm,
    NewVersionForm,
    PathwayForm,
    TailorCourseForm,
    TierForm,
)
from interagency.core.errors import found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.tenancy.access import PartnershipRequest, partnership_view

manage_view = partnership_view(Action.MANAGE_CATALOGUE)


def _done(request: PartnershipRequest, message: str, route: str, **kwargs) -> HttpResponse:
    messages.success(request, message)
    return redirect(f"catalogue:{route}", code=request.access.partnership.code, **kwargs)


def _submit(form, request: PartnershipRequest, write: Callable[[], Any]) -> bool:
    """Run ``write`` for a valid POSTed form; False (errors on the form) if refused."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        write()
    except ValidationError as error:
        show_on_form(form, error)
        return False
    return True


# Adoption ---------------------------------------------------------------------------


@manage_view
def index(request: PartnershipRequest) -> HttpResponse:
    """Adopted frameworks, frameworks to adopt, and the ways into tailoring and editing."""
    partnership = request.access.partnership
    adopted = list(selectors.adopted_frameworks(partnership))
    adopted_ids = {framework.pk for framework in adopted}
    available = [
        framework
        for framework in selectors.frameworks_available_to(partnership)
        if framework.pk not in adopted_ids
    ]
    return render(
        request,
        "catalogue/manage/index.html",
        {
            "adopted": adopted,
            "available": available,
            "owned": list(selectors.owned_frameworks(partnership)),
        },
    )


@manage_view
def adopt(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    partnership = request.access.partnership
    framework = found_or_404(lambda: selectors.framework_in(partnership, framework_id))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.adopt_framework(
            partnership=partnership, framework=framework, adopted_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalogue:manage", code=partnership.code)
    return _done(request, f"{partnership.name} now uses {framework}.", "manage")


@manage_view
def stop_adopting(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    """Confirm, then stop using a framework: its courses leave the catalogue."""
    partnership = request.access.partnership
    framework = found_or_404(lambda: selectors.adopted_frameworks(partnership).get(pk=framework_id))
    if request.method == "POST":
        services.stop_adopting(partnership=partnership, framework=framework)
        return _done(request, f"{partnership.name} no longer uses {framework}.", "manage")
    return render(request, "catalogue/manage/stop_adopting.html", {"framework": framework})


# Tailoring --------------------------------------------------------------------------


@manage_view
def courses(request: PartnershipRequest) -> HttpResponse:
    """Every course of the adopted frameworks, hidden ones too, with the local changes."""
    partnership = request.access.partnership
    return render(
        request,
        "catalogue/manage/courses.html",
        {"courses": selectors.catalogue_courses(partnership, include_hidden=True)},
    )


@manage_view
def tailor_course(request: PartnershipRequest, course_id: int) -> HttpResponse:
    partnership = request.access.partnership
    course = found_or_404(
        lambda: (
            selectors.catalogue_courses(partnership, include_hidden=True)
            .filter(local_to__isnull=True)
            .get(pk=course_id)
        )
    )
    tailoring = selectors.tailoring_for(partnership, course)
    initial = (
        {
            "hidden": tailoring.hidden,
            "local_title": tailoring.local_title,
            "local_duration_hours": tailoring.local_duration_hours,
        }
        if tailoring
        else {}
    )
    form = TailorCourseForm(request.POST or None, initial=initial)
    if _submit(
        form,
        request,
        lambda: services.tailor_course(partnership=partnership, course=course, **form.cleaned_data),
    ):
        return _done(request, f"Changes to {course} saved.", "manage-courses")
    return render(request, "catalogue/manage/tailor_course.html", {"course": course, "form": form})


# Local courses ----------------------------------------------------------------------


@manage_view
def local_courses(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    return render(
        request,
        "catalogue/manage/local_courses.html",
        {"courses": selectors.local_courses_of(partnership)},
    )


def _local_course_form(request: PartnershipRequest, initial: dict | None = None) -> LocalCourseForm:
    partnership = request.access.partnership
    return LocalCourseForm(
        request.POST or None,
        initial=initial,
        tiers=selectors.tiers_of(partnership),
        courses=selectors.catalogue_courses(partnership),
    )


@manage_view
def local_course_new(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    form = _local_course_form(request)

    def add() -> None:
        arguments = form.service_arguments()
        services.add_local_course(
            partnership=partnership, framework=arguments["tier"].framework, **arguments
        )

    if _submit(form, request, add):
        return _done(request, f"{form.cleaned_data['title']} added.", "manage-local-courses")
    return render(request, "catalogue/manage/local_course.html", {"form": form, "course": None})


@manage_view
def local_course_edit(request: PartnershipRequest, course_id: int) -> HttpResponse:
    partnership = request.access.partnership
    course = found_or_404(lambda: selectors.local_course_in(partnership, course_id))
    form = _local_course_form(request, LocalCourseForm.initial_for(course))
    if _submit(
        form,
        request,
        lambda: services.update_local_course(
            partnership=partnership, course=course, **form.service_arguments()
        ),
    ):
        return _done(request, f"{form.cleaned_data['title']} saved.", "manage-local-courses")
    return render(request, "catalogue/manage/local_course.html", {"form": form, "course": course})


@manage_view
def local_course_delete(request: PartnershipRequest, course_id: int) -> HttpResponse:
    partnership = request.access.partnership
    course = found_or_404(lambda: selectors.local_course_in(partnership, course_id))
    refusal = ""
    if request.method == "POST":
        try:
            services.delete_local_course(partnership=partnership, course=course)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            return _done(request, f"{course} deleted.", "manage-local-courses")
    return render(
        request, "catalogue/manage/local_course_delete.html", {"course": course, "refusal": refusal}
    )


# Roles and pathways -----------------------------------------------------------------


@manage_view
def roles(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    return render(
        request,
        "catalogue/manage/roles.html",
        {"roles": selectors.manageable_roles(partnership)},
    )


@manage_view
def role_new(request: PartnershipRequest) -> HttpResponse:
    partnership = request.access.partnership
    form = LocalRoleForm(request.POST or None, tiers=selectors.tiers_of(partnership))
    created: dict[str, Any] = {}

    def add() -> None:
        tier = form.cleaned_data["tier"]
        created["role"] = services.add_local_role(
            partnership=partnership,
            framework=tier.framework,
            tier=tier,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )

    if _submit(form, request, add):
        return _done(
            request,
            f"{created['role']} added: choose the courses of its pathway.",
            "manage-pathway",
            role_id=created["role"].pk,
        )
    return render(request, "catalogue/manage/role_new.html", {"form": form})


@manage_view
def pathway(request: PartnershipRequest, role_id: int) -> HttpResponse:
    """Choose a role's required and recommended courses, tier by tier."""
    partnership = request.access.partnership
    role = found_or_404(lambda: selectors.role_in(partnership, role_id))
    if not services.role_is_editable(partnership, role):
        raise Http404("This role's pathway belongs to its framework.")
    current = getattr(role, "pathway", None)
    form = PathwayForm(
        request.POST or None,
        initial=PathwayForm.initial_for(current),
        courses=list(selectors.catalogue_courses(partnership)),
    )
    if _submit(
        form,
        request,
        lambda: services.set_pathway_items(
            partnership=partnership, role=role, **form.service_arguments()
        ),
    ):
        return _done(request, f"Pathway for {role} saved.", "manage-roles")
    unmatched = [item for item in current.items.all() if item.course_id is None] if current else []
    return render(
        request,
        "catalogue/manage/pathway.html",
        {"role": role, "form": form, "unmatched": unmatched},
    )


# Frameworks the partnership owns ----------------------------------------------------


@manage_view
def framework(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    """Edit a framework the partnership owns; list its tiers."""
    partnership = request.access.partnership
    owned = found_or_404(lambda: selectors.owned_framework_in(partnership, framework_id))
    form = FrameworkForm(
        request.POST or None,
        initial={"name": owned.name, "source": owned.source, "period_months": owned.period_months},
    )
    if _submit(
        form,
        request,
        lambda: services.update_framework_details(
            partnership=partnership, framework=owned, **form.cleaned_data
        ),
    ):
        return _done(request, f"{owned} saved.", "manage-framework", framework_id=owned.pk)
    return render(
        request,
        "catalogue/manage/framework.html",
        {"framework": owned, "form": form, "tiers": owned.tiers.order_by("order")},
    )


@manage_view
def tier_new(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    partnership = request.access.partnership
    owned = found_or_404(lambda: selectors.owned_framework_in(partnership, framework_id))
    form = TierForm(request.POST or None)
    if _submit(
        form,
        request,
        lambda: services.add_tier(partnership=partnership, framework=owned, **form.cleaned_data),
    ):
        return _done(
            request,
            f"{form.cleaned_data['name']} added.",
            "manage-framework",
            framework_id=owned.pk,
        )
    return render(
        request, "catalogue/manage/tier.html", {"framework": owned, "form": form, "tier": None}
    )


@manage_view
def tier_edit(request: PartnershipRequest, tier_id: int) -> HttpResponse:
    partnership = request.access.partnership
    tier = found_or_404(lambda: selectors.owned_tier_in(partnership, tier_id))
    form = TierForm(
        request.POST or None,
        initial={
            "code": tier.code,
            "name": tier.name,
            "audience": tier.audience,
            "hours_per_period": tier.hours_per_period,
        },
    )
    form.fields["code"].disabled = True
    if _submit(
        form,
        request,
        lambda: services.update_tier(
            partnership=partnership,
            tier=tier,
            name=form.cleaned_data["name"],
            audience=form.cleaned_data["audience"],
            hours_per_period=form.cleaned_data["hours_per_period"],
        ),
    ):
        return _done(
            request, f"{tier.name} saved.", "manage-framework", framework_id=tier.framework_id
        )
    return render(
        request,
        "catalogue/manage/tier.html",
        {"framework": tier.framework, "form": form, "tier": tier},
    )


@manage_view
def framework_version(request: PartnershipRequest, framework_id: int) -> HttpResponse:
    """Copy an owned framework into a new version; the coordinator adopts it separately."""
    partnership = request.access.partnership
    owned = found_or_404(lambda: selectors.owned_framework_in(partnership, framework_id))
    form = NewVersionForm(request.POST or None)
    made: dict[str, Any] = {}

    def copy() -> None:
        made["framework"] = services.new_framework_version(
            framework=owned,
            version=form.cleaned_data["version"],
            created_by=request.user,
            partnership=partnership,
        )

    if _submit(form, request, copy):
        return _done(
            request,
            f"{made['framework']} made. Adopt it when you are ready to move to it.",
            "manage",
        )
    return render(
        request, "catalogue/manage/framework_version.html", {"framework": owned, "form": form}
    )

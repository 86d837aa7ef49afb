"""Catalogue pages anyone may read, within one partnership's programme.

Every page is scoped to the partnership in the address: a course or role that
is not in its catalogue (another partnership's local course, a course it hides,
a framework it has not adopted) is a 404, the same as one that does not exist.
"""

from itertools import groupby
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from interagency.catalogue import panels, selectors
from interagency.catalogue.forms_public import (
    ChooseFrameworkForm,
    CourseFilterForm,
    PickRoleForm,
    TierQuestionsForm,
    question_tier,
)
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    DeliveryMode,
    PathwayItem,
    Role,
    Tier,
)
from interagency.core.permissions import Action
from interagency.tenancy.access import PublicPartnershipRequest, public_partnership_view

COURSES_PER_PAGE = 50


def _manage_link(request: PublicPartnershipRequest) -> str | None:
    """The coordinator's way into the manage pages, for those allowed to manage."""
    if Action.MANAGE_CATALOGUE not in request.partnership_actions:
        return None
    code = request.partnership.code
    try:
        return reverse("catalogue:manage", kwargs={"code": code})
    except NoReverseMatch:
        return f"/p/{code}/catalogue/manage/"


@public_partnership_view
def catalogue(request: PublicPartnershipRequest) -> HttpResponse:
    """Browse and search the partnership's courses with GET filters."""
    partnership = request.partnership
    form = CourseFilterForm(
        request.GET,
        tiers=selectors.tiers_of(partnership),
        topics=selectors.topics_of(partnership),
        roles=selectors.roles_of(partnership),
    )
    filters = form.filters()
    courses = selectors.search_courses(partnership, **filters)
    paginator = Paginator(courses, COURSES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/index.html",
        {
            "form": form,
            "page": page,
            "courses": page.object_list,
            "is_filtered": any(value not in (None, "") for value in filters.values()),
            "manage_link": _manage_link(request),
        },
    )


def _adjoining_sentence(tiers: list[Tier]) -> str:
    return " and ".join(tier.name for tier in tiers)


@public_partnership_view
def course(request: PublicPartnershipRequest, course_id: int) -> HttpResponse:
    """One course: what it is for, who it is for, what comes before it and who needs it."""
    partnership = request.partnership
    try:
        found = selectors.course_in(partnership, course_id)
    except Course.DoesNotExist:
        raise Http404("No such course in this catalogue.") from None
    prerequisites = list(found.prerequisites.all())
    equivalences = list(found.equivalences.all())
    shown = selectors.courses_by_id(
        partnership,
        [c.pk for c in prerequisites] + [e.course_id for e in equivalences if e.course_id],
        include_hidden=False,
    )
    items = list(selectors.pathway_items_for_course(partnership, found))
    adjoining = selectors.adjoining_tiers(found.tier)
    return render(
        request,
        "catalogue/course.html",
        {
            "course": found,
            "topics": list(found.topics.all()),
            "delivery_modes": [
                DeliveryMode(mode).label
                for mode in found.delivery_modes or []
                if mode in DeliveryMode.values
            ],
            "prerequisites": [(c, shown.get(c.pk)) for c in prerequisites],
            "equivalences": [
                (e, shown.get(e.course_id) if e.course_id else None) for e in equivalences
            ],
            "required_by": [i.pathway.role for i in items if i.kind == PathwayItem.Kind.REQUIRED],
            "recommended_for": [
                i.pathway.role for i in items if i.kind == PathwayItem.Kind.RECOMMENDED
            ],
            "adjoining": _adjoining_sentence(adjoining),
            # What apps above the catalogue add (delivery: the next sessions), in order.
            "panels": panels.course_panels(partnership, found, request),
        },
    )


def _by_framework_and_tier(roles: list[Role]) -> list[tuple[Any, list[tuple[Tier, list[Role]]]]]:
    """``[(framework, [(tier, [role, ...]), ...]), ...]`` for roles in framework and tier order."""
    return [
        (
            framework,
            [
                (tier, list(in_tier))
                for tier, in_tier in groupby(in_framework, key=lambda r: r.tier)
            ],
        )
        for framework, in_framework in groupby(roles, key=lambda role: role.framework)
    ]


@public_partnership_view
def roles(request: PublicPartnershipRequest) -> HttpResponse:
    """Every role of the partnership's frameworks, by framework and tier."""
    partnership = request.partnership
    found = list(selectors.roles_of(partnership))
    return render(
        request,
        "catalogue/roles.html",
        {"frameworks": _by_framework_and_tier(found), "count": len(found)},
    )


def _hours_rule(role: Role, pathway: Any) -> dict | None:
    """Learning hours per period (the health framework), from the pathway or the tier."""
    hours = pathway.hours_per_period if pathway else None
    hours_max = None
    months = pathway.period_months if pathway else None
    if hours is None:
        hours = role.tier.hours_per_period
        hours_max = role.tier.hours_per_period_max
    months = months or role.framework.period_months
    if hours is None:
        return None
    return {"hours": hours, "hours_max": hours_max, "months": months}


@public_partnership_view
def role(request: PublicPartnershipRequest, role_id: int) -> HttpResponse:
    """A role's tier and pathway: what to complete, by when, and how often to refresh."""
    partnership = request.partnership
    try:
        found = selectors.role_in(partnership, role_id)
    except Role.DoesNotExist:
        raise Http404("No such role in this catalogue.") from None
    pathway = getattr(found, "pathway", None)
    items = list(pathway.items.all()) if pathway else []
    courses = selectors.courses_by_id(partnership, [item.course_id for item in items])
    rows = [
        {
            "item": item,
            "course": courses.get(item.course_id) if item.course_id else None,
            # A framework course the partnership hides (or never adopted): named, not linked.
            "not_run": bool(
                item.course_id
                and (item.course_id not in courses or courses[item.course_id].is_hidden)
            ),
        }
        for item in items
    ]
    adjoining = (
        selectors.adjoining_tiers(found.tier)
        if pathway is None or pathway.adjoining_tiers_allowed
        else []
    )
    return render(
        request,
        "catalogue/role.html",
        {
            "role": found,
            "pathway": pathway,
            "required": [row for row in rows if row["item"].kind == PathwayItem.Kind.REQUIRED],
            "recommended": [
                row for row in rows if row["item"].kind == PathwayItem.Kind.RECOMMENDED
            ],
            "hours_rule": _hours_rule(found, pathway),
            "adjoining": adjoining,
            "adjoining_sentence": _adjoining_sentence(adjoining),
        },
    )


def _tier_result(partnership: Any, framework: CompetenceFramework, codes: list[str]) -> dict:
    """The highest tier a "yes" placed the person in, or the framework's first tier."""
    tiers = list(selectors.tiers_of(partnership).filter(framework=framework))
    by_code = {tier.code: tier for tier in tiers}
    placed = [by_code[code] for code in codes if code in by_code]
    tier = max(placed, key=lambda t: t.order) if placed else (tiers[0] if tiers else None)
    if tier is None:
        return {"tier": None, "basic_awareness_only": True}
    return {
        "tier": tier,
        "basic_awareness_only": not placed,
        "courses": list(selectors.search_courses(partnership, tier_id=tier.pk)),
        "roles": list(selectors.roles_of(partnership).filter(tier=tier)),
        "adjoining": _adjoining_sentence(selectors.adjoining_tiers(tier)),
    }


@public_partnership_view
def which_training(request: PublicPartnershipRequest) -> HttpResponse:
    """Find your tier and pathway: pick your role, or answer the framework's questions."""
    partnership = request.partnership
    all_roles = list(selectors.roles_of(partnership))
    role_form = PickRoleForm(request.GET if "role" in request.GET else None, roles=all_roles)
    if role_form.is_bound and role_form.is_valid():
        return redirect(
            "catalogue:role", code=partnership.code, role_id=role_form.cleaned_data["role"]
        )

    frameworks = selectors.frameworks_with_questions(partnership)
    framework: CompetenceFramework | None = frameworks[0] if len(frameworks) == 1 else None
    framework_form = None
    if len(frameworks) > 1:
        framework_form = ChooseFrameworkForm(
            request.GET if "framework" in request.GET else None, frameworks=frameworks
        )
        if framework_form.is_bound and framework_form.is_valid():
            chosen = framework_form.cleaned_data["framework"]
            framework = next(f for f in frameworks if f.pk == chosen)

    questions_form = None
    result = None
    if framework is not None:
        answered = request.GET.get("answered") == "yes"
        questions_form = TierQuestionsForm(
            request.GET if answered else None, questions=list(framework.questions)
        )
        if answered and questions_form.is_valid():
            result = _tier_result(partnership, framework, questions_form.tier_codes_answered_yes())

    error_form = next(
        (
            form
            for form in (role_form, framework_form, questions_form)
            if form is not None and form.is_bound and form.errors
        ),
        None,
    )
    return render(
        request,
        "catalogue/which_training.html",
        {
            "role_form": role_form,
            "has_roles": bool(all_roles),
            "frameworks": frameworks,
            "framework": framework,
            "framework_form": framework_form,
            "questions_form": questions_form,
            "question_tiers": [question_tier(q) for q in framework.questions] if framework else [],
            "result": result,
            "error_form": error_form,
            # A signed-in member starts from the role(s) their staff record names.
            "own_roles": selectors.roles_held_by(
                partnership, request.user, today=timezone.localdate()
            ),
        },
    )

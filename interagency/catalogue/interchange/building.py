"""Building a framework from a valid document: once, in one transaction."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from interagency.catalogue.interchange.building_courses import build_courses
from interagency.catalogue.interchange.building_pathways import build_pathways
from interagency.catalogue.interchange.problems import DocumentInvalid, Problem
from interagency.catalogue.interchange.reading import read_document
from interagency.catalogue.interchange.reports import ItemReport, LoadResult
from interagency.catalogue.interchange.values import as_decimal, as_strings, as_text, as_whole
from interagency.catalogue.matching import Matcher, match_item, split_levels
from interagency.catalogue.models import CompetenceFramework, PathwayItem, Tier
from interagency.tenancy.models import Partnership, Region


def build_framework(
    document: Mapping[str, Any],
    *,
    owner_partnership: Partnership | None = None,
    region: Region | None = None,
    matcher: Matcher = match_item,
) -> LoadResult:
    """Write ``document`` to the database once; raises :class:`DocumentInvalid` first.

    With ``owner_partnership`` the framework belongs to that partnership
    (an import); otherwise to the owner the document names. Loading the same
    slug and version for the same owner again returns the existing framework
    with ``already_loaded`` set and writes nothing.
    """
    problems: list[Problem] = []
    plan = read_document(document, problems, strict=False, matcher=matcher)
    owner = as_text(document.get("owner") or CompetenceFramework.Owner.PARTNERSHIP)
    if owner_partnership is None and owner == CompetenceFramework.Owner.PARTNERSHIP:
        problems.append(
            Problem(
                "framework",
                1,
                "owner",
                owner,
                "A partnership's own framework can only be imported into a partnership.",
            )
        )
    blocking = [problem for problem in problems if problem.blocking]
    if blocking:
        raise DocumentInvalid(blocking)
    with transaction.atomic():
        existing = CompetenceFramework.objects.filter(
            slug=as_text(document["slug"]),
            version=as_text(document.get("version")) or "1",
            owner_partnership=owner_partnership,
        ).first()
        if existing is not None:
            return _already_loaded(existing, problems)
        framework = _create_framework(
            document, owner=owner, owner_partnership=owner_partnership, region=region
        )
        tiers = _build_tiers(framework, document)
        courses = build_courses(framework, plan, tiers, owner_partnership)
        roles, items, reports = build_pathways(framework, document, plan, tiers, courses, matcher)
    return LoadResult(
        framework=framework,
        already_loaded=False,
        tiers=len(tiers),
        courses=len(courses),
        roles=roles,
        pathway_items=items,
        items=reports,
        warnings=problems,
    )


def _create_framework(
    document: Mapping[str, Any],
    *,
    owner: str,
    owner_partnership: Partnership | None,
    region: Region | None,
) -> CompetenceFramework:
    """The framework row itself, with its owner, region and screening questions."""
    if owner_partnership is not None:
        owner = CompetenceFramework.Owner.PARTNERSHIP
        region = None
    elif region is None and (code := as_text(document.get("region"))):
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": code.replace("-", " ").title()}
        )
    if owner == CompetenceFramework.Owner.NATIONAL:
        region = None
    return CompetenceFramework.objects.create(
        slug=as_text(document["slug"]),
        version=as_text(document.get("version")) or "1",
        name=as_text(document["name"]),
        owner=owner,
        region=region,
        owner_partnership=owner_partnership,
        source=as_text(document.get("source")),
        period_months=as_whole(document.get("period_months")),
        questions=[
            {"text": as_text(question.get("text")), "tier": as_text(question.get("tier_if_yes"))}
            for question in document.get("questions") or []
        ],
    )


def _already_loaded(framework: CompetenceFramework, problems: list[Problem]) -> LoadResult:
    """What an earlier load of the same document wrote: counts and the names left unmatched."""
    items = list(
        PathwayItem.objects.filter(pathway__role__framework=framework)
        .select_related("pathway__role", "course")
        .order_by("pathway__role_id", "kind", "order")
    )
    reports = []
    for item in items:
        if item.course_id is not None:
            continue
        part = item.named_as
        base, levels = split_levels(item.named_as)
        if len(levels) > 1:  # "Level 1 and 2": the level no sibling item matched
            found = {
                other.course.level
                for other in items
                if other.pathway_id == item.pathway_id
                and other.named_as == item.named_as
                and other.course is not None
            }
            missing = [level for level in levels if level not in found]
            if len(missing) == 1:
                part = f"{base} – Level {missing[0]}"
        reports.append(
            ItemReport(item.pathway.role.name, item.kind, item.named_as, part, "", "unmatched")
        )
    return LoadResult(
        framework=framework,
        already_loaded=True,
        tiers=framework.tiers.count(),
        courses=framework.courses.count(),
        roles=framework.roles.count(),
        pathway_items=len(items),
        items=reports,
        warnings=problems,
    )


def _build_tiers(framework: CompetenceFramework, document: Mapping) -> dict[str, Tier]:
    """The framework's tiers, by code."""
    tiers = []
    for number, row in enumerate(document.get("tiers") or [], start=1):
        order = as_whole(row.get("order"))
        tiers.append(
            Tier(
                framework=framework,
                code=as_text(row["code"]),
                name=as_text(row["name"]),
                order=order if order is not None else number,
                audience=as_text(row.get("audience")),
                outcomes=as_strings(row.get("outcomes")) or [],
                example_roles=as_strings(row.get("example_roles")) or [],
                hours_per_period=as_decimal(row.get("hours_per_period")),
                hours_per_period_max=as_decimal(row.get("hours_per_period_max")),
                note=as_text(row.get("note")),
            )
        )
    Tier.objects.bulk_create(tiers)
    return {tier.code: tier for tier in tiers}

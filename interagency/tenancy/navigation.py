"""The partnership's top-level areas, in the order the navigation shows them."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from interagency.core.permissions import Action
from interagency.tenancy.start_page import role_links


@dataclass(frozen=True)
class Area:
    slug: str
    label: str
    action: Action
    summary: str


AREAS: tuple[Area, ...] = (
    Area(
        "catalogue",
        "Catalogue",
        Action.VIEW_CATALOGUE,
        "Competence frameworks, courses and the pathway for each role.",
    ),
    Area(
        "people",
        "People",
        Action.VIEW_PEOPLE,
        "Agencies, services and staff, and who needs which training.",
    ),
    Area(
        "sessions",
        "Sessions",
        Action.VIEW_SESSIONS,
        "Course dates, bookings, waiting lists and registers.",
    ),
    Area(
        "records",
        "Records",
        Action.VIEW_RECORDS,
        "Training records, certificates and pathway progress.",
    ),
    Area(
        "evaluation",
        "Evaluation",
        Action.VIEW_EVALUATION,
        "Questionnaires before, after and weeks after training, and what they show.",
    ),
    Area(
        "reports",
        "Reports",
        Action.VIEW_REPORTS,
        "Outcomes, costs and comparisons for the partnership board.",
    ),
)
AREAS_BY_SLUG = {area.slug: area for area in AREAS}


def navigation(request: HttpRequest) -> dict:
    """Context processor: the navigation items the member's roles allow."""
    partnership = getattr(request, "partnership", None)
    if partnership is None:
        return {}
    actions: frozenset[Action] = getattr(request, "partnership_actions", frozenset())
    match = request.resolver_match
    current = None
    if match:
        # An area's own app is named after it (catalogue:...); until it exists
        # the tenancy placeholder serves the area.
        current = match.namespace if match.namespace in AREAS_BY_SLUG else match.kwargs.get("area")
        if match.url_name == "members":
            current = "people"
        if match.namespace == "notifications":  # the emails pages are part of Sessions
            current = "sessions"
        if match.namespace in ("finance", "local_statistics", "annual_reports"):  # the Reports area
            current = "reports"
    items = [
        {
            "label": area.label,
            "href": reverse("tenancy:area", kwargs={"code": partnership.code, "area": area.slug}),
            "current": area.slug == current,
        }
        for area in AREAS
        if area.action in actions
    ]
    # Each role's daily-work pages (a learner's training, a trainer's sessions), by role.
    roles: frozenset[str] = frozenset(getattr(request, "partnership_roles", ()))
    for link in role_links(roles):
        items.append(
            {
                "label": link.label,
                "href": reverse(link.url_name, kwargs={"code": partnership.code}),
                "current": bool(match and match.view_name == link.url_name),
            }
        )
        if items[-1]["current"]:
            for item in items[:-1]:
                item["current"] = False
    if Action.VIEW_AUDIT in actions:
        items.append(
            {
                "label": "Audit trail",
                "href": reverse("audit:list", kwargs={"code": partnership.code}),
                "current": bool(match and match.namespace == "audit"),
            }
        )
    return {"navigation_items": items}

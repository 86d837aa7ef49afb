"""The shipped frameworks every seeded partnership adopts, and the London framework's parts."""

from collections.abc import Callable
from typing import Any

from interagency.catalogue.interchange import build_framework, shipped_document
from interagency.catalogue.models import Adoption
from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.selectors import catalogue_courses
from interagency.catalogue.services import adopt_framework
from interagency.tenancy.models import Partnership

Progress = Callable[[str], None]

SHIPPED_FRAMEWORKS = ("competence-matters", "intercollegiate-health")
LONDON_FRAMEWORK = "competence-matters"


def adopt_shipped_frameworks(
    partnerships: list[Partnership], progress: Progress = lambda message: None
) -> None:
    """Load the shipped frameworks (once) and have every partnership given adopt them."""
    for slug in SHIPPED_FRAMEWORKS:
        result = build_framework(shipped_document(slug))
        for partnership in partnerships:
            adopt_framework(partnership=partnership, framework=result.framework)
        if not result.already_loaded:
            progress(f"Framework: {result.framework}")


def london_roles(partnership: Partnership) -> dict[str, CatalogueRole]:
    """The adopted London framework's roles by name (empty if it is not adopted)."""
    adopted = Adoption.objects.for_partnership(partnership).values("framework_id")
    roles = CatalogueRole.objects.filter(
        framework__in=adopted, framework__slug=LONDON_FRAMEWORK, local_to__isnull=True
    ).select_related("tier")
    return {role.name: role for role in roles}


def london_courses(partnership: Partnership) -> list[Any]:
    """The partnership's London framework courses, as it shows them."""
    return list(catalogue_courses(partnership).filter(framework__slug=LONDON_FRAMEWORK))

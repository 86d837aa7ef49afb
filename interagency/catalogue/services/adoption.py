"""A partnership adopting a framework: running its programme on it, or no longer."""

from typing import TYPE_CHECKING

from django.db import transaction

from interagency.catalogue import selectors
from interagency.catalogue.models import Adoption, CompetenceFramework
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def adopt_framework(
    *, partnership: Partnership, framework: CompetenceFramework, adopted_by: "_User | None" = None
) -> Adoption:
    """Run the partnership's programme on ``framework``; adopting twice changes nothing."""
    if not selectors.frameworks_available_to(partnership).filter(pk=framework.pk).exists():
        raise ServiceError(
            field_errors={"framework": f"{framework} is not available to {partnership.name}."}
        )
    with transaction.atomic():
        adoption, _ = Adoption.objects.for_partnership(partnership).get_or_create(
            partnership=partnership, framework=framework, defaults={"adopted_by": adopted_by}
        )
    return adoption


def stop_adopting(*, partnership: Partnership, framework: CompetenceFramework) -> None:
    """Stop running ``framework``; its courses leave the catalogue, its rows stay."""
    with transaction.atomic():
        Adoption.objects.for_partnership(partnership).filter(framework=framework).delete()


def require_adopted(partnership: Partnership, framework: CompetenceFramework) -> None:
    """Refuse to add courses or roles to a framework the partnership has not adopted."""
    if not selectors.adopted_frameworks(partnership).filter(pk=framework.pk).exists():
        raise ServiceError(
            field_errors={"framework": f"Adopt {framework} before adding courses or roles to it."}
        )

"""The regional part of a partnership's start page, registered with ``tenancy.start_page``.

A regional coordinator finds their regions' benchmarks there; a partnership's
coordinator sees whether it shares its figures with its region, and where to
change that. One query, two for a coordinator.
"""

from django.http import HttpRequest

from interagency.core.permissions import Action
from interagency.regional.selectors import regions_coordinated_by, shares_with_region
from interagency.tenancy.access import PartnershipAccess
from interagency.tenancy.start_page import Section, register_section


def regional_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    regions = list(regions_coordinated_by(access.user))
    chooses = access.allows(Action.MANAGE_MEMBERS)
    if not regions and not chooses:
        return None
    return Section(
        "regional/start/_regional.html",
        {
            "regions": regions,
            "chooses": chooses,
            "shares": shares_with_region(access.partnership) if chooses else False,
        },
    )


def register() -> None:
    register_section("regional: benchmarks", regional_section)

"""A framework a partnership owns (imported or home-grown): its details and its tiers."""

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from interagency.catalogue.models import CompetenceFramework, Tier
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership

MAX_MONTHS = 120


def require_owned(partnership: Partnership, framework: CompetenceFramework) -> None:
    """Refuse to edit a framework the partnership does not own: it may only tailor it."""
    if framework.owner_partnership_id != partnership.pk:
        raise ServiceError(
            field_errors={
                "framework": f"{framework} is a {framework.get_owner_display().lower()} "
                "framework: a partnership may tailor it but not edit it."
            }
        )


@transaction.atomic
def update_framework_details(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    name: str,
    source: str = "",
    period_months: int | None = None,
) -> CompetenceFramework:
    """Rename a framework the partnership owns, or change its source and refresher period."""
    require_owned(partnership, framework)
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Enter the framework's name."
    if period_months is not None and not 1 <= period_months <= MAX_MONTHS:
        errors["period_months"] = f"Refresher period must be between 1 and {MAX_MONTHS} months."
    if errors:
        raise ServiceError(field_errors=errors)
    framework.name = name
    framework.source = source.strip()
    framework.period_months = period_months
    framework.save(update_fields=["name", "source", "period_months"])
    return framework


@transaction.atomic
def add_tier(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    code: str,
    name: str,
    audience: str = "",
    hours_per_period: Decimal | None = None,
) -> Tier:
    """A new tier at the end of a framework the partnership owns."""
    require_owned(partnership, framework)
    code, name = code.strip(), " ".join(name.split())
    _check_tier(framework, code=code, name=name)
    last = framework.tiers.order_by("-order").values_list("order", flat=True).first()
    return Tier.objects.create(
        framework=framework,
        code=code,
        name=name,
        order=(last or 0) + 1,
        audience=audience.strip(),
        hours_per_period=hours_per_period,
    )


@transaction.atomic
def update_tier(
    *,
    partnership: Partnership,
    tier: Tier,
    name: str,
    audience: str = "",
    hours_per_period: Decimal | None = None,
) -> Tier:
    """Rename a tier of a framework the partnership owns; its code stays (records use it)."""
    require_owned(partnership, tier.framework)
    name = " ".join(name.split())
    _check_tier(tier.framework, code=tier.code, name=name, tier=tier)
    tier.name = name
    tier.audience = audience.strip()
    tier.hours_per_period = hours_per_period
    tier.save(update_fields=["name", "audience", "hours_per_period"])
    return tier


def _check_tier(
    framework: CompetenceFramework, *, code: str, name: str, tier: Tier | None = None
) -> None:
    errors = {}
    if not name:
        errors["name"] = "Enter the tier's name."
    if not code or slugify(code) != code:
        errors["code"] = (
            "Code must use only lowercase letters, numbers and hyphens, like “group-a”."
        )
    else:
        clash = Tier.objects.filter(framework=framework, code=code)
        if tier is not None:
            clash = clash.exclude(pk=tier.pk)
        if clash.exists():
            errors["code"] = f"{framework.name} already has a tier with the code “{code}”."
    if errors:
        raise ServiceError(field_errors=errors)

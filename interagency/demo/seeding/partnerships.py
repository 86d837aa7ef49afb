"""London's local authorities, its region and one safeguarding partnership per authority."""

import csv
from dataclasses import dataclass
from importlib import resources

from interagency.tenancy.models import Partnership, Region


@dataclass(frozen=True)
class LocalAuthority:
    gss_code: str
    name: str
    children: int


def london_local_authorities() -> list[LocalAuthority]:
    """The 33 London authorities with their child population (ONS, mid-2024)."""
    text = resources.files("interagency.tenancy").joinpath("data/london_local_authorities.csv")
    with text.open(encoding="utf-8") as handle:
        return [
            LocalAuthority(row["gss_code"], row["name"], int(row["children_0_17_2024"] or 0))
            for row in csv.DictReader(handle)
        ]


def partnership_code(name: str) -> str:
    return "-".join(name.lower().replace("&", "and").replace(",", "").split())[:32]


def ensure_london(authorities: list[LocalAuthority]) -> tuple[Region, list[Partnership]]:
    """The London region and one partnership per authority given, created once."""
    region, _ = Region.objects.get_or_create(code="london", defaults={"name": "London"})
    existing = {p.code: p for p in Partnership.objects.filter(region=region)}
    missing = [
        Partnership(
            region=region,
            name=f"{la.name} Safeguarding Children Partnership",
            code=partnership_code(la.name),
            local_authority_codes=[la.gss_code],
        )
        for la in authorities
        if partnership_code(la.name) not in existing
    ]
    Partnership.objects.bulk_create(missing)
    codes = [partnership_code(la.name) for la in authorities]
    by_code = {p.code: p for p in Partnership.objects.filter(code__in=codes)}
    return region, [by_code[code] for code in codes]


def people_by_population(authorities: list[LocalAuthority], total: int) -> list[int]:
    """Share ``total`` people among ``authorities`` by child population, at least one each."""
    children = sum(la.children for la in authorities) or 1
    return [max(1, round(total * la.children / children)) for la in authorities]

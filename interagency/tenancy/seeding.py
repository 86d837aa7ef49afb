"""Synthetic data: the demo, one borough, or a whole region.

Every scale is repeatable for a given seed and idempotent: running it twice
leaves the database as after the first run. Large scales insert in bulk
(``bulk_create`` in batches), never one ``save()`` per row.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from interagency.accounts.models import User
from interagency.core.permissions import Role
from interagency.tenancy.models import Membership, Partnership, Region

Progress = Callable[[str], None]

DEMO_DOMAIN = "demo.interagency.test"
DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("coordinator", "Chidi Okafor", Role.COORDINATOR),
    ("board", "Margaret Hughes", Role.BOARD_MEMBER),
    ("agencylead", "Priya Shah", Role.AGENCY_LEAD),
    ("manager", "Tom Walsh", Role.LINE_MANAGER),
    ("trainer", "Aisha Bello", Role.TRAINER),
    ("learner", "Sam Green", Role.LEARNER),
)
DEMO_PARTNERSHIPS = ("E09000007", "E09000019")  # Camden, Islington


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


@transaction.atomic
def load_demo(*, password: str, progress: Progress = lambda message: None) -> list[User]:
    """The demo partnerships and one account per role; returns the demo accounts."""
    authorities = [la for la in london_local_authorities() if la.gss_code in DEMO_PARTNERSHIPS]
    _, partnerships = ensure_london(authorities)
    home = partnerships[0]
    progress(f"Partnerships: {', '.join(p.name for p in partnerships)}")
    accounts = []
    for local_part, full_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=f"{local_part}@{DEMO_DOMAIN}", defaults={"full_name": full_name}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(partnership=home, user=user, role=role)
        accounts.append(user)
    # The coordinator also coordinates a neighbouring partnership, to show switching.
    coordinator = accounts[0]
    for other in partnerships[1:]:
        Membership.objects.get_or_create(partnership=other, user=coordinator, role=Role.COORDINATOR)
    progress(f"Demo accounts: {len(accounts)}")
    return accounts

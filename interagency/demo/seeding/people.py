"""Synthetic accounts: a partnership's workforce, its coordinator and its board.

Every synthetic account has an address on one of the partnership's synthetic agency
domains, ``<code>-<agency>.example`` (``camden-council.example``, ``camden-health.example``
and so on; ``.example`` is reserved and never delivers mail). Those domains belong to the
seeder: a partnership with any member on them counts as seeded and is skipped whole, so a
second run changes nothing.
"""

import random
from dataclasses import dataclass

from django.db.models import Q

from interagency.core.permissions import Role
from interagency.demo.seeding.names import FIRST_NAMES, LAST_NAMES
from interagency.tenancy.models import Membership, Partnership

# (domain suffix, share of the workforce): who attends multi-agency safeguarding training.
AGENCIES: tuple[tuple[str, int], ...] = (
    ("council", 30),  # children's social care, early help, housing
    ("health", 26),  # NHS trusts, GPs, health visiting, school nursing
    ("schools", 22),  # schools, nurseries and colleges
    ("police", 8),
    ("voluntary", 10),  # voluntary, community and faith organisations
    ("probation", 4),
)
EXTRA_ROLE_SHARES: tuple[tuple[Role, float], ...] = (
    (Role.AGENCY_LEAD, 0.02),
    (Role.LINE_MANAGER, 0.08),
    (Role.TRAINER, 0.01),
)


@dataclass(frozen=True)
class SyntheticPerson:
    email: str
    full_name: str
    roles: tuple[Role, ...]


def agency_domains(partnership_code: str) -> list[str]:
    """The synthetic email domains the seeder owns for one partnership."""
    return [f"{partnership_code}-{agency}.example" for agency, _share in AGENCIES]


def is_seeded(partnership: Partnership) -> bool:
    """True when ``partnership`` already has a member on one of its synthetic domains."""
    on_our_domains = Q()
    for domain in agency_domains(partnership.code):
        on_our_domains |= Q(user__email__endswith=f"@{domain}")
    return Membership.objects.for_partnership(partnership).filter(on_our_domains).exists()


def board_size(people: int) -> int:
    """A few board members: two for a small test borough, a dozen at most."""
    return max(2, min(12, people // 1000))


def email_part(name: str) -> str:
    """``name`` as it goes into an email address: lower-case letters only."""
    return "".join(ch for ch in name.lower() if "a" <= ch <= "z")


def synthetic_people(partnership_code: str, people: int, seed: int) -> list[SyntheticPerson]:
    """The partnership's synthetic people, the same for the same code, size and seed.

    ``people`` learners make up the workforce; some of them also hold the agency lead,
    line manager or trainer role. On top come the partnership team: one coordinator and
    a few board members, who are not learners.
    """
    rng = random.Random(f"{seed}:{partnership_code}")
    domains = agency_domains(partnership_code)
    weights = [share for _agency, share in AGENCIES]
    team = [(Role.COORDINATOR,)] + [(Role.BOARD_MEMBER,)] * board_size(people)
    extra: dict[int, list[Role]] = {}
    for role, share in EXTRA_ROLE_SHARES:
        for index in rng.sample(range(people), k=min(people, round(people * share))):
            extra.setdefault(index, []).append(role)
    result = []
    for number in range(len(team) + people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if number < len(team):
            roles = team[number]
            domain = domains[0]  # the partnership team sits with the council
        else:
            index = number - len(team)
            roles = (Role.LEARNER, *extra.get(index, ()))
            domain = rng.choices(domains, weights)[0]
        email = f"{email_part(first)}.{email_part(last)}{number + 1}@{domain}"
        result.append(SyntheticPerson(email, f"{first} {last}", roles))
    return result

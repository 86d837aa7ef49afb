"""Synthetic people at a scale: one borough, a county-sized partnership, or the whole region.

Every scale is repeatable for a given seed and idempotent: running it twice
leaves the database as after the first run. Each partnership is seeded in its
own transaction, so an interrupted run leaves whole partnerships, and running
again finishes the rest. Large scales insert in bulk, never one ``save()`` per row.
"""

import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from interagency.accounts.models import User
from interagency.demo.seeding.bulk import BATCH_SIZE
from interagency.demo.seeding.catalogue import Progress, adopt_shipped_frameworks
from interagency.demo.seeding.delivery_history import seed_delivery
from interagency.demo.seeding.partnerships import (
    ensure_london,
    london_local_authorities,
    people_by_population,
)
from interagency.demo.seeding.people import SyntheticPerson, is_seeded, synthetic_people
from interagency.demo.seeding.workforce import seed_workforce
from interagency.tenancy.models import Membership, Partnership

BOROUGH_PEOPLE = 8000  # the borough scale, and the average borough in the region scale
COUNTY_PEOPLE = 100_000  # the county scale: a county's partnership, in Camden's place
BOROUGH_GSS_CODE = "E09000007"  # Camden


@dataclass(frozen=True)
class SeedResult:
    partnership: Partnership
    people: int  # accounts created (0 when the partnership was already seeded)
    memberships: int
    skipped: bool
    seconds: float
    agencies: int = 0  # agencies created
    persons: int = 0  # person records created (one per learner)
    sessions: int = 0  # sessions created (five years of them)
    bookings: int = 0
    certificates: int = 0


def create_accounts(persons: list[SyntheticPerson], password: str) -> list[User]:
    """One account per synthetic person, with their ids (read back where not returned)."""
    users = User.objects.bulk_create(
        [User(email=p.email, full_name=p.full_name, password=password) for p in persons],
        batch_size=BATCH_SIZE,
    )
    if any(user.pk is None for user in users):  # a backend that cannot return ids
        ids = dict(
            User.objects.filter(email__in=[p.email for p in persons]).values_list("email", "pk")
        )
        for user in users:
            user.pk = ids[user.email]
    return users


def add_delivery_to_seeded(partnership: Partnership, *, seed: int, started: float) -> SeedResult:
    """A partnership seeded before sessions were: add them (once; seed_delivery checks)."""
    with transaction.atomic():
        delivery = seed_delivery(partnership, seed=seed)
    return SeedResult(
        partnership,
        0,
        0,
        True,
        time.perf_counter() - started,
        sessions=delivery.sessions,
        bookings=delivery.bookings,
        certificates=delivery.certificates,
    )


def seed_partnership(
    partnership: Partnership, *, people: int, seed: int, password: str | None = None
) -> SeedResult:
    """Seed one partnership in one transaction, unless it is already seeded."""
    started = time.perf_counter()
    if is_seeded(partnership):
        return add_delivery_to_seeded(partnership, seed=seed, started=started)
    password = password or make_password(None)
    persons = synthetic_people(partnership.code, people, seed)
    with transaction.atomic():
        users = create_accounts(persons, password)
        memberships = [
            Membership(partnership=partnership, user=user, role=role)
            for user, person in zip(users, persons, strict=True)
            for role in person.roles
        ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        rng = random.Random(f"{seed}:{partnership.code}:workforce")
        agencies, records = seed_workforce(partnership, users, persons, rng)
        delivery = seed_delivery(partnership, seed=seed)
    return SeedResult(
        partnership,
        len(users),
        len(memberships),
        False,
        time.perf_counter() - started,
        agencies=agencies,
        persons=records,
        sessions=delivery.sessions,
        bookings=delivery.bookings,
        certificates=delivery.certificates,
    )


def report(result: SeedResult, progress: Progress) -> None:
    """One line of progress for a partnership seeded, or left as it was."""
    name = result.partnership.name.removesuffix(" Safeguarding Children Partnership")
    delivery = (
        f", {result.sessions:,} sessions, {result.bookings:,} bookings, "
        f"{result.certificates:,} certificates"
    )
    if result.skipped and result.sessions:
        progress(f"{name}: already seeded; added{delivery[1:]} … {result.seconds:.1f} s")
    elif result.skipped:
        progress(f"{name}: already seeded, left as it is")
    else:
        progress(
            f"{name}: {result.people:,} people, {result.memberships:,} memberships, "
            f"{result.agencies:,} agencies, {result.persons:,} person records{delivery} "
            f"… {result.seconds:.1f} s"
        )


def seed_borough(
    *, seed: int = 1, people: int = BOROUGH_PEOPLE, progress: Progress = lambda message: None
) -> list[SeedResult]:
    """One partnership (Camden) with ``people`` learners, its coordinator and board."""
    authorities = [la for la in london_local_authorities() if la.gss_code == BOROUGH_GSS_CODE]
    _, partnerships = ensure_london(authorities)
    adopt_shipped_frameworks(partnerships, progress)
    password = make_password(None)  # unusable, hashed once for every row
    result = seed_partnership(partnerships[0], people=people, seed=seed, password=password)
    report(result, progress)
    return [result]


def seed_region(
    *,
    seed: int = 1,
    people: int | None = None,
    progress: Progress = lambda message: None,
) -> list[SeedResult]:
    """The 33 London partnerships, people shared by child population.

    ``people`` is the region's total; by default the average borough has
    ``BOROUGH_PEOPLE``.
    """
    authorities = london_local_authorities()
    total = BOROUGH_PEOPLE * len(authorities) if people is None else people
    _, partnerships = ensure_london(authorities)
    adopt_shipped_frameworks(partnerships, progress)
    sizes = people_by_population(authorities, total)
    progress(f"London: {len(partnerships)} partnerships, about {sum(sizes):,} people")
    password = make_password(None)
    results = []
    for partnership, size in zip(partnerships, sizes, strict=True):
        result = seed_partnership(partnership, people=size, seed=seed, password=password)
        report(result, progress)
        results.append(result)
    return results

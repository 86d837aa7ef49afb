"""Synthetic agencies and the workforce's person records.

Each seeded partnership gets agencies in realistic proportions by sector, a few services
each, and one Person per seeded learner: in an agency of the sector their email domain
stands for, with a role of the adopted London framework that fits the sector, and a line
manager among the line managers of the same agency. Agency leads lead an agency their
own record sits in. Everything is inserted in bulk in the partnership's transaction, so
"already seeded" covers it too.
"""

import datetime
import random
from collections.abc import Sequence

from interagency.accounts.models import User
from interagency.catalogue.models import Role as CatalogueRole
from interagency.core.permissions import Role
from interagency.demo.seeding.bulk import BATCH_SIZE
from interagency.demo.seeding.catalogue import london_roles
from interagency.demo.seeding.names import PLACES
from interagency.demo.seeding.people import AGENCIES, SyntheticPerson
from interagency.people.models import Agency, EmploymentType, Person, Sector, Service
from interagency.tenancy.models import Partnership

# Share of the partnership's agencies in each sector (per cent).
SECTOR_SHARES: tuple[tuple[Sector, int], ...] = (
    (Sector.EDUCATION, 30),
    (Sector.HEALTH, 25),
    (Sector.CHILDRENS_SOCIAL_CARE, 12),
    (Sector.VOLUNTARY, 10),
    (Sector.EARLY_YEARS, 8),
    (Sector.POLICE, 5),
    (Sector.HOUSING, 3),
    (Sector.PROBATION_YOUTH_JUSTICE, 3),
    (Sector.FAITH, 2),
    (Sector.SPORT_LEISURE, 2),
)
PEOPLE_PER_AGENCY = 80
# Which of the synthetic email domains (AGENCIES) each sector's staff are on.
SECTOR_DOMAIN: dict[Sector, str] = {
    Sector.EDUCATION: "schools",
    Sector.EARLY_YEARS: "schools",
    Sector.HEALTH: "health",
    Sector.CHILDRENS_SOCIAL_CARE: "council",
    Sector.HOUSING: "council",
    Sector.POLICE: "police",
    Sector.VOLUNTARY: "voluntary",
    Sector.FAITH: "voluntary",
    Sector.SPORT_LEISURE: "voluntary",
    Sector.PROBATION_YOUTH_JUSTICE: "probation",
}
AGENCY_KINDS: dict[Sector, tuple[str, ...]] = {
    Sector.EDUCATION: ("{place} Primary School", "{place} Academy", "{place} Secondary School",
                       "{place} Special School", "{place} Sixth Form College"),
    Sector.HEALTH: ("{place} Medical Centre", "{place} NHS Foundation Trust",
                    "{place} Community Health Services", "{place} Dental Practice"),
    Sector.CHILDRENS_SOCIAL_CARE: ("{borough} Council Children's Services",
                                   "{place} Children's Home", "{place} Family Support Team"),
    Sector.VOLUNTARY: ("{place} Youth Project", "{place} Family Centre", "{place} Mentoring Trust"),
    Sector.EARLY_YEARS: ("{place} Nursery", "{place} Children's Centre", "{place} Childminders"),
    Sector.POLICE: ("{borough} Police Safeguarding Unit", "{place} Neighbourhood Policing Team"),
    Sector.HOUSING: ("{borough} Council Housing Services", "{place} Housing Association"),
    Sector.PROBATION_YOUTH_JUSTICE: ("{borough} Youth Justice Service", "{place} Probation Office"),
    Sector.FAITH: ("{place} Church", "{place} Mosque", "{place} Synagogue", "{place} Gurdwara"),
    Sector.SPORT_LEISURE: ("{place} Leisure Centre", "{place} Football Club"),
}  # fmt: skip
SERVICE_NAMES: dict[Sector, tuple[str, ...]] = {
    Sector.EDUCATION: ("Teaching staff", "Pastoral team", "Special educational needs",
                       "Support staff", "Early years unit"),
    Sector.HEALTH: ("Emergency department", "Health visiting", "School nursing",
                    "Child and adolescent mental health", "General practice", "Midwifery"),
    Sector.CHILDRENS_SOCIAL_CARE: ("Assessment team", "Children in care", "Early help",
                                   "Fostering and adoption", "Residential care"),
    Sector.VOLUNTARY: ("Youth work", "Volunteers", "Family support"),
    Sector.EARLY_YEARS: ("Nursery staff", "Childminding network", "Outreach"),
    Sector.POLICE: ("Child abuse investigation", "Neighbourhood policing", "Public protection"),
    Sector.HOUSING: ("Homeless persons team", "Tenancy support", "Allocations"),
    Sector.PROBATION_YOUTH_JUSTICE: ("Youth offending team", "Probation practitioners"),
    Sector.FAITH: ("Children's and youth ministry", "Volunteers"),
    Sector.SPORT_LEISURE: ("Coaching", "Lifeguards and reception"),
}  # fmt: skip
# Roles of the London framework (Competence Matters) that fit each sector, most common first.
SECTOR_ROLES: dict[Sector, tuple[str, ...]] = {
    Sector.EDUCATION: ("Learning Support Assistant", "Educational Psychologist"),
    Sector.HEALTH: ("General Practitioner", "Radiologist", "Community Paediatrician"),
    Sector.CHILDRENS_SOCIAL_CARE: ("Children’s Social Worker",
                                   "Manager of Children’s Residential Home"),
    Sector.VOLUNTARY: ("Learning Support Assistant", "Sports Instructor"),
    Sector.EARLY_YEARS: ("Learning Support Assistant",),
    Sector.POLICE: ("Community Safety Officer (Police Crisis intervention Team)",),
    Sector.HOUSING: ("Community Safety Officer (Police Crisis intervention Team)",),
    Sector.PROBATION_YOUTH_JUSTICE: ("Community Safety Officer (Police Crisis intervention Team)",
                                     "Children’s Social Worker"),
    Sector.FAITH: ("Learning Support Assistant",),
    Sector.SPORT_LEISURE: ("Sports Instructor",),
}  # fmt: skip
# The day the synthetic start dates count back from (up to fifteen years).
WORKFORCE_STARTED = datetime.date(2026, 1, 1)

Member = tuple[User, SyntheticPerson]


def agency_plan(borough: str, people: int, taken: set[str]) -> list[tuple[str, Sector]]:
    """Names and sectors of the partnership's agencies: about one per 80 people, by share.

    Names already ``taken`` (lower case) in the partnership are skipped.
    """
    total = max(len(SECTOR_SHARES), round(people / PEOPLE_PER_AGENCY))
    plan = []
    for sector, share in SECTOR_SHARES:
        kinds = AGENCY_KINDS[sector]
        made, attempt = 0, 0
        wanted = max(1, round(total * share / 100))
        while made < wanted:
            kind = kinds[attempt % len(kinds)]
            place_number = attempt // len(kinds)
            place = PLACES[place_number % len(PLACES)]
            name = kind.format(borough=borough, place=place)
            if "{place}" in kind and place_number >= len(PLACES):
                name = f"{name} {place_number // len(PLACES) + 1}"
            elif "{place}" not in kind and attempt >= len(kinds):
                name = f"{name} {attempt // len(kinds) + 1}"
            attempt += 1
            if name.lower() in taken:
                continue
            taken.add(name.lower())
            plan.append((name, sector))
            made += 1
    return plan


def place_workforce(
    partnership: Partnership,
    plan: list[tuple[str, Sector]],
    workforce: list[Member],
    rng: random.Random,
) -> list[int]:
    """The index in ``plan`` of each member's agency: one of the sector their domain stands for."""
    shares = dict(SECTOR_SHARES)
    by_domain: dict[str, list[int]] = {}
    for index, (_name, sector) in enumerate(plan):
        by_domain.setdefault(SECTOR_DOMAIN[sector], []).append(index)
    domain_of = {f"{partnership.code}-{agency}.example": agency for agency, _ in AGENCIES}
    placed = []
    for _user, person in workforce:
        candidates = by_domain[domain_of[person.email.split("@")[1]]]
        weights = [shares[plan[index][1]] for index in candidates]
        placed.append(rng.choices(candidates, weights)[0])
    return placed


def create_agencies(
    partnership: Partnership,
    plan: list[tuple[str, Sector]],
    workforce: list[Member],
    placed: list[int],
) -> list[Agency]:
    """The planned agencies, each led by the first agency lead placed in it (if any)."""
    leads: dict[int, User] = {}
    for (user, person), index in zip(workforce, placed, strict=True):
        if Role.AGENCY_LEAD in person.roles:
            leads.setdefault(index, user)
    return Agency.objects.bulk_create(
        [
            Agency(
                partnership=partnership,
                name=name,
                sector=sector,
                is_statutory_partner=sector
                in (Sector.HEALTH, Sector.POLICE, Sector.CHILDRENS_SOCIAL_CARE)
                and "{place}" not in name,
                contact_name=leads[index].full_name if index in leads else "",
                contact_email=leads[index].email if index in leads else "",
                lead=leads.get(index),
            )
            for index, (name, sector) in enumerate(plan)
        ],
        batch_size=BATCH_SIZE,
    )


def create_services(
    partnership: Partnership, agencies: list[Agency], rng: random.Random
) -> dict[int, list[Service]]:
    """One to three services of each agency, by the agency's id."""
    services = Service.objects.bulk_create(
        [
            Service(partnership=partnership, agency=agency, name=name)
            for agency in agencies
            for name in rng.sample(
                SERVICE_NAMES[Sector(agency.sector)],
                k=rng.randint(1, min(3, len(SERVICE_NAMES[Sector(agency.sector)]))),
            )
        ],
        batch_size=BATCH_SIZE,
    )
    services_of: dict[int, list[Service]] = {}
    for service in services:
        services_of.setdefault(service.agency_id, []).append(service)
    return services_of


def workforce_record(
    *,
    number: int,
    member: Member,
    agency: Agency,
    services_of: dict[int, list[Service]],
    roles: dict[str, CatalogueRole],
    rng: random.Random,
) -> Person:
    """The person record of one member of the workforce, in ``agency``, with a fitting role."""
    user, person = member
    sector = Sector(agency.sector)
    fitting = [roles[name] for name in SECTOR_ROLES[sector] if name in roles]
    role = (
        rng.choices(fitting, [len(fitting) - i for i in range(len(fitting))])[0]
        if fitting
        else None
    )
    volunteer = sector in (Sector.VOLUNTARY, Sector.FAITH, Sector.SPORT_LEISURE)
    return Person(
        partnership=agency.partnership,
        full_name=person.full_name,
        work_email=person.email,
        job_title=role.name if role else "",
        role=role,
        agency=agency,
        service=rng.choice(services_of.get(agency.pk) or [None]),
        employment_type=(
            EmploymentType.VOLUNTEER
            if volunteer and rng.random() < 0.6
            else EmploymentType.PERMANENT
        ),
        started_on=WORKFORCE_STARTED - datetime.timedelta(days=rng.randint(0, 15 * 365)),
        external_id=f"HR{number:06d}",
        user=user,
    )


def create_people(
    numbered: Sequence[tuple[int, tuple[Member, int]]],
    agencies: list[Agency],
    services_of: dict[int, list[Service]],
    roles: dict[str, CatalogueRole],
    rng: random.Random,
) -> int:
    """The line managers' records first, then everyone else's, managed by one of their agency's
    line managers; how many records were made."""

    def record(number: int, member: Member, index: int) -> Person:
        return workforce_record(
            number=number,
            member=member,
            agency=agencies[index],
            services_of=services_of,
            roles=roles,
            rng=rng,
        )

    managers = Person.objects.bulk_create(
        [
            record(number, member, index)
            for number, (member, index) in numbered
            if Role.LINE_MANAGER in member[1].roles
        ],
        batch_size=BATCH_SIZE,
    )
    managers_in: dict[int, list[Person]] = {}
    for manager in managers:
        managers_in.setdefault(manager.agency_id, []).append(manager)
    team = []
    for number, (member, index) in numbered:
        if Role.LINE_MANAGER in member[1].roles:
            continue
        person = record(number, member, index)
        managers_here = managers_in.get(person.agency_id)
        person.line_manager = rng.choice(managers_here) if managers_here else None
        team.append(person)
    Person.objects.bulk_create(team, batch_size=BATCH_SIZE)
    return len(managers) + len(team)


def seed_workforce(
    partnership: Partnership,
    users: list[User],
    persons: list[SyntheticPerson],
    rng: random.Random,
) -> tuple[int, int]:
    """Agencies, services and one Person per learner; returns (agencies, people) made."""
    borough = partnership.name.removesuffix(" Safeguarding Children Partnership")
    taken = {
        name.lower()
        for name in Agency.objects.for_partnership(partnership).values_list("name", flat=True)
    }
    workforce = [
        (user, person)
        for user, person in zip(users, persons, strict=True)
        if Role.LEARNER in person.roles
    ]
    plan = agency_plan(borough, len(workforce), taken)
    placed = place_workforce(partnership, plan, workforce, rng)
    agencies = create_agencies(partnership, plan, workforce, placed)
    services_of = create_services(partnership, agencies, rng)
    roles = london_roles(partnership)
    numbered = list(enumerate(zip(workforce, placed, strict=True), start=1))
    return len(agencies), create_people(numbered, agencies, services_of, roles, rng)

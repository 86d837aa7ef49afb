"""The demo's borough: ten agencies across the sectors and 300 people in posts, made once.

The four agencies of the demo's story (``demo.DEMO_AGENCIES``) and six more, so
every sector a partnership trains shows: children's social care, an NHS trust
and a GP practice, schools, a nursery, the police, housing, youth justice and
a youth project. Their staff have services, London framework roles (one or
two without: the training status shows "no role"), start dates from last
quarter to twelve years ago, and line managers in their own agency; the demo
line manager's team sits in the NHS trust's health visiting service. Records
only: none of these people has an account.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from interagency.catalogue.models import Role as CatalogueRole
from interagency.demo.seeding.bulk import BATCH_SIZE
from interagency.demo.seeding.catalogue import london_roles
from interagency.demo.seeding.names import FIRST_NAMES, LAST_NAMES
from interagency.people.models import Agency, EmploymentType, Person, Sector, Service
from interagency.tenancy.models import Partnership

DEMO_PEOPLE_TOTAL = 300
BOROUGH_DOMAIN = "demo-borough.example"
TEAM_SIZE = 8  # the demo line manager's team, besides the demo learner


@dataclass(frozen=True)
class DemoAgency:
    name: str
    sector: Sector
    statutory: bool
    services: tuple[str, ...]
    roles: tuple[str, ...]  # London framework roles of its staff, most common first
    staff: int  # generated staff (the story's named people come on top)


SOCIAL_WORKER = "Children’s Social Worker"
HOME_MANAGER = "Manager of Children’s Residential Home"
PAEDIATRICIAN = "Community Paediatrician"
GP = "General Practitioner"
ASSISTANT = "Learning Support Assistant"
PSYCHOLOGIST = "Educational Psychologist"
SAFETY_OFFICER = "Community Safety Officer (Police Crisis intervention Team)"
INSTRUCTOR = "Sports Instructor"

DEMO_BOROUGH_AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("Demo Council Children's Services", Sector.CHILDRENS_SOCIAL_CARE, True,
               ("Assessment team", "Children in care", "Early help"),
               (SOCIAL_WORKER, HOME_MANAGER), 52),
    DemoAgency("Demo Community Health NHS Trust", Sector.HEALTH, True,
               ("Health visiting", "School nursing", "Emergency department"),
               (PAEDIATRICIAN, GP, "Radiologist"), 56),
    DemoAgency("Demo Primary School", Sector.EDUCATION, False,
               ("Teaching staff", "Pastoral team"), (ASSISTANT, PSYCHOLOGIST), 30),
    DemoAgency("Demo Youth Project", Sector.VOLUNTARY, False,
               ("Youth work", "Volunteers"), (INSTRUCTOR, ASSISTANT), 16),
    DemoAgency("Demo Park Medical Centre", Sector.HEALTH, False,
               ("General practice",), (GP,), 14),
    DemoAgency("Demo Borough Police Safeguarding Unit", Sector.POLICE, True,
               ("Child abuse investigation", "Neighbourhood policing"), (SAFETY_OFFICER,), 30),
    DemoAgency("Demo Academy", Sector.EDUCATION, False,
               ("Teaching staff", "Special educational needs", "Support staff"),
               (ASSISTANT, PSYCHOLOGIST), 32),
    DemoAgency("Demo Little Acorns Nursery", Sector.EARLY_YEARS, False,
               ("Nursery staff",), (ASSISTANT,), 14),
    DemoAgency("Demo Council Housing Services", Sector.HOUSING, False,
               ("Homeless persons team", "Tenancy support"), (SAFETY_OFFICER,), 14),
    DemoAgency("Demo Youth Justice Service", Sector.PROBATION_YOUTH_JUSTICE, True,
               ("Youth offending team",), (SOCIAL_WORKER, SAFETY_OFFICER), 12),
)  # fmt: skip
# One generated person in about this many is a line manager in their agency.
MANAGER_EVERY = 9
WITHOUT_ROLE = 2  # people left without a role, so the status shows "no role"


def demo_borough_seeded(partnership: Partnership) -> bool:
    """Whether the borough's generated staff are there (they are made all at once)."""
    return (
        Person.objects.for_partnership(partnership)
        .filter(work_email__endswith=f"@{BOROUGH_DOMAIN}")
        .exists()
    )


def ensure_demo_agencies(partnership: Partnership) -> dict[str, Agency]:
    """Every demo agency and its services, made once; the agencies by name."""
    agencies = {}
    for plan in DEMO_BOROUGH_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            partnership=partnership,
            name=plan.name,
            defaults={"sector": plan.sector, "is_statutory_partner": plan.statutory},
        )
        agencies[plan.name] = agency
        for service in plan.services:
            Service.objects.get_or_create(partnership=partnership, agency=agency, name=service)
    return agencies


def staff_record(
    partnership: Partnership,
    *,
    number: int,
    agency: Agency,
    plan: DemoAgency,
    services: Sequence[Service],
    roles: dict[str, CatalogueRole],
    today: datetime.date,
    rng: random.Random,
) -> Person:
    """One generated member of staff, unsaved: a fitting role, a service, a start date."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    fitting = [roles[name] for name in plan.roles if name in roles]
    weights = [len(fitting) - i for i in range(len(fitting))]
    role = rng.choices(fitting, weights)[0] if fitting else None
    volunteer = plan.sector == Sector.VOLUNTARY and rng.random() < 0.5
    # Most have been in post for years; a sixth joined in the last two years.
    days = rng.randint(90, 730) if rng.random() < 0.17 else rng.randint(731, 12 * 365)
    email_name = "".join(c for c in f"{first}.{last}".lower() if c.isalpha() or c == ".")
    return Person(
        partnership=partnership,
        full_name=f"{first} {last}",
        work_email=f"{email_name}{number}@{BOROUGH_DOMAIN}",
        job_title=role.name if role else "Practitioner",
        role=role,
        agency=agency,
        service=rng.choice(list(services)) if services else None,
        employment_type=EmploymentType.VOLUNTEER if volunteer else EmploymentType.PERMANENT,
        started_on=today - datetime.timedelta(days=days),
        external_id=f"DEMO{number:04d}",
    )


def seed_demo_borough(
    partnership: Partnership,
    *,
    manager: Person,
    today: datetime.date,
    rng: random.Random,
) -> int:
    """The borough's generated staff (see the module), once; how many were made."""
    if demo_borough_seeded(partnership):
        return 0
    agencies = ensure_demo_agencies(partnership)
    roles = london_roles(partnership)
    services_of: dict[int, list[Service]] = {}
    for service in Service.objects.for_partnership(partnership).order_by("pk"):
        services_of.setdefault(service.agency_id, []).append(service)
    named = Person.objects.for_partnership(partnership).count()
    wanted = max(0, DEMO_PEOPLE_TOTAL - named)
    total = sum(plan.staff for plan in DEMO_BOROUGH_AGENCIES)
    records: list[Person] = []
    for plan in DEMO_BOROUGH_AGENCIES:
        agency = agencies[plan.name]
        share = round(plan.staff * wanted / total) if plan is not DEMO_BOROUGH_AGENCIES[-1] else 0
        count = share or max(0, wanted - len(records))
        for _ in range(count):
            records.append(
                staff_record(
                    partnership,
                    number=len(records) + 1,
                    agency=agency,
                    plan=plan,
                    services=services_of.get(agency.pk, []),
                    roles=roles,
                    today=today,
                    rng=rng,
                )
            )
    for person in records[5 : 5 + 40 * WITHOUT_ROLE : 40]:
        person.role, person.job_title = None, "Practitioner"
    return create_with_managers(records, manager=manager, rng=rng)


def create_with_managers(records: list[Person], *, manager: Person, rng: random.Random) -> int:
    """Save the records: line managers first, then their teams, each in the managers'
    agency; the first few of the demo manager's service join the demo manager's team."""
    bosses = [person for index, person in enumerate(records) if index % MANAGER_EVERY == 0]
    Person.objects.bulk_create(bosses, batch_size=BATCH_SIZE)
    bosses_in: dict[int, list[Person]] = {}
    for boss in bosses:
        bosses_in.setdefault(boss.agency_id, []).append(boss)
    team = [person for index, person in enumerate(records) if index % MANAGER_EVERY]
    joined = 0
    for person in team:
        if (
            joined < TEAM_SIZE
            and person.agency_id == manager.agency_id
            and person.service_id == manager.service_id
        ):
            person.line_manager = manager
            joined += 1
            continue
        here = bosses_in.get(person.agency_id)
        person.line_manager = rng.choice(here) if here else None
    Person.objects.bulk_create(team, batch_size=BATCH_SIZE)
    return len(records)

"""Synthetic data: the demo, one borough, or a whole region.

Every scale is repeatable for a given seed and idempotent: running it twice
leaves the database as after the first run. Large scales insert in bulk
(``bulk_create`` in batches), never one ``save()`` per row.
"""

import csv
import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from interagency.accounts.models import User
from interagency.catalogue.interchange import build_framework, shipped_document
from interagency.catalogue.models import Adoption
from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.services import adopt_framework
from interagency.core.permissions import Role
from interagency.demo.seeding_delivery import seed_delivery, seed_demo_delivery
from interagency.people.models import Agency, EmploymentType, Person, Sector, Service
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


SHIPPED_FRAMEWORKS = ("competence-matters", "intercollegiate-health")


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


@transaction.atomic
def load_demo(*, password: str, progress: Progress = lambda message: None) -> list[User]:
    """The demo partnerships and one account per role; returns the demo accounts."""
    authorities = [la for la in london_local_authorities() if la.gss_code in DEMO_PARTNERSHIPS]
    _, partnerships = ensure_london(authorities)
    home = partnerships[0]
    progress(f"Partnerships: {', '.join(p.name for p in partnerships)}")
    adopt_shipped_frameworks(partnerships, progress)
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
    by_name = {user.email.split("@")[0]: user for user in accounts}
    ensure_demo_workforce(home, by_name)
    progress(f"Demo accounts: {len(accounts)}")
    agencies = Agency.objects.for_partnership(home).filter(
        name__in=[name for name, _sector, _statutory in DEMO_AGENCIES]
    )
    delivery = seed_demo_delivery(home, by_name, list(agencies.order_by("name")))
    if not delivery.skipped:
        progress(f"Demo sessions: {delivery.sessions}, bookings: {delivery.bookings}")
    return accounts


# A few agencies for the demo partnership, and the demo accounts who work in them:
# (account, agency, service, London framework role); the agency lead leads the trust
# and the line manager manages the learner.
DEMO_AGENCIES: tuple[tuple[str, Sector, bool], ...] = (
    ("Demo Community Health NHS Trust", Sector.HEALTH, True),
    ("Demo Council Children's Services", Sector.CHILDRENS_SOCIAL_CARE, True),
    ("Demo Primary School", Sector.EDUCATION, False),
    ("Demo Youth Project", Sector.VOLUNTARY, False),
)
DEMO_PEOPLE: tuple[tuple[str, str, str, str], ...] = (
    ("agencylead", "Demo Community Health NHS Trust", "Health visiting", "Community Paediatrician"),
    ("manager", "Demo Community Health NHS Trust", "Health visiting", "Community Paediatrician"),
    ("learner", "Demo Community Health NHS Trust", "Health visiting", "General Practitioner"),
    ("trainer", "Demo Council Children's Services", "Early help", "Children’s Social Worker"),
)


def ensure_demo_workforce(partnership: Partnership, accounts: dict[str, User]) -> None:
    """The demo agencies and the demo accounts' person records, each made once."""
    agencies = {}
    for name, sector, statutory in DEMO_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={"sector": sector, "is_statutory_partner": statutory},
        )
        agencies[name] = agency
    trust = agencies[DEMO_PEOPLE[0][1]]
    if trust.lead_id is None:
        lead = accounts["agencylead"]
        trust.lead, trust.contact_name, trust.contact_email = lead, lead.full_name, lead.email
        trust.save(update_fields=["lead", "contact_name", "contact_email"])
    roles = london_roles(partnership)
    people: dict[str, Person] = {}
    for local_part, agency_name, service_name, role_name in DEMO_PEOPLE:
        agency = agencies[agency_name]
        service, _ = Service.objects.get_or_create(
            partnership=partnership, agency=agency, name=service_name
        )
        user = accounts[local_part]
        people[local_part], _ = Person.objects.get_or_create(
            partnership=partnership,
            user=user,
            defaults={
                "full_name": user.full_name,
                "work_email": user.email,
                "job_title": role_name,
                "role": roles.get(role_name),
                "agency": agency,
                "service": service,
                "started_on": datetime.date(2022, 9, 1),
            },
        )
    learner = people["learner"]
    if learner.line_manager_id is None:
        learner.line_manager = people["manager"]
        learner.save(update_fields=["line_manager"])


# --- Synthetic people: one borough or the whole region -------------------------------------
#
# Every synthetic account has an address on one of the partnership's synthetic agency
# domains, ``<code>-<agency>.example`` (``camden-council.example``, ``camden-health.example``
# and so on; ``.example`` is reserved and never delivers mail). Those domains belong to the
# seeder: a partnership with any member on them counts as seeded and is skipped whole, so a
# second run changes nothing. Each partnership is seeded in its own transaction, so an
# interrupted run leaves whole partnerships, and running again finishes the rest.

BATCH_SIZE = 2000
BOROUGH_PEOPLE = 8000  # the borough scale, and the average borough in the region scale
COUNTY_PEOPLE = 100_000  # the county scale: a county's partnership, in Camden's place
BOROUGH_GSS_CODE = "E09000007"  # Camden

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

FIRST_NAMES = (
    "Oliver",
    "Amelia",
    "George",
    "Olivia",
    "Harry",
    "Isla",
    "Noah",
    "Ava",
    "Jack",
    "Mia",
    "Leo",
    "Ivy",
    "Arthur",
    "Lily",
    "Muhammad",
    "Florence",
    "Oscar",
    "Freya",
    "Charlie",
    "Emily",
    "Jacob",
    "Grace",
    "Thomas",
    "Sophie",
    "James",
    "Poppy",
    "William",
    "Evie",
    "Henry",
    "Ella",
    "Alfie",
    "Isabella",
    "Joshua",
    "Ruby",
    "Samuel",
    "Chloe",
    "Daniel",
    "Hannah",
    "Joseph",
    "Jessica",
    "Benjamin",
    "Charlotte",
    "Edward",
    "Lucy",
    "David",
    "Sarah",
    "Michael",
    "Rachel",
    "Paul",
    "Helen",
    "Mark",
    "Claire",
    "Andrew",
    "Emma",
    "Richard",
    "Laura",
    "Peter",
    "Rebecca",
    "Stephen",
    "Karen",
    "Christopher",
    "Nicola",
    "Matthew",
    "Joanne",
    "Gareth",
    "Siobhan",
    "Ciaran",
    "Niamh",
    "Rhys",
    "Carys",
    "Callum",
    "Eilidh",
    "Mohammed",
    "Fatima",
    "Ahmed",
    "Aisha",
    "Omar",
    "Zainab",
    "Yusuf",
    "Maryam",
    "Ibrahim",
    "Amina",
    "Priya",
    "Arjun",
    "Anjali",
    "Rohan",
    "Sunita",
    "Ravi",
    "Deepa",
    "Sanjay",
    "Harpreet",
    "Gurpreet",
    "Oluwaseun",
    "Chiamaka",
    "Kwame",
    "Adaeze",
    "Tunde",
    "Folake",
    "Kofi",
    "Abena",
    "Chinedu",
    "Ngozi",
    "Wei",
    "Mei",
    "Jun",
    "Lin",
    "Tomasz",
    "Agnieszka",
    "Piotr",
    "Katarzyna",
    "Andrei",
    "Elena",
    "Mehmet",
    "Ayse",
    "Luca",
    "Giulia",
    "Mateus",
    "Ana",
    "Kemal",
    "Leyla",
    "Hamza",
    "Safiya",
    "Ellis",
    "Jordan",
)
LAST_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hussain", "Ahmed", "Rahman", "Shah", "Sharma", "Kaur", "Gill", "Chowdhury",
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Okonkwo", "Adebayo", "Boateng", "Nwosu",
    "Chen", "Wang", "Li", "Nguyen", "Kowalski", "Nowak", "Popescu", "Yilmaz", "Demir",
    "Rossi", "Silva", "Santos", "O'Brien", "O'Connor", "McCarthy", "MacDonald", "Byrne",
    "Fitzgerald", "Lloyd", "Reid", "Campbell", "Stewart", "Douglas", "Hamilton-Smith",
)  # fmt: skip


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


@dataclass(frozen=True)
class SyntheticPerson:
    email: str
    full_name: str
    roles: tuple[Role, ...]


def _email_part(name: str) -> str:
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
        email = f"{_email_part(first)}.{_email_part(last)}{number + 1}@{domain}"
        result.append(SyntheticPerson(email, f"{first} {last}", roles))
    return result


# --- Synthetic agencies and the workforce's person records ----------------------------------
#
# Each seeded partnership gets agencies in realistic proportions by sector, a few services
# each, and one Person per seeded learner: in an agency of the sector their email domain
# stands for, with a role of the adopted London framework that fits the sector, and a line
# manager among the line managers of the same agency. Agency leads lead an agency their
# own record sits in. Everything is inserted in bulk in the partnership's transaction, so
# "already seeded" covers it too.

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
PLACES = (
    "Oakfield", "Riverside", "Hillside", "St Mary's", "Elmwood", "Parkside", "Greenway",
    "Church Street", "Station Road", "Victoria", "Albert", "Brookside", "Beechwood", "Cedar",
    "Holy Trinity", "St John's", "Meadow", "Ashgrove", "Northfield", "Southgate", "Westbury",
    "Eastfield", "Kingsway", "Queensway", "Fairfield", "Highfield", "Lime Tree", "Willow",
)  # fmt: skip
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
LONDON_FRAMEWORK = "competence-matters"


def london_roles(partnership: Partnership) -> dict[str, CatalogueRole]:
    """The adopted London framework's roles by name (empty if it is not adopted)."""
    adopted = Adoption.objects.for_partnership(partnership).values("framework_id")
    roles = CatalogueRole.objects.filter(
        framework__in=adopted, framework__slug=LONDON_FRAMEWORK, local_to__isnull=True
    ).select_related("tier")
    return {role.name: role for role in roles}


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
    shares = dict(SECTOR_SHARES)
    by_domain: dict[str, list[int]] = {}
    for index, (_name, sector) in enumerate(plan):
        by_domain.setdefault(SECTOR_DOMAIN[sector], []).append(index)
    domain_of = {f"{partnership.code}-{agency}.example": agency for agency, _ in AGENCIES}
    placed = []  # the agency index of each member of the workforce
    for _user, person in workforce:
        candidates = by_domain[domain_of[person.email.split("@")[1]]]
        weights = [shares[plan[index][1]] for index in candidates]
        placed.append(rng.choices(candidates, weights)[0])
    leads: dict[int, User] = {}
    for (user, person), index in zip(workforce, placed, strict=True):
        if Role.AGENCY_LEAD in person.roles:
            leads.setdefault(index, user)
    agencies = Agency.objects.bulk_create(
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
    roles = london_roles(partnership)
    started = datetime.date(2026, 1, 1)

    def record(number: int, user: User, person: SyntheticPerson, index: int) -> Person:
        agency = agencies[index]
        sector = Sector(agency.sector)
        fitting = [roles[name] for name in SECTOR_ROLES[sector] if name in roles]
        role = (
            rng.choices(fitting, [len(fitting) - i for i in range(len(fitting))])[0]
            if fitting
            else None
        )
        volunteer = sector in (Sector.VOLUNTARY, Sector.FAITH, Sector.SPORT_LEISURE)
        return Person(
            partnership=partnership,
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
            started_on=started - datetime.timedelta(days=rng.randint(0, 15 * 365)),
            external_id=f"HR{number:06d}",
            user=user,
        )

    numbered = list(enumerate(zip(workforce, placed, strict=True), start=1))
    managers = Person.objects.bulk_create(
        [
            record(number, user, person, index)
            for number, ((user, person), index) in numbered
            if Role.LINE_MANAGER in person.roles
        ],
        batch_size=BATCH_SIZE,
    )
    managers_in: dict[int, list[Person]] = {}
    for manager in managers:
        managers_in.setdefault(manager.agency_id, []).append(manager)
    team = []
    for number, ((user, person), index) in numbered:
        if Role.LINE_MANAGER in person.roles:
            continue
        member = record(number, user, person, index)
        managers_here = managers_in.get(member.agency_id)
        member.line_manager = rng.choice(managers_here) if managers_here else None
        team.append(member)
    Person.objects.bulk_create(team, batch_size=BATCH_SIZE)
    return len(agencies), len(managers) + len(team)


def seed_partnership(
    partnership: Partnership, *, people: int, seed: int, password: str | None = None
) -> SeedResult:
    """Seed one partnership in one transaction, unless it is already seeded."""
    started = time.perf_counter()
    if is_seeded(partnership):
        # Seeded before sessions were: add them (once; seed_delivery checks).
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
    password = password or make_password(None)
    persons = synthetic_people(partnership.code, people, seed)
    with transaction.atomic():
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


def people_by_population(authorities: list[LocalAuthority], total: int) -> list[int]:
    """Share ``total`` people among ``authorities`` by child population, at least one each."""
    children = sum(la.children for la in authorities) or 1
    return [max(1, round(total * la.children / children)) for la in authorities]


def _report(result: SeedResult, progress: Progress) -> None:
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
    _report(result, progress)
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
        _report(result, progress)
        results.append(result)
    return results

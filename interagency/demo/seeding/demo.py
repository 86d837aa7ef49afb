"""The demo: two partnerships, one account per role, and the people those accounts are.

Made once: running the demo again changes nothing but a changed password.
"""

import datetime

from django.db import transaction

from interagency.accounts.models import User
from interagency.core.permissions import Role
from interagency.demo.seeding.catalogue import Progress, adopt_shipped_frameworks, london_roles
from interagency.demo.seeding.demo_delivery import seed_demo_delivery
from interagency.demo.seeding.demo_finance import seed_demo_finance
from interagency.demo.seeding.partnerships import ensure_london, london_local_authorities
from interagency.people.models import Agency, Person, Sector, Service
from interagency.tenancy.models import Membership, Partnership

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
    if seed_demo_finance(home, by_name["coordinator"]):
        progress("Demo finance: this year's budget, partner agreements, costs and charges")
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

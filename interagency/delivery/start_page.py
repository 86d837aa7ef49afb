"""Delivery's sections of the start page and its daily-work pages in the menu, by role.

Registered in ``DeliveryConfig.ready()`` with ``tenancy.start_page``, so the
start page shows a coordinator's to-do list, a trainer's registers, a learner's
training, a manager's team and a board member's compliance figures without
tenancy importing delivery. Each section reads a fixed number of queries.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone

from interagency.core.permissions import Action, Role
from interagency.delivery.selectors.my_training import learner_statuses, status_counts_of
from interagency.delivery.selectors.registers import sessions_delivered_by
from interagency.delivery.selectors.sessions import london_midnight
from interagency.delivery.selectors.to_do import coordinator_to_do
from interagency.people.models import Person
from interagency.people.visibility import visible_people
from interagency.records.selectors.partnership import people_by_agency
from interagency.records.selectors.standings import people_by_worst_status
from interagency.tenancy.access import PartnershipAccess
from interagency.tenancy.start_page import RoleLink, Section, register_link, register_section

LEARNERS = frozenset({Role.LEARNER, Role.LINE_MANAGER, Role.AGENCY_LEAD})
TEAM_LEADERS = frozenset({Role.LINE_MANAGER, Role.AGENCY_LEAD})
SESSIONS_SHOWN = 5
# The board's start page names the agencies with the most people overdue; the compliance
# page has them all.
AGENCIES_SHOWN = 10


def to_do_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """The coordinator's to-do list, counted, each line linking to where the work is done."""
    if not access.allows(Action.MANAGE_SESSIONS):
        return None
    return Section("delivery/start/_to_do.html", {"to_do": coordinator_to_do(access, now=now())})


def trainer_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """The trainer's registers to close and today's and coming sessions (the first few)."""
    if Role.TRAINER not in access.roles:
        return None
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    found = sessions_delivered_by(
        access.partnership,
        access.user,
        now=now(),
        today_ends=london_midnight(tomorrow),
        limit=SESSIONS_SHOWN,
    )
    return Section("delivery/start/_trainer.html", found)


def learner_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """The member's own training counted by status, for those with a staff record here."""
    if not access.roles & LEARNERS:
        return None
    people, statuses = learner_statuses(access.partnership, access.user, today=today())
    if not people:
        return None
    return Section("delivery/start/_learner.html", {"counts": status_counts_of(statuses)})


def team_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """A line manager's or agency lead's people counted by their worst status: from the
    stored standings, the people without one ranked live (a fixed number of queries)."""
    if not access.roles & TEAM_LEADERS:
        return None
    people = visible_people(access.partnership, access.user, access.roles).exclude(user=access.user)
    counts = people_by_worst_status(access.partnership, people, today=today())
    return Section("delivery/start/_team.html", {"people": counts})


def board_section(access: PartnershipAccess, request: HttpRequest) -> Section | None:
    """The partnership's people counted by their worst status, in total and for the
    agencies with the most people overdue (counts only: a board member sees no names),
    with the ways to the whole compliance page, evaluation results and reports."""
    if Role.BOARD_MEMBER not in access.roles:
        return None
    everyone = Person.objects.for_partnership(access.partnership).filter(merged_into__isnull=True)
    total, agencies = people_by_agency(access.partnership, everyone, today=today())
    agencies.sort(key=lambda row: -row.statuses["overdue"])  # stable: by name within
    return Section(
        "delivery/start/_board.html",
        {"total": total, "agencies": agencies[:AGENCIES_SHOWN], "agency_count": len(agencies)},
    )


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    # Today in London: a server clock in UTC is still on yesterday until 1am in summer.
    return timezone.localdate()


def register() -> None:
    """Add delivery's sections to the start page and its pages to the menu."""
    register_section("delivery: to-do", to_do_section)
    register_section("delivery: trainer", trainer_section)
    register_section("delivery: learner", learner_section)
    register_section("delivery: team", team_section)
    register_section("delivery: board", board_section)
    register_link(
        "delivery: my training", RoleLink("My training", "sessions:my-training", LEARNERS)
    )
    register_link("delivery: my team", RoleLink("My team", "sessions:my-team", TEAM_LEADERS))
    register_link(
        "delivery: my sessions",
        RoleLink("My sessions", "sessions:my-sessions", frozenset({Role.TRAINER})),
    )

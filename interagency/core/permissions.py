"""The one place that answers "may this member do this?".

Roles are held per partnership membership; a person may hold several. Each
action lists the roles that may perform it, so the rules read as a table and
are tested as one (``core/tests/test_permissions.py``). Views, the API and
templates all ask :func:`role_allows`; nothing else decides.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Training coordinator"
    BOARD_MEMBER = "board", "Board member"
    AGENCY_LEAD = "agencylead", "Agency lead"
    LINE_MANAGER = "manager", "Line manager"
    TRAINER = "trainer", "Trainer"
    LEARNER = "learner", "Learner"


class Action(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_CATALOGUE = "view_catalogue"
    MANAGE_CATALOGUE = "manage_catalogue"
    VIEW_PEOPLE = "view_people"
    EDIT_PEOPLE = "edit_people"
    MANAGE_AGENCIES = "manage_agencies"
    IMPORT_PEOPLE = "import_people"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_SESSIONS = "view_sessions"
    MANAGE_SESSIONS = "manage_sessions"
    BOOK_FOR_OTHERS = "book_for_others"
    APPROVE_BOOKINGS = "approve_bookings"
    TAKE_REGISTER = "take_register"
    MANAGE_CHARGES = "manage_charges"
    VIEW_RECORDS = "view_records"
    VIEW_EVALUATION = "view_evaluation"
    MANAGE_EVALUATION = "manage_evaluation"
    VIEW_REPORTS = "view_reports"
    VIEW_COMPLIANCE = "view_compliance"
    MANAGE_FINANCE = "manage_finance"
    VIEW_AUDIT = "view_audit"


_EVERYONE = frozenset(Role)
_STAFF_MANAGERS = frozenset({Role.COORDINATOR, Role.AGENCY_LEAD, Role.LINE_MANAGER})

RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_DASHBOARD: _EVERYONE,
    Action.VIEW_CATALOGUE: _EVERYONE,
    Action.MANAGE_CATALOGUE: frozenset({Role.COORDINATOR}),
    Action.VIEW_PEOPLE: _STAFF_MANAGERS,
    # Agency leads add and change only their own agencies' people (visibility.can_edit_person).
    Action.EDIT_PEOPLE: frozenset({Role.COORDINATOR, Role.AGENCY_LEAD}),
    Action.MANAGE_AGENCIES: frozenset({Role.COORDINATOR}),
    # Agency leads import only their own agency's staff lists (checked in the view).
    Action.IMPORT_PEOPLE: frozenset({Role.COORDINATOR, Role.AGENCY_LEAD}),
    Action.VIEW_MEMBERS: frozenset({Role.COORDINATOR}),
    Action.MANAGE_MEMBERS: frozenset({Role.COORDINATOR}),
    Action.VIEW_SESSIONS: _EVERYONE,
    Action.MANAGE_SESSIONS: frozenset({Role.COORDINATOR}),
    # Managers and agency leads book only the people they may see (delivery.selectors.bookings).
    Action.BOOK_FOR_OTHERS: _STAFF_MANAGERS,
    Action.APPROVE_BOOKINGS: _STAFF_MANAGERS,
    # Trainers take the register of the sessions they deliver only (checked in the view).
    Action.TAKE_REGISTER: frozenset({Role.COORDINATOR, Role.TRAINER}),
    # The partnership invoices no-show charges to agencies, so agency leads do not waive them.
    Action.MANAGE_CHARGES: frozenset({Role.COORDINATOR}),
    Action.VIEW_RECORDS: _EVERYONE,
    # Trainers see the evaluation of the sessions they deliver only (evaluation.access).
    Action.VIEW_EVALUATION: frozenset({Role.COORDINATOR, Role.TRAINER, Role.BOARD_MEMBER}),
    # Instruments and plans, entering paper answers, every response of a plan.
    Action.MANAGE_EVALUATION: frozenset({Role.COORDINATOR}),
    Action.VIEW_REPORTS: frozenset({Role.COORDINATOR, Role.BOARD_MEMBER, Role.AGENCY_LEAD}),
    # The budget, its income and spending, session costs and in-kind rates (finance).
    Action.MANAGE_FINANCE: frozenset({Role.COORDINATOR}),
    Action.VIEW_AUDIT: frozenset({Role.COORDINATOR}),
    # The partnership's compliance by sector, agency and tier; names only as visibility allows.
    Action.VIEW_COMPLIANCE: frozenset({Role.COORDINATOR, Role.BOARD_MEMBER}),
}

# Roles whose holders administer a partnership and so must use two-factor sign-in.
ADMIN_ROLES = frozenset({Role.COORDINATOR})


def role_allows(roles: Iterable[str], action: Action) -> bool:
    """True when any of ``roles`` may perform ``action``."""
    allowed = RULES[action]
    return any(role in allowed for role in roles)


def allowed_actions(roles: Iterable[str]) -> frozenset[Action]:
    """Every action the holder of ``roles`` may perform (for navigation and templates)."""
    held = frozenset(roles)
    return frozenset(action for action, allowed in RULES.items() if held & allowed)

"""The permission rules, as a table a coordinator could read.

Each row is an action; each column a role (C coordinator, B board member,
A agency lead, M line manager, T trainer, L learner). ``Y`` allows, ``.``
refuses. The table is written out here independently of ``RULES`` so that a
change to a rule must be made twice, on purpose.
"""

import pytest

from interagency.core.permissions import RULES, Action, Role, allowed_actions, role_allows

COLUMNS = (
    Role.COORDINATOR,
    Role.BOARD_MEMBER,
    Role.AGENCY_LEAD,
    Role.LINE_MANAGER,
    Role.TRAINER,
    Role.LEARNER,
)

TABLE = """
                    C B A M T L
view_dashboard      Y Y Y Y Y Y
view_catalogue      Y Y Y Y Y Y
manage_catalogue    Y . . . . .
view_people         Y . Y Y . .
edit_people         Y . Y . . .
manage_agencies     Y . . . . .
import_people       Y . Y . . .
view_members        Y . . . . .
manage_members      Y . . . . .
view_sessions       Y Y Y Y Y Y
manage_sessions     Y . . . . .
book_for_others     Y . Y Y . .
approve_bookings    Y . Y Y . .
take_register       Y . . . Y .
manage_charges      Y . . . . .
view_records        Y Y Y Y Y Y
view_evaluation     Y Y . . Y .
manage_evaluation   Y . . . . .
view_reports        Y Y Y . . .
manage_finance      Y . . . . .
view_audit          Y . . . . .
view_compliance     Y Y . . . .
"""


def expected_cells() -> list[tuple[Action, Role, bool]]:
    cells = []
    for line in TABLE.strip().splitlines()[1:]:
        action, *marks = line.split()
        for role, mark in zip(COLUMNS, marks, strict=True):
            cells.append((Action(action), role, mark == "Y"))
    return cells


def test_table_covers_every_action_and_role():
    actions = {action for action, _, _ in expected_cells()}
    assert actions == set(Action) == set(RULES)
    assert set(COLUMNS) == set(Role)


@pytest.mark.parametrize(("action", "role", "allowed"), expected_cells())
def test_role_may_perform_action_only_as_the_table_says(action, role, allowed):
    assert role_allows([role], action) is allowed


def test_holding_several_roles_allows_what_any_of_them_allows():
    assert role_allows([Role.LEARNER, Role.TRAINER], Action.VIEW_EVALUATION)
    assert not role_allows([Role.LEARNER, Role.TRAINER], Action.VIEW_AUDIT)
    assert Action.VIEW_REPORTS in allowed_actions([Role.LEARNER, Role.AGENCY_LEAD])


def test_no_roles_allow_nothing():
    assert allowed_actions([]) == frozenset()

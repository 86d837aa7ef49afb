"""Who sees whose record: the people visibility rule, role by role."""

import pytest

from interagency.core.permissions import Role
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.people.visibility import can_edit_person, visible_people


@pytest.fixture
def staff(partnership, member_with):
    """Two agencies; a lead of the first; a manager with a team in it; a learner."""
    lead = member_with(Role.AGENCY_LEAD)
    manager_user = member_with(Role.LINE_MANAGER)
    learner_user = member_with(Role.LEARNER)
    led = AgencyFactory.create(partnership=partnership, lead=lead)
    other = AgencyFactory.create(partnership=partnership)
    manager = PersonFactory.create(agency=led, user=manager_user)
    report = PersonFactory.create(agency=led, line_manager=manager)
    learner = PersonFactory.create(agency=other, user=learner_user)
    stranger = PersonFactory.create(agency=other)
    merged = PersonFactory.create(agency=led, merged_into=report)
    return {
        "lead": lead,
        "manager_user": manager_user,
        "learner_user": learner_user,
        "manager": manager,
        "report": report,
        "learner": learner,
        "stranger": stranger,
        "merged": merged,
    }


def names(people) -> set[str]:
    return {person.full_name for person in people}


def test_a_coordinator_sees_everyone_but_merged_records(partnership, coordinator, staff):
    seen = visible_people(partnership, coordinator, [Role.COORDINATOR])
    assert set(seen) == {staff["manager"], staff["report"], staff["learner"], staff["stranger"]}


def test_an_agency_lead_sees_only_the_people_of_agencies_they_lead(partnership, staff):
    seen = visible_people(partnership, staff["lead"], [Role.AGENCY_LEAD])
    assert set(seen) == {staff["manager"], staff["report"]}


def test_a_line_manager_sees_their_team_and_themselves(partnership, staff):
    seen = visible_people(partnership, staff["manager_user"], [Role.LINE_MANAGER])
    assert set(seen) == {staff["manager"], staff["report"]}


def test_a_learner_sees_only_themselves(partnership, staff):
    seen = visible_people(partnership, staff["learner_user"], [Role.LEARNER])
    assert set(seen) == {staff["learner"]}


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.TRAINER])
def test_board_members_and_trainers_see_no_named_people(partnership, member_with, staff, role):
    user = member_with(role)
    assert not visible_people(partnership, user, [role]).exists()


def test_several_roles_see_the_union(partnership, staff):
    seen = visible_people(partnership, staff["learner_user"], [Role.LEARNER, Role.LINE_MANAGER])
    assert set(seen) == {staff["learner"]}
    seen = visible_people(partnership, staff["lead"], [Role.AGENCY_LEAD, Role.LEARNER])
    assert set(seen) == {staff["manager"], staff["report"]}


def test_nobody_sees_another_partnerships_people(partnership, other_partnership, coordinator):
    PersonFactory.create(agency__partnership=other_partnership)
    assert not visible_people(partnership, coordinator, [Role.COORDINATOR]).exists()


def test_only_coordinators_and_the_persons_agency_lead_may_edit(partnership, coordinator, staff):
    assert can_edit_person(partnership, coordinator, [Role.COORDINATOR], staff["stranger"])
    assert can_edit_person(partnership, staff["lead"], [Role.AGENCY_LEAD], staff["report"])
    assert not can_edit_person(partnership, staff["lead"], [Role.AGENCY_LEAD], staff["stranger"])
    assert not can_edit_person(
        partnership, staff["manager_user"], [Role.LINE_MANAGER], staff["report"]
    )
    assert not can_edit_person(partnership, staff["learner_user"], [Role.LEARNER], staff["learner"])


def test_a_merged_record_cannot_be_edited(partnership, coordinator, staff):
    assert not can_edit_person(partnership, coordinator, [Role.COORDINATOR], staff["merged"])


def test_a_coordinator_cannot_edit_another_partnerships_person(
    partnership, other_partnership, coordinator
):
    foreign = PersonFactory.create(agency__partnership=other_partnership)
    assert not can_edit_person(partnership, coordinator, [Role.COORDINATOR], foreign)

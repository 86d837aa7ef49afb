"""Equivalent courses and hours-based roles in the training status: what a coordinator sees."""

import datetime
from decimal import Decimal

import pytest

from interagency.catalogue.models import Equivalence
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    RoleFactory,
    TierFactory,
)
from interagency.core.permissions import Role
from interagency.people.tests.factories import AgencyFactory, PersonFactory, PostFactory
from interagency.people.visibility import visible_people
from interagency.records.models import TrainingRecord
from interagency.records.selectors import Status, training_status

pytestmark = pytest.mark.clock

TODAY = datetime.date(2026, 6, 15)


def completed(person, course, on, hours=3, *, partly=False):
    return TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=on,
        hours=hours,
        source=TrainingRecord.Source.EXTERNAL,
        partly_completed=partly,
    )


def listed(partnership, coordinator):
    people = visible_people(partnership, coordinator, [Role.COORDINATOR])
    found = training_status(partnership, people, today=TODAY)
    return found, {person.full_name: person for person in found}


def test_an_equivalent_course_completed_satisfies_the_required_one(
    partnership, other_partnership, coordinator, catalogue
):
    agency = AgencyFactory.create(partnership=partnership)
    other = CourseFactory.create(tier=catalogue["core"].tier, title="Police ABE course")
    Equivalence.objects.create(partnership=partnership, course=other, counts_for=catalogue["core"])
    # Another partnership's equivalence changes nothing here.
    third = CourseFactory.create(tier=catalogue["core"].tier, title="Elsewhere")
    Equivalence.objects.create(
        partnership=other_partnership, course=third, counts_for=catalogue["intro"]
    )
    person = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Ada Equivalent",
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    completed(person, other, datetime.date(2025, 1, 10))
    completed(person, third, datetime.date(2025, 1, 10))

    found, people = listed(partnership, coordinator)
    rows = {row.title: row for row in people["Ada Equivalent"].courses}
    assert rows["Core"].status == Status.DONE
    assert rows["Core"].completed_on == datetime.date(2025, 1, 10)
    assert rows["Intro"].status == Status.OVERDUE
    # The database's counts agree with the page's rows.
    assert found.summary.courses["done"] == 1
    assert found.summary.courses["overdue"] == 1


@pytest.fixture
def health(partnership):
    """An intercollegiate-like framework: level 3 asks 6 hours each 36 months, level 1 two."""
    framework = FrameworkFactory.create(name="Health", period_months=36)
    AdoptionFactory.create(partnership=partnership, framework=framework)
    level_1 = TierFactory.create(
        framework=framework, code="level-1", name="Level 1", order=1, hours_per_period=2
    )
    level_3 = TierFactory.create(
        framework=framework, code="level-3", name="Level 3", order=3, hours_per_period=6
    )
    course = CourseFactory.create(tier=level_3, title="Safeguarding level 3 update")
    return {
        "receptionist": RoleFactory.create(framework=framework, tier=level_1, name="Receptionist"),
        "gp": RoleFactory.create(framework=framework, tier=level_3, name="General Practitioner"),
        "course": course,
    }


def test_hours_based_people_show_hours_done_against_their_highest_level(
    partnership, coordinator, health
):
    agency = AgencyFactory.create(partnership=partnership)
    start = datetime.date(2015, 1, 1)
    enough = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Enough Hours",
        role=health["gp"],
        started_on=start,
    )
    completed(enough, health["course"], datetime.date(2024, 3, 1), hours=4)
    completed(enough, health["course"], datetime.date(2025, 3, 1), hours=2)
    short = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Short Hours",
        role=health["receptionist"],
        started_on=start,
    )
    # Level 1 needs 2, but a further post at level 3 asks 6: the highest level counts.
    PostFactory.create(person=short, role=health["gp"], started_on=start)
    completed(short, health["course"], datetime.date(2025, 3, 1), hours=3)
    completed(short, health["course"], datetime.date(2023, 1, 1), hours=5)  # before the period
    completed(short, health["course"], datetime.date(2026, 1, 1), hours=5, partly=True)
    PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="New Starter",
        role=health["receptionist"],
        started_on=datetime.date(2026, 5, 1),
    )

    found, people = listed(partnership, coordinator)
    hours = {name: person.courses[0] for name, person in people.items()}
    assert hours["Enough Hours"].status == Status.DONE
    assert (hours["Enough Hours"].hours_done, hours["Enough Hours"].hours_needed) == (
        Decimal(6),
        Decimal(6),
    )
    assert hours["Short Hours"].status == Status.OVERDUE
    assert hours["Short Hours"].hours_done == Decimal(3)
    assert hours["Short Hours"].hours_needed == Decimal(6)
    assert "3 of 6 hours in 36 months" in hours["Short Hours"].title
    assert hours["New Starter"].status == Status.NOT_YET_DUE
    assert hours["New Starter"].due_on == datetime.date(2029, 5, 1)
    assert found.summary.courses == {
        "overdue": 1,
        "due_soon": 0,
        "no_role": 0,
        "booked": 0,
        "not_yet_due": 1,
        "done": 1,
    }
    assert [person.full_name for person in found] == ["Short Hours", "New Starter", "Enough Hours"]


def test_the_page_shows_hours_done_and_needed(coordinator_client, partnership, health):
    agency = AgencyFactory.create(partnership=partnership)
    person = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Gail Practitioner",
        role=health["gp"],
        started_on=datetime.date(2015, 1, 1),
    )
    completed(person, health["course"], datetime.date(2025, 3, 1), hours=2)
    page = coordinator_client.get(f"/p/{partnership.code}/people/training-status/").text
    assert "Safeguarding learning: 2 of 6 hours in 36 months" in page


def test_recommended_courses_are_shown_apart_and_never_counted(
    coordinator_client, partnership, coordinator, catalogue
):
    """The pathway's required courses count; the tier's other core and specialist courses
    and the pathway's recommended items are listed apart, done or not."""
    from interagency.catalogue.models import PathwayItem
    from interagency.catalogue.tests.factories import PathwayItemFactory

    tier = catalogue["core"].tier
    extra = CourseFactory.create(tier=tier, title="Tier core extra", category="core")
    CourseFactory.create(tier=tier, title="Intro of the tier", category="introduction")
    elsewhere = CourseFactory.create(
        tier=TierFactory.create(framework=tier.framework, order=7), title="Listed elsewhere"
    )
    PathwayItemFactory.create(
        pathway=catalogue["role"].pathway, course=elsewhere, kind=PathwayItem.Kind.RECOMMENDED
    )
    person = PersonFactory.create(
        partnership=partnership,
        agency=AgencyFactory.create(partnership=partnership),
        full_name="Rae Recommended",
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    completed(person, extra, datetime.date(2025, 5, 1))

    found, people = listed(partnership, coordinator)
    rae = people["Rae Recommended"]
    assert {course.title: course.completed_on for course in rae.recommended} == {
        "Listed elsewhere": None,
        "Tier core extra": datetime.date(2025, 5, 1),
    }
    assert {row.title for row in rae.courses} == {"Core", "Intro"}
    assert found.summary.courses["done"] == 0  # the recommended course done counts for nothing
    page = coordinator_client.get(f"/p/{partnership.code}/people/training-status/").text
    assert "Recommended for Rae Recommended: 2 courses, 1 done" in page

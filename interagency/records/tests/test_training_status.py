"""The training status page: required courses overdue, due soon, done or not yet due."""

import csv
import datetime
import importlib
import io

import pytest
from django.urls import reverse

from interagency.catalogue.tests.factories import (
    CourseFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
)
from interagency.core.permissions import Role
from interagency.people.tests.factories import (
    AgencyFactory,
    PersonFactory,
    PostFactory,
    ServiceFactory,
)
from interagency.people.visibility import visible_people
from interagency.records.models import TrainingRecord
from interagency.records.selectors import Status, status_counts, training_status

pytestmark = pytest.mark.clock

TODAY = datetime.date(2026, 6, 15)


def completed(person, course, on, *, partly=False):
    return TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=on,
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
        partly_completed=partly,
    )


def statuses(partnership, user, roles, **kwargs):
    people = visible_people(partnership, user, roles)
    found = training_status(partnership, people, today=TODAY, **kwargs)
    return {
        person.full_name: {
            row.title: (row.status, row.completed_on, row.due_on) for row in person.courses
        }
        for person in found
    }


def test_statuses_follow_the_records_and_start_dates(partnership, coordinator, catalogue):
    agency = AgencyFactory.create(partnership=partnership)
    role, core, intro = catalogue["role"], catalogue["core"], catalogue["intro"]
    long_ago = datetime.date(2020, 1, 1)
    done = PersonFactory.create(
        agency=agency, role=role, full_name="Dana Done", started_on=long_ago
    )
    completed(done, core, datetime.date(2025, 1, 10))
    completed(done, intro, datetime.date(2020, 3, 1))
    soon = PersonFactory.create(agency=agency, role=role, full_name="Sam Soon", started_on=long_ago)
    completed(soon, core, datetime.date(2023, 8, 1))  # due again 1 August 2026
    completed(soon, intro, datetime.date(2021, 1, 1))
    late = PersonFactory.create(agency=agency, role=role, full_name="Lee Late", started_on=long_ago)
    completed(late, core, datetime.date(2023, 1, 1))  # refresher due 1 January 2026
    completed(late, intro, datetime.date(2025, 1, 1), partly=True)  # partly done: not done
    PersonFactory.create(
        agency=agency, role=role, full_name="Nat New", started_on=datetime.date(2026, 3, 1)
    )
    PersonFactory.create(
        agency=agency, role=role, full_name="Sid Starter", started_on=datetime.date(2025, 8, 1)
    )
    PersonFactory.create(agency=agency, role=None, full_name="Rory Roleless")
    PersonFactory.create(agency=agency, role=role, left_on=datetime.date(2026, 1, 1))

    rows = statuses(partnership, coordinator, [Role.COORDINATOR])

    assert rows["Dana Done"] == {
        "Core": (Status.DONE, datetime.date(2025, 1, 10), datetime.date(2028, 1, 10)),
        "Intro": (Status.DONE, datetime.date(2020, 3, 1), None),
    }
    assert rows["Sam Soon"]["Core"] == (
        Status.DUE_SOON,
        datetime.date(2023, 8, 1),
        datetime.date(2026, 8, 1),
    )
    assert rows["Lee Late"] == {
        "Core": (Status.OVERDUE, datetime.date(2023, 1, 1), datetime.date(2026, 1, 1)),
        "Intro": (Status.OVERDUE, None, datetime.date(2021, 1, 1)),
    }
    assert rows["Nat New"]["Core"] == (Status.NOT_YET_DUE, None, datetime.date(2027, 3, 1))
    assert rows["Sid Starter"]["Core"] == (Status.DUE_SOON, None, datetime.date(2026, 8, 1))
    assert rows["Rory Roleless"] == {"": (Status.NO_ROLE, None, None)}
    assert len(rows) == 6  # the leaver is not listed
    # Worst first: the overdue, then due soon, the roleless, not yet due, done.
    assert list(rows) == [
        "Lee Late",
        "Sam Soon",
        "Sid Starter",
        "Rory Roleless",
        "Nat New",
        "Dana Done",
    ]
    people = visible_people(partnership, coordinator, [Role.COORDINATOR])
    counts = status_counts(training_status(partnership, people, today=TODAY))
    assert (counts["overdue"], counts["due_soon"], counts["done"]) == (2, 3, 3)


def test_the_status_filter_keeps_people_with_a_course_in_it(partnership, coordinator, catalogue):
    agency = AgencyFactory.create(partnership=partnership)
    late = PersonFactory.create(agency=agency, role=catalogue["role"], full_name="Lee Late")
    PersonFactory.create(
        agency=agency,
        role=catalogue["role"],
        full_name="Nat New",
        started_on=datetime.date(2026, 3, 1),
    )
    completed(late, catalogue["intro"], datetime.date(2021, 1, 1))

    overdue = statuses(partnership, coordinator, [Role.COORDINATOR], status=Status.OVERDUE)
    not_yet = statuses(partnership, coordinator, [Role.COORDINATOR], status=Status.NOT_YET_DUE)

    assert list(overdue) == ["Lee Late"]
    assert list(not_yet) == ["Nat New"]


@pytest.fixture
def second_role(catalogue):
    """A designated lead must do Lead (window 6 months, once); the role is in the same tier."""
    role = RoleFactory.create(
        framework=catalogue["role"].framework, tier=catalogue["role"].tier, name="Designated lead"
    )
    pathway = PathwayFactory.create(role=role, window_months=6)
    lead = CourseFactory.create(tier=catalogue["role"].tier, title="Lead", refresh_months=None)
    PathwayItemFactory.create(pathway=pathway, course=lead, repeat_every_months=None)
    return {"role": role, "lead": lead}


def test_a_second_posts_role_adds_its_courses(partnership, coordinator, catalogue, second_role):
    person = PersonFactory.create(
        partnership=partnership, role=catalogue["role"], full_name="Pat Two Posts"
    )
    PostFactory.create(
        person=person, role=second_role["role"], started_on=datetime.date(2025, 1, 6)
    )

    found = statuses(partnership, coordinator, [Role.COORDINATOR])["Pat Two Posts"]

    assert found["Core"][0] == Status.OVERDUE
    assert found["Intro"][0] == Status.OVERDUE
    # Due six months after the second post started, not after the person's first start.
    assert found["Lead"] == (Status.OVERDUE, None, datetime.date(2025, 7, 6))
    people = visible_people(partnership, coordinator, [Role.COORDINATOR])
    [row] = training_status(partnership, people, today=TODAY)
    assert row.role == "Practitioner; Designated lead"


def test_an_ended_posts_role_no_longer_counts(partnership, coordinator, catalogue, second_role):
    person = PersonFactory.create(
        partnership=partnership, role=catalogue["role"], full_name="Pat Moved On"
    )
    PostFactory.create(person=person, role=second_role["role"], left_on=TODAY)
    PostFactory.create(
        person=person, role=second_role["role"], left_on=TODAY + datetime.timedelta(days=1)
    )
    other = PersonFactory.create(partnership=partnership, role=None, full_name="Pip Post Only")
    PostFactory.create(person=other, role=second_role["role"], left_on=datetime.date(2026, 1, 1))

    found = statuses(partnership, coordinator, [Role.COORDINATOR])

    # A post leaving tomorrow is still current today; one that ended today is not.
    assert set(found["Pat Moved On"]) == {"Core", "Intro", "Lead"}
    completed(person, second_role["lead"], datetime.date(2026, 1, 1))
    assert statuses(partnership, coordinator, [Role.COORDINATOR])["Pat Moved On"]["Lead"][0] == (
        Status.DONE
    )
    assert found["Pip Post Only"] == {"": (Status.NO_ROLE, None, None)}


def page_url(partnership, **query):
    url = reverse("records:training-status", args=[partnership.code])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_an_agency_lead_sees_only_their_agency(
    client, sign_in, member_with, partnership, catalogue
):
    lead = member_with(Role.AGENCY_LEAD)
    ours = AgencyFactory.create(partnership=partnership, lead=lead)
    theirs = AgencyFactory.create(partnership=partnership)
    PersonFactory.create(agency=ours, role=catalogue["role"], full_name="Our Olive")
    PersonFactory.create(agency=theirs, role=catalogue["role"], full_name="Their Theo")
    sign_in(lead)

    response = client.get(page_url(partnership))

    assert response.status_code == 200
    assert "Our Olive" in response.text
    assert "Their Theo" not in response.text
    assert 'name="agency"' not in response.text  # the agency filter is for coordinators


def test_a_line_manager_sees_only_their_team(client, sign_in, member_with, partnership, catalogue):
    user = member_with(Role.LINE_MANAGER)
    agency = AgencyFactory.create(partnership=partnership)
    manager = PersonFactory.create(agency=agency, user=user, full_name="Max Manager")
    PersonFactory.create(
        agency=agency, line_manager=manager, role=catalogue["role"], full_name="Tia Team"
    )
    PersonFactory.create(agency=agency, role=catalogue["role"], full_name="Olly Other")
    sign_in(user)

    response = client.get(page_url(partnership))

    assert response.status_code == 200
    assert "Tia Team" in response.text
    assert "Max Manager" in response.text
    assert "Olly Other" not in response.text


def test_a_learner_may_not_see_the_page(client, sign_in, member_with, partnership):
    sign_in(member_with(Role.LEARNER))

    assert client.get(page_url(partnership)).status_code == 403
    csv_url = reverse("records:training-status-csv", args=[partnership.code])
    assert client.get(csv_url).status_code == 403


def test_filters_by_service_name_and_agency(coordinator_client, partnership, catalogue):
    agency = AgencyFactory.create(partnership=partnership, name="Health")
    other = AgencyFactory.create(partnership=partnership, name="Police")
    service = ServiceFactory.create(agency=agency, name="Health visiting")
    PersonFactory.create(
        agency=agency, service=service, role=catalogue["role"], full_name="Hana Visitor"
    )
    PersonFactory.create(agency=agency, role=catalogue["role"], full_name="Gus General")
    PersonFactory.create(agency=other, role=catalogue["role"], full_name="Pat Police")

    by_service = coordinator_client.get(page_url(partnership, service=service.pk)).text
    by_name = coordinator_client.get(page_url(partnership, q="gus")).text
    by_agency = coordinator_client.get(page_url(partnership, agency=other.pk)).text

    assert "Hana Visitor" in by_service and "Gus General" not in by_service
    assert "Gus General" in by_name and "Hana Visitor" not in by_name
    assert "Pat Police" in by_agency and "Gus General" not in by_agency


def test_the_page_shows_counts_and_statuses(coordinator_client, partnership, catalogue):
    agency = AgencyFactory.create(partnership=partnership)
    PersonFactory.create(agency=agency, role=catalogue["role"], full_name="Lee Late")
    PersonFactory.create(agency=agency, role=None, full_name="Rory Roleless")

    response = coordinator_client.get(page_url(partnership))

    assert response.status_code == 200
    assert 'id="count-overdue">2<' in response.text
    assert "Overdue" in response.text
    assert "No role: pathway unknown" in response.text


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_the_filtered_rows_and_no_formulas(
    clock, sign_in, coordinator, partnership, catalogue
):
    clock.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC))
    agency = AgencyFactory.create(partnership=partnership)
    person = PersonFactory.create(agency=agency, role=catalogue["role"], full_name="=HYPERLINK(1)")
    done_on = datetime.date(2025, 6, 1)  # due three years later
    completed(person, catalogue["core"], done_on)
    PersonFactory.create(agency=agency, role=catalogue["role"], full_name="Someone Else")
    url = reverse("records:training-status-csv", args=[partnership.code])

    rows = csv_rows(sign_in(coordinator).get(url + "?q=hyperlink"))

    assert rows[0] == [
        "Person",
        "Agency",
        "Service",
        "Role",
        "Course",
        "Status",
        "Completed",
        "Due",
        "Booked for",
    ]
    assert {row[4]: row[5] for row in rows[1:]} == {"Core": "Done", "Intro": "Overdue"}
    assert all(row[0] == "'=HYPERLINK(1)" for row in rows[1:])
    core = next(row for row in rows[1:] if row[4] == "Core")
    assert core[6:] == ["2025-06-01", "2028-06-01", ""]


def test_the_page_counts_today_in_london_not_in_utc(
    clock, sign_in, coordinator, partnership, catalogue
):
    # 00:30 on 16 June in London, still 15 June in UTC: the refresher is a day late.
    clock.move_to(datetime.datetime(2026, 6, 15, 23, 30, tzinfo=datetime.UTC))
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership), role=catalogue["role"]
    )
    completed(person, catalogue["core"], datetime.date(2023, 6, 15))  # due 15 June 2026
    url = reverse("records:training-status-csv", args=[partnership.code])
    rows = csv_rows(sign_in(coordinator).get(url))
    assert {row[4]: row[5] for row in rows[1:]}["Core"] == "Overdue"


def test_the_page_costs_the_same_queries_for_few_or_many(
    coordinator_client, partnership, catalogue, django_assert_max_num_queries
):
    agency = AgencyFactory.create(partnership=partnership)

    def add(count):
        for _ in range(count):
            person = PersonFactory.create(agency=agency, role=catalogue["role"])
            completed(person, catalogue["core"], datetime.date(2024, 1, 1))
            completed(person, catalogue["intro"], datetime.date(2022, 1, 1))

    add(1)
    with django_assert_max_num_queries(22) as few:
        assert coordinator_client.get(page_url(partnership)).status_code == 200
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert coordinator_client.get(page_url(partnership, page=2)).status_code == 200


def test_a_future_start_date_from_an_import_makes_a_new_starter_not_yet_due(
    clock, partnership, coordinator, catalogue
):
    """A staff list names someone starting in September: imported, they are a new starter,
    their courses due a window after that start, not overdue."""
    from interagency.people.models import Person
    from interagency.people.tests.test_importing import import_file

    # June, whatever instant the run stands at: September is still to come.
    clock.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC))
    agency = AgencyFactory.create(partnership=partnership)
    text = (
        "Name,Email,Role,Start date\n"
        "Nia Newstart,nia@agency.example,Practitioner,01/09/2026\n"
        "Old Hand,old@agency.example,Practitioner,2020-01-01\n"
    )
    columns = {
        "full_name": "Name",
        "work_email": "Email",
        "role": "Role",
        "started_on": "Start date",
    }
    applied = import_file(agency, coordinator, text, columns=columns)
    assert (applied.status, applied.created, applied.rejected) == ("applied", 2, 0)
    assert Person.objects.get(full_name="Nia Newstart").started_on == datetime.date(2026, 9, 1)

    found = statuses(partnership, coordinator, {Role.COORDINATOR})
    due = datetime.date(2027, 9, 1)
    assert found["Nia Newstart"] == {
        "Core": (Status.NOT_YET_DUE, None, due),
        "Intro": (Status.NOT_YET_DUE, None, due),
    }
    assert {status for status, *_ in found["Old Hand"].values()} == {Status.OVERDUE}


def test_the_csv_holds_everyone_read_in_chunks(
    clock, sign_in, coordinator, partnership, catalogue, monkeypatch
):
    clock.move_to(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC))
    module = importlib.import_module("interagency.records.selectors.training_status")
    monkeypatch.setattr(module, "CHUNK", 2)
    agency = AgencyFactory.create(partnership=partnership)
    for name in ("Ann", "Ben", "Cat", "Dev", "Eve"):
        person = PersonFactory.create(agency=agency, role=catalogue["role"], full_name=name)
        if name in ("Ben", "Dev"):
            completed(person, catalogue["core"], datetime.date(2026, 1, 5))
            completed(person, catalogue["intro"], datetime.date(2026, 1, 5))
    url = reverse("records:training-status-csv", args=[partnership.code])

    rows = csv_rows(sign_in(coordinator).get(url))

    # Two courses each, the overdue first, the done last, by name within each.
    assert [row[0] for row in rows[1:]] == [
        *("Ann", "Ann", "Cat", "Cat", "Eve", "Eve"),
        *("Ben", "Ben", "Dev", "Dev"),
    ]


def test_a_page_number_past_the_end_shows_the_last_page(coordinator_client, partnership, catalogue):
    agency = AgencyFactory.create(partnership=partnership)
    for name in ("Ann", "Ben"):
        PersonFactory.create(agency=agency, role=catalogue["role"], full_name=name)

    for number in ("3", "99999999999999999999999", "last", "zero"):
        response = coordinator_client.get(page_url(partnership, page=number))
        assert response.status_code == 200
        assert "Ann" in response.text and "Ben" in response.text

"""People import: one row per post, as HR systems export them, adds further posts."""

import datetime

import pytest

from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory
from interagency.people.models import Person, Post
from interagency.people.services.imports import apply_people_import
from interagency.people.tests.factories import PersonFactory, PostFactory
from interagency.people.tests.test_importing import (
    HEADER,
    import_file,
    preview,
    problems_of,
    upload,
)
from interagency.people.tests.test_importing import agency as agency  # the fixture


@pytest.fixture
def roles(partnership):
    worker = RoleFactory.create(name="Children's Social Worker")
    AdoptionFactory.create(partnership=partnership, framework=worker.framework)
    lead = RoleFactory.create(framework=worker.framework, name="Designated Safeguarding Lead")
    return {"worker": worker, "lead": lead}


TWO_POSTS = HEADER + (
    "Ana Silva,ana@camden.example,Social worker,Children's Social Worker,Duty team,"
    ",Permanent,2021-04-01,,H1\n"
    "Ana Silva,ana@camden.example,Safeguarding lead,Designated Safeguarding Lead,Schools team,"
    "ben@camden.example,Permanent,2023-09-01,,H1\n"
    "Ben Okafor,ben@camden.example,Team manager,Children's Social Worker,Duty team,,"
    "Permanent,2019-09-01,,H2\n"
)


def test_a_second_row_with_another_role_and_service_adds_a_post(agency, coordinator, roles):
    people_import = preview(upload(agency, coordinator, TWO_POSTS), coordinator)
    assert (people_import.created, people_import.posts_created, people_import.rejected) == (2, 1, 0)

    applied = import_file(agency, coordinator, TWO_POSTS)

    assert (applied.created, applied.posts_created) == (2, 1)
    ana = Person.objects.get(work_email="ana@camden.example")
    assert ana.service is not None
    assert (ana.role, ana.job_title, ana.service.name) == (
        roles["worker"],
        "Social worker",
        "Duty team",
    )
    [post] = ana.posts.all()
    assert post.role == roles["lead"]
    assert post.job_title == "Safeguarding lead"
    assert post.service is not None and post.line_manager is not None
    assert post.service.name == "Schools team" and post.service.agency == agency
    assert post.started_on == datetime.date(2023, 9, 1)
    assert post.line_manager.full_name == "Ben Okafor"
    assert post.partnership == agency.partnership and post.agency == agency


def test_re_importing_recognises_the_post_and_updates_it(agency, coordinator, roles):
    import_file(agency, coordinator, TWO_POSTS)

    same = import_file(agency, coordinator, TWO_POSTS)
    assert (same.created, same.updated, same.posts_created, same.posts_updated) == (0, 0, 0, 0)
    assert same.unchanged == 3

    ended = TWO_POSTS.replace("2023-09-01,,H1", "2023-09-01,2026-07-31,H1")
    again = import_file(agency, coordinator, ended)

    assert (again.posts_created, again.posts_updated) == (0, 1)
    [post] = Post.objects.all()
    assert post.left_on == datetime.date(2026, 7, 31)
    assert Person.objects.count() == 2


def test_an_existing_person_gets_a_post_from_a_second_row(agency, coordinator, roles):
    ana = PersonFactory.create(
        agency=agency, full_name="Ana Silva", work_email="Ana@Camden.example", external_id=""
    )
    text = HEADER + (
        "Ana Silva,ana@camden.example,Social worker,Children's Social Worker,,,Permanent,,,\n"
        "Ana Silva,ana@camden.example,Safeguarding lead,Designated Safeguarding Lead,,,"
        "Permanent,,,\n"
    )
    applied = import_file(agency, coordinator, text)

    assert (applied.created, applied.updated, applied.posts_created) == (0, 1, 1)
    assert [post.role for post in ana.posts.all()] == [roles["lead"]]


def test_an_identical_second_row_is_still_a_duplicate(agency, coordinator, roles):
    row = (
        "Ana Silva,ana@camden.example,Social worker,Children's Social Worker,Duty team,"
        ",Permanent,2021-04-01,,H1\n"
    )
    people_import = preview(upload(agency, coordinator, HEADER + row + row), coordinator)

    assert (people_import.created, people_import.posts_created, people_import.rejected) == (1, 0, 1)
    assert any(
        r == 3 and column == "Email" and "Same work email as row 2" in message
        for r, column, message in problems_of(people_import)
    )


def test_a_second_row_with_the_staff_number_of_someone_else_is_a_duplicate(
    agency, coordinator, roles
):
    text = HEADER + (
        "Ana Silva,ana@camden.example,Social worker,,,,,,,H1\n"
        "Bea Other,bea@camden.example,Safeguarding lead,,,,,,,H1\n"
    )
    people_import = preview(upload(agency, coordinator, text), coordinator)

    assert (people_import.created, people_import.posts_created, people_import.rejected) == (1, 0, 1)
    assert any(
        r == 3 and "Same staff number as row 2" in message
        for r, _, message in problems_of(people_import)
    )


def test_a_post_added_after_the_preview_is_not_added_twice(agency, coordinator, roles):
    import_file(agency, coordinator, TWO_POSTS)
    ana = Person.objects.get(work_email="ana@camden.example")
    third = TWO_POSTS + (
        "Ana Silva,ana@camden.example,Mentor,,Duty team,,Permanent,2024-01-01,,H1\n"
    )
    people_import = preview(upload(agency, coordinator, third), coordinator)
    assert people_import.posts_created == 1
    PostFactory.create(
        person=ana, job_title="Mentor", service=ana.service, started_on=datetime.date(2024, 1, 1)
    )
    apply_people_import(people_import=people_import, applied_by=coordinator)

    assert ana.posts.filter(job_title="Mentor").count() == 1


# --- A full staff list ends the further posts it no longer names ---------------------------

THREE_POSTS = TWO_POSTS + (
    "Ana Silva,ana@camden.example,Practice educator,Children's Social Worker,Schools team,,"
    "Permanent,2026-09-01,,H1\n"
)


def test_a_full_staff_list_ends_the_further_posts_no_longer_in_it(agency, coordinator, roles):
    import time_machine

    from interagency.audit.models import AuditEvent

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        import_file(agency, coordinator, THREE_POSTS)
        assert Post.objects.count() == 2
    lead_post = Post.objects.get(job_title="Safeguarding lead")
    starting_later = Post.objects.get(job_title="Practice educator")
    PostFactory.create(  # ended already: left as it was
        person=lead_post.person,
        agency=agency,
        job_title="Old post",
        left_on=datetime.date(2025, 1, 1),
    )

    only_main = (
        HEADER + TWO_POSTS.splitlines(keepends=True)[1] + TWO_POSTS.splitlines(keepends=True)[3]
    )
    with time_machine.travel(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC), tick=False):
        previewed = preview(upload(agency, coordinator, only_main, full=True), coordinator)
        assert (previewed.posts_ended, previewed.marked_left, previewed.rejected) == (2, 0, 0)
        assert not Post.objects.filter(left_on__gte=datetime.date(2026, 1, 1)).exists()
        apply_people_import(people_import=previewed, applied_by=coordinator)
        previewed.refresh_from_db()

    assert previewed.status == "applied" and previewed.posts_ended == 2
    lead_post.refresh_from_db()
    starting_later.refresh_from_db()
    assert lead_post.left_on == datetime.date(2026, 6, 15)  # today
    assert starting_later.left_on == datetime.date(2026, 9, 1)  # its start date, still to come
    assert Post.objects.get(job_title="Old post").left_on == datetime.date(2025, 1, 1)
    event = AuditEvent.objects.filter(changes__has_key="import").order_by("-pk")[0]
    assert event.changes["import"]["posts_ended"] == 2
    assert sorted(event.changes["import"]["posts_ended_ids"]) == sorted(
        [lead_post.pk, starting_later.pk]
    )


def test_a_staff_list_that_is_not_full_keeps_the_posts_it_leaves_out(agency, coordinator, roles):
    import_file(agency, coordinator, TWO_POSTS)
    only_main = HEADER + TWO_POSTS.splitlines(keepends=True)[1]
    applied = import_file(agency, coordinator, only_main)
    assert applied.posts_ended == 0
    assert Post.objects.get().left_on is None


def test_a_person_with_a_rejected_row_keeps_their_posts(agency, coordinator, roles):
    import_file(agency, coordinator, TWO_POSTS)
    bad_second = TWO_POSTS.replace("2023-09-01,,H1", "not a date,,H1")
    applied = import_file(agency, coordinator, bad_second, full=True)
    assert (applied.rejected, applied.posts_ended) == (1, 0)
    assert Post.objects.get().left_on is None

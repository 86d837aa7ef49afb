"""Training done elsewhere described in words, not a catalogue course: whoever decides it
chooses the course it counts as (compliance then counts it) or none; a coordinator saves
that choice for later declarations of the same training."""

import datetime

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.catalogue.models import Equivalence
from interagency.core.permissions import Role
from interagency.people.visibility import visible_people
from interagency.records.models import Declaration, TrainingRecord
from interagency.records.selectors import Status, training_status
from interagency.records.tests.test_declarations import declare

pytestmark = pytest.mark.clock(fixed=True)

TITLE = "NSPCC Child Protection Level 2"


@pytest.fixture
def learner(team, catalogue):
    """The team's learner, who must do Core and Intro for their role."""
    person = team["learner"]
    person.role = catalogue["role"]
    person.save(update_fields=["role"])
    return person


class NoCourse:
    """The course list left at "Choose a course"."""

    pk = ""


def declare_described(client, partnership, title=TITLE):
    return declare(client, partnership, NoCourse, external_title=title)


def decide(client, partnership, declaration, **data):
    url = reverse(
        "records:declaration-decide",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    return client.post(url, {"decision": "approve", **data})


def detail(client, partnership, declaration):
    url = reverse(
        "records:declaration", kwargs={"code": partnership.code, "declaration_id": declaration.pk}
    )
    return client.get(url)


def core_status(partnership, coordinator, person):
    people = visible_people(partnership, coordinator, [Role.COORDINATOR])
    found = training_status(partnership, people, today=datetime.date(2026, 3, 10))
    row = next(p for p in found if p.full_name == person.full_name)
    return {course.title: course.status for course in row.courses}["Core"]


def test_approved_as_a_course_it_counts_for_compliance_and_is_saved_for_later(
    client, sign_in, partnership, catalogue, team, learner
):
    sign_in(team["learner_user"])
    assert declare_described(client, partnership).status_code == 302
    declaration = Declaration.objects.get()
    assert (declaration.course, declaration.external_title) == (None, TITLE)
    assert core_status(partnership, team["coordinator"], learner) != Status.DONE

    sign_in(team["coordinator"])
    page = detail(client, partnership, declaration)
    assert TITLE in page.text and "Decided when it is approved" in page.text
    unchosen = decide(client, partnership, declaration)
    assert "Choose the course this training counts as" in unchosen.text
    assert not TrainingRecord.objects.exists()

    core = catalogue["core"]
    approved = decide(client, partnership, declaration, counts_as=core.pk, save_equivalence="on")
    assert approved.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.course, record.source, record.declaration) == (
        core,
        TrainingRecord.Source.EXTERNAL,
        declaration,
    )
    assert TITLE in record.provenance
    assert core_status(partnership, team["coordinator"], learner) == Status.DONE
    saved = Equivalence.objects.get(partnership=partnership, course=None)
    assert (saved.external_training, saved.counts_for) == (TITLE, core)
    decision = AuditEvent.objects.filter(subject_type="records.Declaration").latest("id")
    assert decision.changes["counts_as"] == core.pk
    assert AuditEvent.objects.filter(
        subject_type="catalogue.Equivalence", action="created", subject_id=str(saved.pk)
    ).exists()
    assert "Counts as" in detail(client, partnership, declaration).text


def test_a_later_declaration_of_the_same_training_is_suggested_the_saved_course(
    client, sign_in, partnership, catalogue, team, learner
):
    Equivalence.objects.create(
        partnership=partnership, external_training=TITLE, counts_for=catalogue["intro"]
    )
    sign_in(team["learner_user"])
    declare_described(client, partnership, title="nspcc child  protection level 2")
    declaration = Declaration.objects.get()
    sign_in(team["manager_user"])
    page = detail(client, partnership, declaration)
    assert page.context["form"].initial["counts_as"] == str(catalogue["intro"].pk)
    assert f'value="{catalogue["intro"].pk}" selected' in page.text
    # A line manager decides it but does not change the catalogue's equivalences.
    assert "Suggest this course for later declarations" not in page.text
    answer = decide(
        client, partnership, declaration, counts_as=catalogue["core"].pk, save_equivalence="on"
    )
    assert answer.status_code == 302
    assert TrainingRecord.objects.get().course == catalogue["core"]
    assert Equivalence.objects.filter(course=None).count() == 1


def test_approved_as_counting_for_no_course_it_writes_no_record(
    client, sign_in, partnership, catalogue, team, learner
):
    sign_in(team["learner_user"])
    declare_described(client, partnership, title="First aid at work")
    declaration = Declaration.objects.get()
    sign_in(team["coordinator"])
    assert decide(client, partnership, declaration, counts_as="none").status_code == 302
    declaration.refresh_from_db()
    assert (declaration.status, declaration.course) == (Declaration.Status.APPROVED, None)
    assert not TrainingRecord.objects.exists()
    decision = AuditEvent.objects.filter(subject_type="records.Declaration").latest("id")
    assert decision.changes == {"status": "approved", "decision_note": "", "counts_as": None}
    assert "No course" in detail(client, partnership, declaration).text


def test_a_declaration_names_a_course_or_the_training_but_not_both(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["learner_user"])
    neither = declare(client, partnership, NoCourse)
    assert "Choose the course you completed, or say what the training was called" in neither.text
    both = declare(client, partnership, catalogue["core"], external_title=TITLE)
    assert "not both" in both.text
    assert not Declaration.objects.exists()
    assert declare_described(client, partnership).status_code == 302
    again = declare_described(client, partnership, title=TITLE.upper())
    assert "already declared" in again.text
    assert Declaration.objects.count() == 1


def test_the_api_shows_training_described_and_refuses_an_approval_without_a_course(
    client, sign_in, partnership, catalogue, team, token_client
):
    sign_in(team["learner_user"])
    declare_described(client, partnership)
    declaration = Declaration.objects.get()
    api = token_client(team["coordinator"])
    url = reverse(
        "api:declaration-detail",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    body = api.get(url).json()
    assert (body["course_id"], body["course_title"], body["external_title"]) == (None, None, TITLE)
    approve = reverse(
        "api:declaration-approve",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    refused = api.post(approve)
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["counts_as"]
    assert not TrainingRecord.objects.exists()

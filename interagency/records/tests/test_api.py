"""The records API: a person's training record; declarations created, listed and decided."""

import base64
import datetime
from decimal import Decimal

import pytest

from interagency.core.permissions import Role
from interagency.records.models import Declaration, TrainingRecord

# Written around named dates (2025 and 2026): they stand at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

PDF = b"%PDF-1.4\n%%EOF\n"


def declaration_body(the_course, **overrides):
    body = {
        "course": the_course.pk,
        "completed_on": "2026-03-03",
        "hours": "2.5",
        "provider": "Royal Free, in house",
        "inter_agency": True,
        "evidence": {"name": "cert.pdf", "content_base64": base64.b64encode(PDF).decode()},
    }
    body.update(overrides)
    return body


def test_a_learner_declares_through_the_api_and_their_manager_approves(
    token_client, partnership, catalogue, team
):
    learner = token_client(team["learner_user"])
    base = f"/api/v1/partnerships/{partnership.code}/declarations"
    created = learner.post(
        base, declaration_body(catalogue["core"]), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending"
    assert body["person_name"] == "Ada Learner"

    # The learner cannot decide it; the line manager can.
    assert learner.post(f"{base}/{body['id']}/approve").status_code == 403
    manager = token_client(team["manager_user"])
    listed = manager.get(base, {"status": "pending"}).json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    approved = manager.post(f"{base}/{body['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"

    records = learner.get(
        f"/api/v1/partnerships/{partnership.code}/people/{team['learner'].pk}/training-records"
    ).json()["results"]
    assert len(records) == 1
    assert records[0]["source"] == "external"
    assert records[0]["inter_agency"] is True
    assert records[0]["tier"] == "Group B"
    assert records[0]["framework_version"] == catalogue["core"].framework.version


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"completed_on": "2027-01-01"}, "completed_on"),
        ({"evidence": {"name": "cert.html", "content_base64": "PGh0bWw+"}}, "evidence"),
        ({"evidence": {"name": "cert.pdf", "content_base64": "not base64!"}}, "evidence"),
        ({"course": 999999}, "course"),
    ],
)
def test_a_refused_declaration_names_the_field(
    token_client, partnership, catalogue, team, overrides, field
):
    learner = token_client(team["learner_user"])
    response = learner.post(
        f"/api/v1/partnerships/{partnership.code}/declarations",
        declaration_body(catalogue["core"], **overrides),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith(field)
    assert not Declaration.objects.exists()


def test_a_rejection_keeps_its_reason(token_client, partnership, catalogue, team):
    learner = token_client(team["learner_user"])
    base = f"/api/v1/partnerships/{partnership.code}/declarations"
    made = learner.post(base, declaration_body(catalogue["core"]), content_type="application/json")
    coordinator = token_client(team["coordinator"])
    refused = coordinator.post(
        f"{base}/{made.json()['id']}/reject", {"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    rejected = coordinator.post(
        f"{base}/{made.json()['id']}/reject",
        {"reason": "Wrong course."},
        content_type="application/json",
    )
    assert rejected.json()["status"] == "rejected"
    assert learner.get(f"{base}/{made.json()['id']}").json()["decision_note"] == "Wrong course."
    assert not TrainingRecord.objects.exists()


def test_a_person_the_caller_may_not_see_is_not_found(
    token_client, partnership, catalogue, team, member_with
):
    TrainingRecord.objects.create(
        partnership=partnership,
        person=team["manager"],
        course=catalogue["core"],
        completed_on=datetime.date(2026, 1, 2),
        hours=Decimal(3),
        source=TrainingRecord.Source.ELEARNING,
    )
    url = f"/api/v1/partnerships/{partnership.code}/people/{team['manager'].pk}/training-records"
    assert token_client(team["learner_user"]).get(url).status_code == 404
    assert len(token_client(team["manager_user"]).get(url).json()["results"]) == 1
    assert token_client(member_with(Role.TRAINER)).get(url).status_code == 404

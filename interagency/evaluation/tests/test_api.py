"""The evaluation API: instruments, plans, responses and results, under the pages' rules."""

import pytest
import time_machine

from interagency.core.permissions import Role
from interagency.delivery.models import SessionTrainer
from interagency.evaluation.models import EvaluationPlan, Response, ResponseMode, WaveKind
from interagency.evaluation.tests.factories import (
    CONSENT,
    PRIVACY,
    code_for,
    full_answers,
    make_instrument,
    make_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

BASE = "/api/v1/partnerships/camden/evaluation"


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel("2026-12-07T12:00:00+00:00", tick=False):
        yield


def submit(client, plan, **fields):
    wave = plan.waves.get(kind=WaveKind.END)
    body = {
        "wave": wave.pk,
        "answers": full_answers(comment="Good day"),
        "consented": True,
        "idempotency_key": "key-1",
        **fields,
    }
    return client.post(f"{BASE}/plans/{plan.pk}/responses", body, content_type="application/json")


def test_instruments_list_and_detail(partnership, coordinator, token_client):
    instrument = make_instrument(partnership)
    client = token_client(coordinator)
    listed = client.get(f"{BASE}/instruments").json()
    assert listed["count"] == 1 and listed["results"][0]["latest_version"] == 1
    detail = client.get(f"{BASE}/instruments/{instrument.pk}").json()
    (version,) = detail["versions"]
    assert [scale["key"] for scale in version["scales"]] == ["confidence", "knowledge"]
    assert {"key": "c3", "reverse_keyed": True}.items() <= next(
        item for item in version["items"] if item["key"] == "c3"
    ).items()


def test_a_coordinator_attaches_a_plan(partnership, coordinator, token_client):
    session = make_plan(partnership).session
    assert session is not None
    EvaluationPlan.objects.all().delete()
    version = make_instrument(partnership, name="Other").versions.get()
    client = token_client(coordinator)
    response = client.post(
        f"{BASE}/plans",
        {
            "session": session.pk,
            "response_mode": "anonymous",
            "consent_text": CONSENT,
            "privacy_text": PRIVACY,
            "waves": [
                {"kind": "end", "instrument_version": version.pk},
                {"kind": "follow_up", "instrument_version": version.pk, "weeks_after_end": 6},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert [wave["key"] for wave in response.json()["waves"]] == ["end", "follow_up_6"]
    assert client.get(f"{BASE}/plans").json()["count"] == 1


def test_a_plan_with_problems_names_each(partnership, coordinator, token_client):
    client = token_client(coordinator)
    response = client.post(
        f"{BASE}/plans",
        {
            "session": 999999,
            "consent_text": CONSENT,
            "privacy_text": PRIVACY,
            "waves": [{"kind": "end", "instrument_version": 999999}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"session", "waves.0"}


def test_a_pseudonymous_response_shows_its_code_never_a_name(
    partnership, coordinator, token_client
):
    plan = make_plan(partnership)
    code = code_for(plan)
    client = token_client(coordinator)
    response = submit(client, plan, code=code)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == code and body["name"] is None and body["source"] == "paper"
    assert body["answers"]["comment"] == "Good day"
    # The same key again is the same response: a double click saves once.
    assert submit(client, plan, code=code).json()["id"] == body["id"]
    assert Response.objects.count() == 1
    assert client.get(f"{BASE}/plans/{plan.pk}/responses").json()["results"] == [body]


def test_a_named_response_shows_the_name_and_an_anonymous_neither(
    partnership, coordinator, token_client
):
    named = make_plan(partnership, mode=ResponseMode.NAMED)
    code = code_for(named)
    client = token_client(coordinator)
    body = submit(client, named, code=code).json()
    assert body["name"] and body["code"] == code
    anonymous = make_plan(partnership, mode=ResponseMode.ANONYMOUS)
    body = submit(client, anonymous, idempotency_key="key-2").json()
    assert body["name"] is None and body["code"] is None


def test_an_out_of_range_answer_is_refused_naming_the_item(partnership, coordinator, token_client):
    plan = make_plan(partnership)
    response = submit(token_client(coordinator), plan, code=code_for(plan), answers={"c1": 9})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "c1", "message": "must be a whole number from 1 to 5."}
    ]
    assert not Response.objects.exists()


def test_results_say_too_few_instead_of_numbers(partnership, coordinator, token_client):
    plan = make_plan(partnership)
    client = token_client(coordinator)
    for number in range(3):
        submit(client, plan, code=code_for(plan), idempotency_key=f"k{number}")
    results = client.get(f"{BASE}/plans/{plan.pk}/results").json()
    confidence = next(scale for scale in results["scales"] if scale["key"] == "confidence")
    assert confidence["by_wave"]["end"]["n"] == 3
    change = next(c for c in confidence["changes"] if c["to_wave"] == "end")
    assert change["result"]["too_few"].startswith("Fewer than 5 paired responses")
    # Filtered as the page filters: no learner's place was booked by the police.
    police = client.get(f"{BASE}/plans/{plan.pk}/results", {"sector": "police"}).json()
    assert police["attrition"][-2]["present"] == 0
    bad = client.get(f"{BASE}/plans/{plan.pk}/results", {"sector": "nowhere"})
    assert bad.status_code in (400, 422)


def test_board_members_read_results_but_not_responses(partnership, member_with, token_client):
    plan = make_plan(partnership)
    client = token_client(member_with(Role.BOARD_MEMBER))
    assert client.get(f"{BASE}/plans/{plan.pk}/results").status_code == 200
    assert client.get(f"{BASE}/plans/{plan.pk}/responses").status_code == 403
    assert submit(client, plan, code="X").status_code == 403


def test_trainers_see_only_their_sessions_plans(partnership, member_with, token_client):
    mine = make_plan(partnership)
    other = make_plan(partnership)
    trainer = member_with(Role.TRAINER)
    assert mine.session is not None
    SessionTrainer.objects.create(session=mine.session, user=trainer, name="Tess")
    client = token_client(trainer)
    assert [plan["id"] for plan in client.get(f"{BASE}/plans").json()["results"]] == [mine.pk]
    assert client.get(f"{BASE}/plans/{other.pk}").status_code == 404
    assert client.get(f"{BASE}/plans/{other.pk}/results").status_code == 404


def import_forms(client, plan, wave, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("forms.csv", content, content_type="text/csv")
    url = f"{BASE}/plans/{plan.pk}/waves/{wave.pk}/imports"
    return client.post(url, {"file": upload})


def test_a_file_of_paper_forms_is_imported_through_the_api(partnership, coordinator, token_client):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    first, second = code_for(plan), code_for(plan)
    content = f"code,c1,c2\n{first},4,5\n{second},2,3\n".encode()
    client = token_client(coordinator)
    answer = import_forms(client, plan, wave, content)
    assert answer.status_code == 201 and answer.json() == {"wave": wave.pk, "saved": 2}
    assert Response.objects.filter(wave=wave).count() == 2
    # The same file again (a retried upload) adds nothing.
    assert import_forms(client, plan, wave, content).json()["saved"] == 2
    assert Response.objects.filter(wave=wave).count() == 2


def test_a_file_with_a_bad_row_answers_400_naming_row_and_column_and_saves_nothing(
    partnership, coordinator, token_client
):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    content = f"code,c1\n{code_for(plan)},4\nNOTACODE,3\n".encode()
    answer = import_forms(token_client(coordinator), plan, wave, content)
    assert answer.status_code == 400
    assert "no forms were saved" in answer.json()["detail"]
    assert {
        "field": "Row 3, column code",
        "message": "NOTACODE is not a response code of this evaluation.",
    } in answer.json()["errors"]
    assert not Response.objects.filter(wave=wave).exists()


def test_only_coordinators_import_paper_forms(partnership, member_with, token_client):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    answer = import_forms(token_client(member_with(Role.BOARD_MEMBER)), plan, wave, b"code\n")
    assert answer.status_code == 403
    assert not Response.objects.filter(wave=wave).exists()

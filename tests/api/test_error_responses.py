"""Every operation documents the errors it answers, all in one shape, and answers in it."""

import pytest
from django.test import override_settings
from django.urls import reverse

from interagency.core.api_errors import ErrorOut
from interagency.core.permissions import Role

ERROR_SCHEMA = "#/components/schemas/ErrorOut"
READING_METHODS = {"get", "head", "options"}


@pytest.fixture
def document(client, db) -> dict:
    return client.get(reverse("api:openapi-json")).json()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", path, method, operation


def declared(operation: dict) -> set[int]:
    return {int(status) for status in operation["responses"] if int(status) >= 400}


def test_every_error_response_uses_the_one_error_schema(document):
    for label, _, _, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_SCHEMA}, f"{label} {status}"
            assert response["description"] not in ("", "Unknown Status Code"), f"{label} {status}"


def test_the_error_schema_names_the_detail_and_each_field(document):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert schema["required"] == ["detail"]
    field_error = document["components"]["schemas"]["FieldError"]
    assert set(field_error["properties"]) == {"field", "message"}


def test_operations_declare_the_errors_they_can_answer(document):
    for label, path, method, operation in operations(document):
        errors = declared(operation)
        if operation.get("security"):
            assert {401, 403} <= errors, label
        if "{code}" in path:
            assert {403, 404} <= errors, label
        parameters = [p for p in operation.get("parameters", []) if p["name"] != "code"]
        if parameters or "requestBody" in operation:
            assert 400 in errors, label
        if "requestBody" in operation:
            assert 413 in errors, label
        if not operation.get("security") and "{" not in path and method in READING_METHODS:
            # The root and the documentation answer anyone.
            assert errors == set(), label


def test_the_public_certificate_check_declares_withdrawn_and_unknown(document):
    operation = document["paths"]["/api/v1/certificates/{number}"]["get"]
    assert "security" not in operation
    assert {404, 410} <= declared(operation)
    assert 401 not in declared(operation)


def test_no_operation_answers_ninjas_422(document):
    """Request validation answers 400 with field errors, so 422 is never declared."""
    for label, _, _, operation in operations(document):
        assert "422" not in operation["responses"], label


# Each status, answered in the shape declared.


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    ErrorOut.model_validate(body)
    assert set(body) <= {"detail", "errors"}
    assert body["detail"]
    return body


def test_no_credentials_answers_401_in_the_error_shape(client, partnership):
    response = client.get("/api/v1/partnerships/camden/people")
    assert_error_shape(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_or_made_up_token_answers_401_in_the_error_shape(client, partnership):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer ia_made-up"})
    assert "not valid" in assert_error_shape(response, 401)["detail"]


def test_a_role_that_may_not_answers_403_in_the_error_shape(member_with, token_client):
    learner = member_with(Role.LEARNER)
    response = token_client(learner).get("/api/v1/partnerships/camden/members")
    assert_error_shape(response, 403)


def test_another_partnerships_code_answers_404_in_the_error_shape(
    coordinator, other_partnership, token_client
):
    response = token_client(coordinator).get("/api/v1/partnerships/islington/people")
    assert assert_error_shape(response, 404) == {"detail": "Not found."}


def test_a_bad_query_value_answers_400_naming_it(coordinator, token_client):
    response = token_client(coordinator).get("/api/v1/partnerships/camden/people?page=0")
    body = assert_error_shape(response, 400)
    assert [error["field"] for error in body["errors"]] == ["page"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_limit_answers_413_and_changes_nothing(coordinator, token_client):
    name_before = coordinator.full_name
    response = token_client(coordinator).patch(
        "/api/v1/me", {"full_name": "x" * 2000}, content_type="application/json"
    )
    assert "too large" in assert_error_shape(response, 413)["detail"]
    coordinator.refresh_from_db()
    assert coordinator.full_name == name_before


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_a_form_with_too_many_fields_answers_400_naming_the_body(coordinator, token_client):
    fields = {f"extra{number}": "x" for number in range(10)}
    response = token_client(coordinator).post("/api/v1/partnerships/camden/imports", fields)
    body = assert_error_shape(response, 400)
    assert [error["field"] for error in body["errors"]] == ["body"]


def test_a_certificate_number_never_issued_answers_404_in_the_error_shape(client, db):
    # A withdrawn one answers 410 in the same shape: see the delivery API tests.
    response = client.get("/api/v1/certificates/IA-0000-0000")
    assert_error_shape(response, 404)

"""Every error answers JSON in one shape: detail, and errors naming fields."""

import pytest

from interagency.accounts.models import User

ME = "/api/v1/me"


def test_malformed_json_is_400_naming_the_body(coordinator, token_client):
    response = token_client(coordinator).patch(
        ME, '{"full_name": "Jo', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [error["field"] for error in body["errors"]] == ["body"]
    assert "not valid JSON" in body["errors"][0]["message"]


def test_a_body_that_is_not_an_object_is_400_naming_the_body(coordinator, token_client):
    response = token_client(coordinator).patch(ME, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter your full name."),
        ("   ", "Enter your full name."),
        (None, "Enter your full name."),
        ("x" * 151, "Full name must be 150 characters or fewer."),
    ],
)
def test_an_invalid_name_is_400_naming_full_name(coordinator, token_client, value, message):
    name_before = coordinator.full_name
    response = token_client(coordinator).patch(
        ME, {"full_name": value}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "full_name", "message": message}]
    assert User.objects.get(pk=coordinator.pk).full_name == name_before


def test_a_wrongly_typed_value_is_400_naming_the_field(coordinator, token_client):
    response = token_client(coordinator).patch(
        ME, {"full_name": 42}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "full_name"


def test_an_unknown_address_under_the_api_is_a_json_404(coordinator, token_client):
    response = token_client(coordinator).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_non_numeric_id_is_400_naming_it(partnership, coordinator, token_client):
    response = token_client(coordinator).get("/api/v1/partnerships/camden/audit-events/abc")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "event_id"


def test_a_method_an_address_does_not_take_is_a_json_405(coordinator, token_client):
    response = token_client(coordinator).delete(ME)
    assert response.status_code == 405
    assert "DELETE" in response.json()["detail"]
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}

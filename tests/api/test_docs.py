"""The root, the OpenAPI document and the browsable docs."""

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

# Every API operation's url_name; the tenancy isolation matrix enumerates these.
OPERATIONS: dict[str, dict[str, Any]] = {
    "me": {},
    "partnership-list": {},
    "partnership-detail": {"code": "camden"},
    "member-list": {"code": "camden"},
    "audit-event-list": {"code": "camden"},
    "audit-event-detail": {"code": "camden", "event_id": 1},
}


def test_the_root_links_to_endpoints_and_docs_without_authentication(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()["links"]
    assert links["docs"] == "http://testserver/api/v1/docs"
    assert links["openapi"] == "http://testserver/api/v1/openapi.json"
    assert links["me"] == "http://testserver/api/v1/me"
    assert links["partnerships"] == "http://testserver/api/v1/partnerships"


def test_the_openapi_document_describes_every_endpoint(client, db):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Interagency API"
    paths = document["paths"]
    for name, kwargs in OPERATIONS.items():
        path = reverse(f"api:{name}", kwargs=kwargs)
        template = re.sub(r"/camden", "/{code}", path).replace("/1", "/{event_id}")
        assert template in paths, name
    assert "patch" in paths["/api/v1/me"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_list_endpoints_document_the_same_pagination(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    for path in (
        "/api/v1/partnerships",
        "/api/v1/partnerships/{code}/members",
        "/api/v1/partnerships/{code}/audit-events",
    ):
        operation = document["paths"][path]["get"]
        params = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert params == {"page", "page_size"}, path
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(schema["properties"]) == {
            "count",
            "page",
            "page_size",
            "next",
            "previous",
            "results",
        }


@pytest.fixture
def docs_page(client, db):
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    return response


def test_the_docs_page_loads_its_assets_from_our_static_files_only(docs_page):
    html = docs_page.text
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses, "the page should load Swagger UI's scripts and styles"
    for address in addresses:
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), address
    assert "http://" not in html
    assert "https://" not in html


def test_the_docs_page_keeps_the_strict_csp(docs_page):
    policy = docs_page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # The policy would block inline code, so there must be none: only script
    # files and a JSON data block, which browsers never execute.
    for attributes in re.findall(r"<script([^>]*)>", docs_page.text):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "<style" not in docs_page.text
    assert " style=" not in docs_page.text
    assert '"validatorUrl": null' in docs_page.text


def test_the_footer_links_to_the_docs(client, db):
    assert 'href="/api/v1/docs"' in client.get("/accessibility").text


def test_no_two_schemas_share_a_name_in_the_document(db):
    """Ninja files every model's schemas under their class names; two different models with
    one name would leave one operation documented with the other's schema."""
    from pydantic import TypeAdapter

    from interagency.api import api

    found: dict[tuple[str, str], tuple[dict, str]] = {}
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                name = operation.view_func.__name__
                models = [*operation.response_models.values(), *operation.models]
                for model in filter(None, models):
                    for mode in ("serialization", "validation"):
                        schema = TypeAdapter(model).json_schema(mode=mode)
                        for title, definition in schema.get("$defs", {}).items():
                            first, where = found.setdefault((mode, title), (definition, name))
                            assert first == definition, f"{title}: {where} and {name} differ"

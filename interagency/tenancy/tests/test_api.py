"""Partnerships and their members, seen only by those who belong."""

import pytest

from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory

LIST = "/api/v1/partnerships"


def test_the_list_holds_only_the_callers_partnerships(member_with, other_partnership, token_client):
    user = member_with(Role.COORDINATOR, Role.TRAINER)
    MembershipFactory(partnership=other_partnership, role=Role.COORDINATOR)  # someone else's

    body = token_client(user).get(LIST).json()

    assert body == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "next": None,
        "previous": None,
        "results": [
            {
                "code": "camden",
                "name": "Camden Safeguarding Children Partnership",
                "region": "London",
                "local_authority_codes": body["results"][0]["local_authority_codes"],
                "roles": ["coordinator", "trainer"],
            }
        ],
    }


def test_pages_link_to_each_other(member_with, token_client):
    user = member_with(Role.LEARNER)
    for _ in range(4):
        MembershipFactory(partnership=PartnershipFactory(), user=user)
    client = token_client(user)

    first = client.get(LIST, {"page_size": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (5, 1, 2)
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/partnerships?page_size=2&page=2"

    second = client.get(first["next"]).json()
    assert second["page"] == 2
    assert second["previous"] == "http://testserver/api/v1/partnerships?page_size=2&page=1"
    last = client.get(second["next"]).json()
    assert last["next"] is None
    assert len(last["results"]) == 1

    seen = [p["code"] for page in (first, second, last) for p in page["results"]]
    assert len(set(seen)) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "two"}, "page"),
        ({"page": 0}, "page"),
        ({"page": 3}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
    ],
)
def test_an_invalid_page_is_400_naming_the_parameter(coordinator, token_client, query, field):
    response = token_client(coordinator).get(LIST, query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_page_size_of_200_is_allowed(coordinator, token_client):
    assert token_client(coordinator).get(LIST, {"page_size": 200}).status_code == 200


def test_the_detail_shows_the_callers_roles(member_with, token_client):
    user = member_with(Role.BOARD_MEMBER)
    response = token_client(user).get(f"{LIST}/camden")
    assert response.status_code == 200
    assert response.json()["roles"] == ["board"]
    assert response.json()["region"] == "London"


def test_another_partnership_answers_404_like_one_that_does_not_exist(
    coordinator, other_partnership, token_client
):
    client = token_client(coordinator)
    for path in ("", "/members", "/audit-events", "/audit-events/1"):
        theirs = client.get(f"{LIST}/islington{path}")
        missing = client.get(f"{LIST}/no-such-code{path}")
        assert theirs.status_code == missing.status_code == 404, path
        assert theirs.json() == missing.json() == {"detail": "Not found."}


def test_members_are_listed_once_each_with_all_their_roles(
    member_with, coordinator, other_partnership, token_client
):
    trainer = member_with(Role.TRAINER, Role.LEARNER)
    MembershipFactory(partnership=other_partnership, role=Role.LEARNER)  # not a Camden member

    body = token_client(coordinator).get(f"{LIST}/camden/members").json()

    assert body["count"] == 2
    by_id = {member["id"]: member for member in body["results"]}
    assert by_id[trainer.pk] == {
        "id": trainer.pk,
        "email": trainer.email,
        "full_name": trainer.full_name,
        "roles": ["learner", "trainer"],
    }
    assert by_id[coordinator.pk]["roles"] == ["coordinator"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.BOARD_MEMBER])
def test_members_need_a_role_that_may_view_them(member_with, token_client, role):
    response = token_client(member_with(role)).get(f"{LIST}/camden/members")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your roles in this partnership do not allow this."}

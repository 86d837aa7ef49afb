"""The catalogue through the API: one partnership's frameworks, courses and pathways."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.catalogue.models import CompetenceFramework, Course, Tier
from interagency.catalogue.models import Role as JobRole
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    CourseTailoringFactory,
    FrameworkFactory,
    PartnershipFrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
    TopicFactory,
)
from interagency.core.permissions import Role

BASE = "/api/v1/partnerships/camden"


@pytest.fixture
def token_client(db):
    """``token_client(user)``: a client sending a new personal access token of ``user``."""

    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make


@dataclass
class Catalogue:
    framework: CompetenceFramework
    tier_a: Tier
    tier_b: Tier
    neglect: Course
    court: Course
    harm: Course
    role: JobRole


@pytest.fixture
def catalogue(partnership) -> Catalogue:
    """Camden adopts one framework: three courses over two tiers, and one role's pathway."""
    framework = FrameworkFactory.create(name="Competence Matters", slug="competence-matters")
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier_a = TierFactory.create(framework=framework, code="A", name="Group A", order=1)
    tier_b = TierFactory.create(framework=framework, code="B", name="Group B", order=2)
    neglect_topic = TopicFactory.create(name="Neglect", slug="neglect")
    neglect = CourseFactory.create(
        tier=tier_a,
        title="Recognising neglect",
        category=Course.Category.CORE,
        level=1,
        duration_hours=Decimal(6),
        duration_text="1 day or 6 hours",
        aims="Spot the early signs.",
        outcomes=["Knows the signs"],
    )
    neglect.topics.add(neglect_topic)
    court = CourseFactory.create(
        tier=tier_b,
        title="Court skills",
        category=Course.Category.SPECIALIST,
        level=2,
        duration_hours=Decimal(3),
        aims="Give evidence with confidence.",
    )
    court.prerequisites.add(neglect)
    harm = CourseFactory.create(
        tier=tier_a,
        title="Harmful sexual behaviour",
        category=Course.Category.SPECIALIST,
        duration_hours=Decimal(3),
        duration_is_minimum=True,
        duration_text="minimum 3hrs",
    )
    role = RoleFactory.create(
        tier=tier_a, name="Sports Instructor", description="Coaches children."
    )
    pathway = PathwayFactory.create(role=role, window_months=24)
    PathwayItemFactory.create(pathway=pathway, course=neglect, named_as="Recognising neglect")
    PathwayItemFactory.create(
        pathway=pathway,
        course=None,
        named_as="Introductory training",
        kind="recommended",
        repeat_every_months=36,
    )
    return Catalogue(framework, tier_a, tier_b, neglect, court, harm, role)


def titles(body: dict) -> list[str]:
    return [course["title"] for course in body["results"]]


# Courses


def test_a_course_reads_as_the_partnership_shows_it(catalogue, member_with, token_client):
    learner = member_with(Role.LEARNER)
    body = token_client(learner).get(f"{BASE}/courses/{catalogue.court.pk}").json()
    assert body == {
        "id": catalogue.court.pk,
        "title": "Court skills",
        "framework": {
            "id": catalogue.framework.pk,
            "slug": "competence-matters",
            "name": "Competence Matters",
            "version": "1",
        },
        "tier": {"id": catalogue.tier_b.pk, "code": "B", "name": "Group B"},
        "category": "specialist",
        "level": 2,
        "duration_hours": 3.0,
        "duration_is_minimum": False,
        "duration_text": "½ day or 3 hours",
        "aims": "Give evidence with confidence.",
        "outcomes": [],
        "topics": [],
        "delivery_modes": ["face_to_face"],
        "prerequisites": [catalogue.neglect.pk],
        "prerequisite_note": "",
        "refresh_months": None,
        "local": False,
        "hidden": False,
    }


def test_the_list_shows_every_course_of_the_adopted_frameworks(
    catalogue, member_with, token_client
):
    FrameworkFactory.create()  # not adopted: its courses stay out
    CourseFactory.create(title="Not adopted")
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/courses").json()
    assert body["count"] == 3
    assert sorted(titles(body)) == [
        "Court skills",
        "Harmful sexual behaviour",
        "Recognising neglect",
    ]
    neglect = next(c for c in body["results"] if c["id"] == catalogue.neglect.pk)
    assert neglect["topics"] == [{"slug": "neglect", "name": "Neglect"}]
    assert neglect["tier"]["code"] == "A"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tier": "B"}, ["Court skills"]),
        ({"category": "specialist"}, ["Court skills", "Harmful sexual behaviour"]),
        ({"topic": "neglect"}, ["Recognising neglect"]),
        ({"q": "evidence"}, ["Court skills"]),
        ({"q": "neglect"}, ["Recognising neglect"]),
        ({"max_hours": "3"}, ["Court skills", "Harmful sexual behaviour"]),
        ({"tier": "A", "category": "specialist"}, ["Harmful sexual behaviour"]),
    ],
)
def test_each_filter_narrows_the_list(catalogue, member_with, token_client, query, expected):
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/courses", query).json()
    assert sorted(titles(body)) == expected
    assert body["count"] == len(expected)


def test_the_role_filter_keeps_the_courses_on_its_pathway(catalogue, member_with, token_client):
    client = token_client(member_with(Role.LEARNER))
    body = client.get(f"{BASE}/courses", {"role": catalogue.role.pk}).json()
    assert titles(body) == ["Recognising neglect"]


def test_another_partnerships_role_cannot_filter_the_list(
    catalogue, other_partnership, member_with, token_client
):
    theirs = RoleFactory.create(tier=catalogue.tier_a, local_to=other_partnership)
    client = token_client(member_with(Role.LEARNER))
    for role_id in (theirs.pk, theirs.pk + 1000):
        response = client.get(f"{BASE}/courses", {"role": role_id})
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == ["role"]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"category": "advanced"}, "category"), ({"max_hours": "-1"}, "max_hours")],
)
def test_an_invalid_filter_is_400_naming_it(catalogue, coordinator, token_client, query, field):
    response = token_client(coordinator).get(f"{BASE}/courses", query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_partnerships_tailoring_shows_in_the_list(
    partnership, catalogue, member_with, token_client
):
    CourseTailoringFactory.create(
        partnership=partnership,
        course=catalogue.neglect,
        local_title="Neglect in Camden",
        local_duration_hours=Decimal(4),
    )
    CourseTailoringFactory.create(partnership=partnership, course=catalogue.harm, hidden=True)
    client = token_client(member_with(Role.LEARNER))
    body = client.get(f"{BASE}/courses").json()
    assert sorted(titles(body)) == ["Court skills", "Neglect in Camden"]
    neglect = next(c for c in body["results"] if c["id"] == catalogue.neglect.pk)
    assert neglect["duration_hours"] == 4.0
    assert client.get(f"{BASE}/courses/{catalogue.harm.pk}").status_code == 404


def test_another_partnerships_tailoring_changes_nothing_here(
    catalogue, other_partnership, member_with, token_client
):
    AdoptionFactory.create(partnership=other_partnership, framework=catalogue.framework)
    CourseTailoringFactory.create(partnership=other_partnership, course=catalogue.harm, hidden=True)
    CourseTailoringFactory.create(
        partnership=other_partnership, course=catalogue.neglect, local_title="Theirs"
    )
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/courses").json()
    assert sorted(titles(body)) == [
        "Court skills",
        "Harmful sexual behaviour",
        "Recognising neglect",
    ]


def test_local_courses_are_marked_and_stay_in_their_partnership(
    partnership, catalogue, other_partnership, member_with, token_client
):
    ours = CourseFactory.create(tier=catalogue.tier_a, title="Camden's own", local_to=partnership)
    theirs = CourseFactory.create(
        tier=catalogue.tier_a, title="Islington's own", local_to=other_partnership
    )
    client = token_client(member_with(Role.LEARNER))

    body = client.get(f"{BASE}/courses").json()
    assert "Islington's own" not in titles(body)
    assert client.get(f"{BASE}/courses/{ours.pk}").json()["local"] is True

    foreign = client.get(f"{BASE}/courses/{theirs.pk}")
    missing = client.get(f"{BASE}/courses/{theirs.pk + 1000}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "Not found."}


def test_courses_are_paginated(catalogue, member_with, token_client):
    client = token_client(member_with(Role.LEARNER))
    first = client.get(f"{BASE}/courses", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 2)
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{BASE}/courses?page_size=2&page=2"
    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert len({*titles(first), *titles(second)}) == 3


# Frameworks, tiers and roles


def test_the_framework_list_holds_the_adopted_frameworks_only(catalogue, member_with, token_client):
    FrameworkFactory.create(name="Adoptable but not adopted")
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/frameworks").json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": catalogue.framework.pk,
            "slug": "competence-matters",
            "name": "Competence Matters",
            "version": "1",
            "owner": "regional",
            "source": "",
            "period_months": None,
        }
    ]


def test_a_framework_shows_its_tiers_in_order(catalogue, member_with, token_client):
    url = f"{BASE}/frameworks/{catalogue.framework.pk}"
    body = token_client(member_with(Role.LEARNER)).get(url).json()
    assert body["adopted"] is True
    assert [tier["code"] for tier in body["tiers"]] == ["A", "B"]
    assert body["tiers"][0]["framework_id"] == catalogue.framework.pk


def test_a_framework_the_partnership_may_adopt_shows_as_not_adopted(
    catalogue, member_with, token_client
):
    national = FrameworkFactory.create(owner=CompetenceFramework.Owner.NATIONAL, region=None)
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/frameworks/{national.pk}").json()
    assert body["adopted"] is False


def test_another_partnerships_own_framework_answers_404(
    catalogue, other_partnership, member_with, token_client
):
    theirs = PartnershipFrameworkFactory.create(owner_partnership=other_partnership)
    response = token_client(member_with(Role.LEARNER)).get(f"{BASE}/frameworks/{theirs.pk}")
    assert response.status_code == 404


def test_the_tier_list(catalogue, member_with, token_client):
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/tiers").json()
    assert [(tier["code"], tier["name"]) for tier in body["results"]] == [
        ("A", "Group A"),
        ("B", "Group B"),
    ]


def test_the_role_list_and_a_roles_pathway(catalogue, member_with, token_client):
    client = token_client(member_with(Role.LEARNER))
    listed = client.get(f"{BASE}/roles").json()
    assert [role["name"] for role in listed["results"]] == ["Sports Instructor"]

    body = client.get(f"{BASE}/roles/{catalogue.role.pk}").json()
    assert body["tier"] == {"id": catalogue.tier_a.pk, "code": "A", "name": "Group A"}
    assert body["local"] is False
    pathway = body["pathway"]
    assert (pathway["window_months"], pathway["hours_per_period"], pathway["period_months"]) == (
        24,
        None,
        None,
    )
    items = sorted(pathway["items"], key=lambda item: item["named_as"])
    assert items == [
        {
            "course_id": None,
            "named_as": "Introductory training",
            "kind": "recommended",
            "repeat_every_months": 36,
        },
        {
            "course_id": catalogue.neglect.pk,
            "named_as": "Recognising neglect",
            "kind": "required",
            "repeat_every_months": None,
        },
    ]


def test_a_role_without_a_pathway_says_so(catalogue, member_with, token_client):
    role = RoleFactory.create(tier=catalogue.tier_b, name="Radiologist")
    body = token_client(member_with(Role.LEARNER)).get(f"{BASE}/roles/{role.pk}").json()
    assert body["pathway"] is None


def test_another_partnerships_local_role_answers_404(
    catalogue, other_partnership, member_with, token_client
):
    theirs = RoleFactory.create(tier=catalogue.tier_a, local_to=other_partnership)
    response = token_client(member_with(Role.LEARNER)).get(f"{BASE}/roles/{theirs.pk}")
    assert response.status_code == 404


# Who may read


READS = ["frameworks", "tiers", "courses", "roles"]


@pytest.mark.parametrize("path", READS)
def test_a_partnership_the_caller_does_not_belong_to_answers_404(
    catalogue, other_partnership, member_with, token_client, path
):
    client = token_client(member_with(Role.COORDINATOR))
    for code in (other_partnership.code, "no-such-partnership"):
        response = client.get(f"/api/v1/partnerships/{code}/{path}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("role", list(Role))
def test_every_member_may_read_the_catalogue(catalogue, member_with, token_client, role):
    client = token_client(member_with(role))
    for path in READS:
        assert client.get(f"{BASE}/{path}").status_code == 200, path


# Query budgets: token lookup and last-used update, membership, count, page;
# courses add their topics and prerequisites for the whole page.

LIST_QUERIES = {"frameworks": 5, "tiers": 5, "roles": 5, "courses": 7}


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("path", sorted(LIST_QUERIES))
def test_a_list_costs_the_same_queries_whatever_its_length(
    partnership, coordinator, token_client, django_assert_max_num_queries, rows, path
):
    for _ in range(rows):
        framework = FrameworkFactory.create()
        AdoptionFactory.create(partnership=partnership, framework=framework)
        tier = TierFactory.create(framework=framework)
        course = CourseFactory.create(tier=tier)
        course.topics.add(TopicFactory.create())
        course.prerequisites.add(CourseFactory.create(tier=tier))
        RoleFactory.create(tier=tier)
    client = token_client(coordinator)
    with django_assert_max_num_queries(LIST_QUERIES[path]):
        response = client.get(f"{BASE}/{path}", {"page_size": 100})
    expected = rows * 2 if path == "courses" else rows
    assert response.json()["count"] == expected


# The API's description


CATALOGUE_OPERATIONS: dict[str, dict[str, str | int]] = {
    "framework-list": {"code": "camden"},
    "framework-detail": {"code": "camden", "framework_id": 1},
    "tier-list": {"code": "camden"},
    "course-list": {"code": "camden"},
    "course-detail": {"code": "camden", "course_id": 1},
    "role-list": {"code": "camden"},
    "role-detail": {"code": "camden", "role_id": 1},
    "course-tailoring": {"code": "camden", "course_id": 1},
    "local-course-create": {"code": "camden"},
}


def test_the_openapi_document_describes_the_catalogue(client, db):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    for name, kwargs in CATALOGUE_OPERATIONS.items():
        path = reverse(f"api:{name}", kwargs=kwargs).replace("/camden", "/{code}")
        for key in ("framework_id", "course_id", "role_id"):
            path = path.replace("/1", "/{" + key + "}") if key in kwargs else path
        assert path in paths, name
        assert [operation["tags"] for operation in paths[path].values()] == [["catalogue"]], name
    course_list = paths["/api/v1/partnerships/{code}/courses"]["get"]
    params = {p["name"] for p in course_list["parameters"] if p["in"] == "query"}
    assert params == {"tier", "category", "topic", "q", "role", "max_hours", "page", "page_size"}


# Writes: coordinators tailor courses and add local ones


def test_a_coordinator_tailors_a_course_and_the_list_shows_it(catalogue, coordinator, token_client):
    client = token_client(coordinator)
    url = f"{BASE}/courses/{catalogue.neglect.pk}/tailoring"
    response = client.post(
        url,
        {"local_title": "Neglect in Camden", "local_duration_hours": 4.5},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["duration_hours"]) == (
        "Neglect in Camden",
        4.5,
    )
    listed = client.get(f"{BASE}/courses", {"q": "Camden"}).json()
    assert [(c["id"], c["duration_hours"]) for c in listed["results"]] == [
        (catalogue.neglect.pk, 4.5)
    ]

    # Fields left out keep their value; hiding takes the course out of the list.
    hide = client.post(
        f"{BASE}/courses/{catalogue.harm.pk}/tailoring",
        {"hidden": True},
        content_type="application/json",
    )
    assert hide.status_code == 200
    assert hide.json()["hidden"] is True
    assert "Harmful sexual behaviour" not in titles(client.get(f"{BASE}/courses").json())
    assert client.get(f"{BASE}/courses/{catalogue.neglect.pk}").json()["title"] == (
        "Neglect in Camden"
    )

    # A hidden course can be shown again.
    show = client.post(
        f"{BASE}/courses/{catalogue.harm.pk}/tailoring",
        {"hidden": False},
        content_type="application/json",
    )
    assert show.json()["hidden"] is False
    assert client.get(f"{BASE}/courses/{catalogue.harm.pk}").status_code == 200


def test_a_course_a_pathway_requires_cannot_be_hidden(catalogue, coordinator, token_client):
    response = token_client(coordinator).post(
        f"{BASE}/courses/{catalogue.neglect.pk}/tailoring",
        {"hidden": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid: see errors."
    assert [error["field"] for error in body["errors"]] == ["hidden"]
    assert "Sports Instructor" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"local_duration_hours": 0.2}, "local_duration_hours"),
        ({"local_duration_hours": "lots"}, "local_duration_hours"),
        ({"hidden": "perhaps"}, "hidden"),
    ],
)
def test_an_invalid_tailoring_is_400_naming_the_field(
    catalogue, coordinator, token_client, payload, field
):
    response = token_client(coordinator).post(
        f"{BASE}/courses/{catalogue.court.pk}/tailoring", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_another_partnerships_local_course_cannot_be_tailored(
    catalogue, other_partnership, coordinator, token_client
):
    theirs = CourseFactory.create(tier=catalogue.tier_a, local_to=other_partnership)
    response = token_client(coordinator).post(
        f"{BASE}/courses/{theirs.pk}/tailoring",
        {"local_title": "Ours now"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_local_course_is_changed_as_a_course_not_tailored(
    partnership, catalogue, coordinator, token_client
):
    ours = CourseFactory.create(tier=catalogue.tier_a, local_to=partnership)
    response = token_client(coordinator).post(
        f"{BASE}/courses/{ours.pk}/tailoring", {"hidden": True}, content_type="application/json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["course"]


def local_course(catalogue: Catalogue, **changes) -> dict:
    return {
        "framework": catalogue.framework.pk,
        "tier": catalogue.tier_b.pk,
        "title": "Working with interpreters",
        "category": "specialist",
        "level": 1,
        "duration_text": "½ day or 3 hours",
        "aims": "Use interpreters well in child protection work.",
        "outcomes": ["Books an interpreter in time"],
        "topics": ["Communication"],
        "delivery_modes": ["face_to_face", "virtual_classroom"],
        "prerequisites": [catalogue.neglect.pk],
        **changes,
    }


def test_a_coordinator_adds_a_local_course_and_the_list_shows_it(
    catalogue, coordinator, token_client
):
    client = token_client(coordinator)
    response = client.post(
        f"{BASE}/local-courses", local_course(catalogue), content_type="application/json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["local"] is True
    assert created["tier"]["code"] == "B"
    assert (created["duration_hours"], created["duration_text"]) == (3.0, "½ day or 3 hours")
    assert created["topics"] == [{"slug": "communication", "name": "Communication"}]
    assert created["prerequisites"] == [catalogue.neglect.pk]

    listed = client.get(f"{BASE}/courses", {"tier": "B", "category": "specialist"}).json()
    assert sorted(titles(listed)) == ["Court skills", "Working with interpreters"]
    assert client.get(f"{BASE}/courses/{created['id']}").json() == created


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Court skills", "level": 2}, "title"),
        ({"duration_text": "a while"}, "duration_text"),
        ({"category": "advanced"}, "category"),
        ({"delivery_modes": ["carrier_pigeon"]}, "delivery_modes.0"),
        ({"framework": 999999}, "framework"),
        ({"tier": 999999}, "tier"),
        ({"prerequisites": [999999]}, "prerequisites"),
    ],
)
def test_an_invalid_local_course_is_400_naming_the_field(
    catalogue, coordinator, token_client, changes, field
):
    response = token_client(coordinator).post(
        f"{BASE}/local-courses", local_course(catalogue, **changes), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_local_course_cannot_use_another_partnerships_rows(
    catalogue, other_partnership, coordinator, token_client
):
    their_framework = PartnershipFrameworkFactory.create(owner_partnership=other_partnership)
    their_tier = TierFactory.create(framework=their_framework)
    their_course = CourseFactory.create(tier=catalogue.tier_a, local_to=other_partnership)
    client = token_client(coordinator)
    for changes, field in (
        ({"framework": their_framework.pk, "tier": their_tier.pk}, "framework"),
        ({"tier": their_tier.pk}, "tier"),
        ({"prerequisites": [their_course.pk]}, "prerequisites"),
    ):
        response = client.post(
            f"{BASE}/local-courses",
            local_course(catalogue, **changes),
            content_type="application/json",
        )
        assert response.status_code == 400, changes
        assert field in [error["field"] for error in response.json()["errors"]]
    assert client.get(f"{BASE}/courses", {"q": "interpreters"}).json()["count"] == 0


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_may_change_the_catalogue(catalogue, member_with, token_client, role):
    client = token_client(member_with(role))
    tailoring = client.post(
        f"{BASE}/courses/{catalogue.court.pk}/tailoring",
        {"hidden": True},
        content_type="application/json",
    )
    created = client.post(
        f"{BASE}/local-courses", local_course(catalogue), content_type="application/json"
    )
    for response in (tailoring, created):
        assert response.status_code == 403
        assert "roles" in response.json()["detail"]
    assert "Court skills" in titles(client.get(f"{BASE}/courses").json())
    assert client.get(f"{BASE}/courses", {"q": "interpreters"}).json()["count"] == 0


def test_writes_to_a_partnership_the_caller_does_not_belong_to_answer_404(
    catalogue, other_partnership, coordinator, token_client
):
    AdoptionFactory.create(partnership=other_partnership, framework=catalogue.framework)
    client = token_client(coordinator)
    base = f"/api/v1/partnerships/{other_partnership.code}"
    tailoring = client.post(
        f"{base}/courses/{catalogue.court.pk}/tailoring",
        {"hidden": True},
        content_type="application/json",
    )
    created = client.post(
        f"{base}/local-courses", local_course(catalogue), content_type="application/json"
    )
    assert tailoring.status_code == created.status_code == 404


# The real framework


def test_the_london_framework_filters_by_tier_and_category(partnership, member_with, token_client):
    from interagency.catalogue.interchange import build_framework, shipped_document

    framework = build_framework(shipped_document("competence-matters")).framework
    AdoptionFactory.create(partnership=partnership, framework=framework)
    client = token_client(member_with(Role.LEARNER))

    body = client.get(f"{BASE}/courses", {"tier": "A", "category": "core", "page_size": 100}).json()

    assert body["count"] == 11  # the data file's README counts 11 core courses in Group A
    assert {(c["tier"]["code"], c["category"]) for c in body["results"]} == {("A", "core")}
    assert client.get(f"{BASE}/courses", {"page_size": 100}).json()["count"] == 68

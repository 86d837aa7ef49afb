"""A person's further posts on their page and through the API: listed, added, changed, ended."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory
from interagency.core.permissions import Role
from interagency.people.models import Post
from interagency.people.tests.factories import (
    AgencyFactory,
    PersonFactory,
    PostFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


@pytest.fixture
def lead_role(partnership):
    role = RoleFactory.create(name="Designated Safeguarding Lead")
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    return role


@pytest.fixture
def person(agency):
    return PersonFactory.create(
        agency=agency, full_name="Ana Silva", job_title="Health visitor", role=None
    )


def page(name, partnership, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def api_url(name, partnership, **kwargs):
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


def events_of(post):
    return AuditEvent.objects.filter(subject_type="people.Post", subject_id=str(post.pk))


# --- The person page --------------------------------------------------------------------


def test_the_person_page_lists_the_main_post_first_then_the_others(
    coordinator_client, partnership, person, lead_role
):
    PostFactory.create(person=person, job_title="School nurse lead", role=lead_role)
    PostFactory.create(
        person=person,
        job_title="Old rota",
        started_on=datetime.date(2019, 1, 1),
        left_on=datetime.date(2020, 1, 1),
    )
    response = coordinator_client.get(page("person", partnership, person_id=person.pk))
    text = response.text
    posts = text[text.index('id="posts"') :]
    assert (
        posts.index("Health visitor") < posts.index("Main post") < posts.index("School nurse lead")
    )
    assert "Designated Safeguarding Lead" in posts
    assert "Ended" in posts
    assert "Add a post" in posts and "End this post" in posts


def test_those_who_may_not_change_the_person_see_posts_without_links(
    client, sign_in, member_with, partnership, person
):
    manager = member_with(Role.LINE_MANAGER)
    person.line_manager = PersonFactory.create(agency=person.agency, user=manager)
    person.save()
    PostFactory.create(person=person, job_title="School nurse lead")
    sign_in(manager)
    response = client.get(page("person", partnership, person_id=person.pk))
    assert "School nurse lead" in response.text
    assert "Add a post" not in response.text and "End this post" not in response.text
    new = client.get(page("post-new", partnership, person_id=person.pk))
    assert new.status_code in (403, 404)


def test_the_person_page_costs_the_same_queries_for_one_or_five_posts(
    coordinator_client, partnership, person, django_assert_max_num_queries
):
    PostFactory.create(person=person)
    with django_assert_max_num_queries(30) as one:
        coordinator_client.get(page("person", partnership, person_id=person.pk))
    PostFactory.create_batch(4, person=person, service=ServiceFactory.create(agency=person.agency))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(page("person", partnership, person_id=person.pk))
    assert response.text.count("End this post") == 5


def test_a_coordinator_adds_a_post_and_it_is_audited(
    coordinator_client, partnership, person, lead_role
):
    service = ServiceFactory.create(agency=person.agency, name="School nursing")
    response = coordinator_client.post(
        page("post-new", partnership, person_id=person.pk),
        {
            "job_title": "School nurse lead",
            "agency": person.agency_id,
            "service": service.pk,
            "role": lead_role.pk,
            "employment_type": "permanent",
            "started_on_0": "1",
            "started_on_1": "9",
            "started_on_2": "2024",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(person=person)
    assert (post.service, post.role, post.started_on) == (
        service,
        lead_role,
        datetime.date(2024, 9, 1),
    )
    event = events_of(post).get()
    assert event.action == "created"
    assert event.changes["job_title"] == [None, "School nurse lead"]


def test_a_service_of_another_agency_is_refused_on_its_field(
    coordinator_client, partnership, person
):
    elsewhere = ServiceFactory.create(agency=AgencyFactory.create(partnership=partnership))
    response = coordinator_client.post(
        page("post-new", partnership, person_id=person.pk),
        {"agency": person.agency_id, "service": elsewhere.pk, "employment_type": "permanent"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Choose a service of the post&#x27;s own agency." in response.text
    assert not Post.objects.exists()


def test_a_posts_line_manager_is_found_by_their_work_email(coordinator_client, partnership, person):
    manager = PersonFactory.create(
        agency=person.agency, full_name="Mo Manager", work_email="mo@camden.example"
    )
    other_partnership_person = PersonFactory.create(work_email="far@elsewhere.example")
    new_post = page("post-new", partnership, person_id=person.pk)
    fields = {"job_title": "Night lead", "agency": person.agency_id, "employment_type": "permanent"}

    refused = coordinator_client.post(
        new_post, {**fields, "line_manager_email": other_partnership_person.work_email}
    )
    assert refused.status_code == 200
    assert "No one in post that you can see has this work email" in refused.text
    assert not Post.objects.exists()

    added = coordinator_client.post(new_post, {**fields, "line_manager_email": "MO@camden.example"})
    assert added.status_code == 302
    post = Post.objects.get(person=person)
    assert post.line_manager == manager
    edit = coordinator_client.get(
        page("post-edit", partnership, person_id=person.pk, post_id=post.pk)
    )
    assert 'value="mo@camden.example"' in edit.text
    assert events_of(post).get().changes["line_manager_id"] == [None, manager.pk]


def test_a_post_is_changed_then_ended_and_each_change_audited(
    coordinator_client, partnership, person, lead_role
):
    post = PostFactory.create(person=person, job_title="Rota", started_on=datetime.date(2024, 1, 1))
    changed = coordinator_client.post(
        page("post-edit", partnership, person_id=person.pk, post_id=post.pk),
        {
            "job_title": "Duty rota",
            "agency": person.agency_id,
            "role": lead_role.pk,
            "employment_type": "temporary",
            "started_on_0": "1",
            "started_on_1": "1",
            "started_on_2": "2024",
        },
    )
    assert changed.status_code == 302
    early = coordinator_client.post(
        page("post-end", partnership, person_id=person.pk, post_id=post.pk),
        {"left_on_0": "1", "left_on_1": "1", "left_on_2": "2023"},
    )
    assert "The leaving date must be on or after the start date." in early.text
    ended = coordinator_client.post(
        page("post-end", partnership, person_id=person.pk, post_id=post.pk),
        {"left_on_0": "31", "left_on_1": "3", "left_on_2": "2025"},
    )
    assert ended.status_code == 302
    post.refresh_from_db()
    assert (post.job_title, post.role, post.employment_type, post.left_on) == (
        "Duty rota",
        lead_role,
        "temporary",
        datetime.date(2025, 3, 31),
    )
    changes = [event.changes for event in events_of(post).order_by("pk")]
    assert changes[-1] == {"left_on": [None, "2025-03-31"]}
    assert changes[0]["job_title"] == ["Rota", "Duty rota"]


def test_an_agency_lead_changes_posts_only_of_their_agencys_people(
    client, sign_in, member_with, partnership, person
):
    lead = member_with(Role.AGENCY_LEAD)
    person.agency.lead = lead
    person.agency.save()
    other = PersonFactory.create(agency=AgencyFactory.create(partnership=partnership))
    sign_in(lead)
    assert client.get(page("post-new", partnership, person_id=person.pk)).status_code == 200
    assert client.get(page("post-new", partnership, person_id=other.pk)).status_code == 404


# --- The API --------------------------------------------------------------------------


@pytest.fixture
def api(coordinator):
    _, text = issue_access_token(user=coordinator, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"})


def test_the_person_detail_includes_their_posts(api, partnership, person, lead_role):
    post = PostFactory.create(person=person, job_title="School nurse lead", role=lead_role)
    body = api.get(api_url("person-detail", partnership, person_id=person.pk)).json()
    assert body["job_title"] == "Health visitor"
    [listed] = body["posts"]
    assert listed["id"] == post.pk
    assert (listed["job_title"], listed["role_id"], listed["role_name"]) == (
        "School nurse lead",
        lead_role.pk,
        "Designated Safeguarding Lead",
    )


def test_the_api_adds_changes_and_ends_a_post_audited(api, partnership, person, lead_role):
    created = api.post(
        api_url("person-posts", partnership, person_id=person.pk),
        {"job_title": "School nurse lead", "role": lead_role.pk, "started_on": "2024-09-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    assert created.json()["agency_id"] == person.agency_id
    patched = api.patch(
        api_url("person-post", partnership, person_id=person.pk, post_id=post_id),
        {"left_on": "2025-07-31"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["left_on"] == "2025-07-31"
    assert patched.json()["job_title"] == "School nurse lead"
    assert events_of(Post.objects.get(pk=post_id)).count() == 2


def test_the_api_names_the_field_it_refuses(api, partnership, person):
    bad_role = api.post(
        api_url("person-posts", partnership, person_id=person.pk),
        {"role": 999999},
        content_type="application/json",
    )
    assert bad_role.status_code == 400
    assert [error["field"] for error in bad_role.json()["errors"]] == ["role"]
    post = PostFactory.create(person=person, started_on=datetime.date(2024, 1, 1))
    early = api.patch(
        api_url("person-post", partnership, person_id=person.pk, post_id=post.pk),
        {"left_on": "2023-01-01"},
        content_type="application/json",
    )
    assert early.status_code == 400
    assert [error["field"] for error in early.json()["errors"]] == ["left_on"]
    post.refresh_from_db()
    assert post.left_on is None


def test_a_post_is_reached_only_through_its_own_person(api, partnership, person):
    other = PersonFactory.create(agency=person.agency)
    post = PostFactory.create(person=other)
    response = api.patch(
        api_url("person-post", partnership, person_id=person.pk, post_id=post.pk),
        {"job_title": "Moved"},
        content_type="application/json",
    )
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.job_title == "Second post"


def test_a_learner_may_not_add_posts(token_client_for_learner):
    client, partnership, person = token_client_for_learner
    response = client.post(
        api_url("person-posts", partnership, person_id=person.pk),
        {"job_title": "Mine"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not Post.objects.exists()


@pytest.fixture
def token_client_for_learner(member_with, partnership, agency):
    learner = member_with(Role.LEARNER)
    person = PersonFactory.create(agency=agency, user=learner)
    _, text = issue_access_token(user=learner, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"}), partnership, person

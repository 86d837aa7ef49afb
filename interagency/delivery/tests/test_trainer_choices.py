"""The session form lists the chosen trainers and a search's first few, not every trainer."""

import re

import pytest
from django.urls import reverse

from interagency.accounts.tests.factories import UserFactory
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Session
from interagency.delivery.selectors.trainers import TRAINERS_LISTED
from interagency.delivery.tests.factories import VenueFactory
from interagency.delivery.tests.test_session_pages import session_post, soon, summary
from interagency.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def course(partnership):
    course = CourseFactory.create(title="Working Together")
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    return course


@pytest.fixture
def venue(partnership):
    return VenueFactory.create(partnership=partnership, name="Crowndale Centre")


def trainers(partnership, count: int, name: str = "Trainer") -> list:
    users = [UserFactory(full_name=f"{name} {n:03}") for n in range(count)]
    for user in users:
        MembershipFactory(partnership=partnership, user=user, role=Role.TRAINER)
    return users


def trainer_boxes(response) -> list[str]:
    return re.findall(r'<input[^>]*name="trainers"[^>]*>', response.text)


def new_session(partnership) -> str:
    return reverse("sessions:session-new", kwargs={"code": partnership.code})


@pytest.mark.django_db
def test_a_few_trainers_are_all_listed_without_a_search(coordinator_client, partnership):
    trainers(partnership, 3)
    response = coordinator_client.get(new_session(partnership))
    assert response.text.count('name="trainers"') == 3
    assert "Find trainers" not in response.text


@pytest.mark.django_db
def test_many_trainers_list_the_first_and_offer_a_search(
    coordinator_client, partnership, django_assert_num_queries
):
    trainers(partnership, TRAINERS_LISTED + 5)
    coordinator_client.get(new_session(partnership))
    with django_assert_num_queries(11):
        response = coordinator_client.get(new_session(partnership))
    assert response.text.count('name="trainers"') == TRAINERS_LISTED
    assert "Trainer 000" in response.text and f"Trainer {TRAINERS_LISTED:03}" not in response.text
    assert "Find trainers" in response.text
    trainers(partnership, 20, name="Another")
    with django_assert_num_queries(11):
        coordinator_client.get(new_session(partnership))


@pytest.mark.django_db
def test_the_search_finds_a_trainer_and_keeps_what_was_ticked_and_typed(
    coordinator_client, partnership, course, venue
):
    listed = trainers(partnership, TRAINERS_LISTED + 5)
    ticked, sought = listed[0], listed[-1]
    data = session_post(course, venue, soon(), trainers=[str(ticked.pk)], capacity="17")
    del data["save"]
    data |= {"find_trainers": "1", "trainer_search": sought.full_name}
    response = coordinator_client.post(new_session(partnership), data)
    assert response.status_code == 200 and not Session.objects.exists()
    assert response.text.count('name="trainers"') == 2
    assert sought.full_name in response.text
    ticked_boxes = [tag for tag in trainer_boxes(response) if "checked" in tag]
    assert len(ticked_boxes) == 1 and f'value="{ticked.pk}"' in ticked_boxes[0]
    assert 'value="17"' in response.text
    assert summary(response) == []


@pytest.mark.django_db
def test_a_trainer_found_by_search_is_saved(coordinator_client, partnership, course, venue):
    listed = trainers(partnership, TRAINERS_LISTED + 5)
    first, found = listed[0], listed[-1]
    data = session_post(course, venue, soon(), trainers=[str(first.pk), str(found.pk)])
    response = coordinator_client.post(new_session(partnership), data)
    assert response.status_code == 302, summary(response)
    assert {t.user_id for t in Session.objects.get().trainers.all()} == {first.pk, found.pk}


@pytest.mark.django_db
def test_a_search_that_finds_no_one_says_so(coordinator_client, partnership, course, venue):
    trainers(partnership, 3)
    data = session_post(course, venue, soon(), find_trainers="1", trainer_search="Nobody")
    del data["save"]
    response = coordinator_client.post(new_session(partnership), data)
    assert "No trainer matches your search." in response.text


@pytest.mark.django_db
def test_another_partnerships_trainer_cannot_be_chosen(
    coordinator_client, partnership, other_partnership, course, venue
):
    (outsider,) = trainers(other_partnership, 1)
    data = session_post(course, venue, soon(), trainers=[str(outsider.pk)])
    response = coordinator_client.post(new_session(partnership), data)
    assert response.status_code == 200 and not Session.objects.exists()
    assert summary(response)

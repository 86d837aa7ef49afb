"""The coordinator's equivalences page: a course whose completion counts for another."""

import pytest
from django.urls import reverse

from interagency.catalogue import selectors
from interagency.catalogue.models import Equivalence
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory, TierFactory
from interagency.core.permissions import Role


@pytest.fixture
def courses(partnership):
    tier = TierFactory.create(name="Group B")
    AdoptionFactory.create(partnership=partnership, framework=tier.framework)
    return {
        "core": CourseFactory.create(tier=tier, title="Core safeguarding"),
        "police": CourseFactory.create(tier=tier, title="Police safeguarding"),
    }


def page(partnership) -> str:
    return reverse("catalogue:manage-equivalences", kwargs={"code": partnership.code})


def test_a_coordinator_adds_lists_and_removes_an_equivalence(
    coordinator_client, partnership, courses
):
    response = coordinator_client.post(
        page(partnership), {"course": courses["police"].pk, "counts_for": courses["core"].pk}
    )
    assert response.status_code == 302
    listing = coordinator_client.get(page(partnership)).text
    assert "Police safeguarding" in listing and "Core safeguarding" in listing
    equivalence = Equivalence.objects.get()
    assert equivalence.partnership == partnership
    remove = reverse(
        "catalogue:manage-equivalence-remove",
        kwargs={"code": partnership.code, "equivalence_id": equivalence.pk},
    )
    assert "Stop counting Police safeguarding" in coordinator_client.get(remove).text
    assert coordinator_client.post(remove).status_code == 302
    assert not Equivalence.objects.exists()


def test_a_course_counting_for_itself_or_twice_is_refused_on_the_form(
    coordinator_client, partnership, courses
):
    same = {"course": courses["core"].pk, "counts_for": courses["core"].pk}
    response = coordinator_client.post(page(partnership), same)
    assert "a course already counts for itself" in response.text
    assert 'class="govuk-error-summary"' in response.text
    twice = {"course": courses["police"].pk, "counts_for": courses["core"].pk}
    coordinator_client.post(page(partnership), twice)
    response = coordinator_client.post(page(partnership), twice)
    assert "already counts for Core safeguarding" in response.text
    assert Equivalence.objects.count() == 1


def test_a_frameworks_equivalence_is_listed_but_cannot_be_removed(
    coordinator_client, partnership, courses
):
    framework_own = Equivalence.objects.create(course=courses["police"], counts_for=courses["core"])
    listing = coordinator_client.get(page(partnership)).text
    assert "The framework" in listing
    remove = reverse(
        "catalogue:manage-equivalence-remove",
        kwargs={"code": partnership.code, "equivalence_id": framework_own.pk},
    )
    assert coordinator_client.post(remove).status_code == 404
    assert Equivalence.objects.filter(pk=framework_own.pk).exists()


def test_only_coordinators_manage_equivalences(client, sign_in, member_with, partnership, courses):
    sign_in(member_with(Role.BOARD_MEMBER))
    assert client.get(page(partnership)).status_code == 403


def test_equivalences_of_another_partnership_do_not_hold_here(
    partnership, other_partnership, courses
):
    Equivalence.objects.create(
        partnership=other_partnership, course=courses["police"], counts_for=courses["core"]
    )
    assert list(selectors.counting_courses(partnership)) == []
    AdoptionFactory.create(partnership=other_partnership, framework=courses["core"].framework)
    assert list(selectors.counting_courses(other_partnership)) == [
        (courses["police"].pk, courses["core"].pk)
    ]


def test_a_saved_name_of_training_elsewhere_is_listed_and_removed(
    coordinator_client, partnership, courses
):
    from interagency.catalogue.services.equivalences import add_external_equivalence

    saved = add_external_equivalence(
        partnership=partnership,
        external_training="  NSPCC   core groups ",
        counts_for=courses["core"],
    )
    assert saved.external_training == "NSPCC core groups"
    listing = coordinator_client.get(page(partnership)).text
    assert "NSPCC core groups (training elsewhere)" in listing
    remove = reverse(
        "catalogue:manage-equivalence-remove",
        kwargs={"code": partnership.code, "equivalence_id": saved.pk},
    )
    confirm = coordinator_client.get(remove).text
    assert "Stop suggesting Core safeguarding for “NSPCC core groups”" in confirm
    assert coordinator_client.post(remove, follow=True).status_code == 200
    assert not Equivalence.objects.exists()

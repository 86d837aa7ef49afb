"""A coordinator chooses whether the partnership's figures go to its region, audited."""

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.regional.selectors import shares_with_region

pytestmark = pytest.mark.clock


def url(partnership) -> str:
    return reverse("regional:sharing", kwargs={"code": partnership.code})


def test_a_coordinator_opts_in_and_out_and_each_change_is_audited(coordinator_client, partnership):
    page = coordinator_client.get(url(partnership))
    assert page.status_code == 200
    assert "This partnership does not share its figures with London." in page.text
    response = coordinator_client.post(url(partnership), {"shares_with_region": "yes"})
    assert response.status_code == 302
    assert shares_with_region(partnership)
    page = coordinator_client.get(url(partnership))
    assert "This partnership shares its figures with London." in page.text
    coordinator_client.post(url(partnership), {"shares_with_region": "yes"})  # no change
    coordinator_client.post(url(partnership), {"shares_with_region": "no"})
    assert not shares_with_region(partnership)
    events = AuditEvent.objects.for_partnership(partnership).filter(
        subject_type="regional.RegionalSharing"
    )
    assert sorted(event.changes["shares_with_region"] for event in events) == [
        [False, True],
        [True, False],
    ]


def test_choosing_nothing_is_refused_with_a_message(coordinator_client, partnership):
    response = coordinator_client.post(url(partnership), {})
    assert response.status_code == 200
    assert "Choose whether to share the partnership&#x27;s figures." in response.text
    assert not shares_with_region(partnership)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.LEARNER, Role.AGENCY_LEAD])
def test_only_coordinators_may_choose(client, sign_in, member_with, partnership, role):
    sign_in(member_with(role))
    assert client.post(url(partnership), {"shares_with_region": "yes"}).status_code == 403
    assert not shares_with_region(partnership)


def test_the_start_page_shows_the_choice_and_a_regional_coordinators_link(
    client, sign_in, coordinator, partnership, london
):
    from interagency.regional.services import grant_regional_coordinator

    sign_in(coordinator)
    start = reverse("tenancy:dashboard", kwargs={"code": partnership.code})
    text = client.get(start).text
    assert "This partnership does not share its figures with its region." in text
    assert "Benchmarks of London" not in text
    grant_regional_coordinator(user=coordinator, region=london, granted_by=None)
    text = client.get(start).text
    assert 'href="/r/london/benchmarks/">Benchmarks of London</a>' in text


def test_members_who_neither_choose_nor_coordinate_a_region_see_nothing_of_it(
    client, sign_in, member_with, partnership
):
    sign_in(member_with(Role.LEARNER))
    start = reverse("tenancy:dashboard", kwargs={"code": partnership.code})
    assert "Regional benchmarks" not in client.get(start).text

import pytest

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.tenancy.models import Membership
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory


def test_member_sees_their_partnership_name_on_the_dashboard(client, member_with, partnership):
    client.force_login(member_with(Role.LEARNER))
    response = client.get(f"/p/{partnership.code}/")
    assert response.status_code == 200
    assert "Camden Safeguarding Children Partnership" in response.text


def test_unknown_partnership_code_is_a_404_page(coordinator_client):
    response = coordinator_client.get("/p/no-such-partnership/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_signed_out_visitor_is_sent_to_sign_in(client, partnership):
    response = client.get(f"/p/{partnership.code}/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_navigation_shows_only_the_areas_the_roles_allow(client, member_with, partnership):
    client.force_login(member_with(Role.LEARNER))
    page = client.get(f"/p/{partnership.code}/").text
    assert f'href="/p/{partnership.code}/catalogue/"' in page
    assert f'href="/p/{partnership.code}/reports/"' not in page
    assert "Audit trail" not in page


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.LEARNER, "members/", 403),
        (Role.BOARD_MEMBER, "members/", 403),
        (Role.BOARD_MEMBER, "reports/", 200),
        (Role.LEARNER, "reports/", 403),
        (Role.AGENCY_LEAD, "people/", 200),
        (Role.TRAINER, "audit/", 403),
    ],
)
def test_pages_answer_as_the_permission_table_says(
    client, member_with, partnership, role, path, status
):
    client.force_login(member_with(role))
    response = client.get(f"/p/{partnership.code}/{path}")
    assert response.status_code == status
    if status == 403:
        assert "You do not have permission to see this page" in response.text


def test_member_of_two_partnerships_can_switch(client, member_with, partnership, other_partnership):
    user = member_with(Role.LEARNER)
    MembershipFactory(partnership=other_partnership, user=user, role=Role.LEARNER)
    client.force_login(user)
    assert client.get("/").headers["Location"] == "/partnerships/"
    choice = client.get("/partnerships/").text
    assert partnership.name in choice and other_partnership.name in choice
    other = client.get(f"/p/{other_partnership.code}/").text
    assert other_partnership.name in other


def test_member_of_one_partnership_goes_straight_to_it(client, member_with, partnership):
    client.force_login(member_with(Role.LEARNER))
    assert client.get("/").headers["Location"] == f"/p/{partnership.code}/"


def test_coordinator_changes_roles_and_the_change_is_audited(
    coordinator_client, coordinator, member_with, partnership
):
    learner = member_with(Role.LEARNER)
    url = f"/p/{partnership.code}/members/{learner.pk}/roles/"
    response = coordinator_client.post(url, {"roles": [Role.LEARNER, Role.TRAINER]}, follow=True)
    assert "Roles updated" in response.text
    assert set(Membership.objects.filter(user=learner).values_list("role", flat=True)) == {
        Role.LEARNER,
        Role.TRAINER,
    }
    event = AuditEvent.objects.get(partnership=partnership, subject_id=str(learner.pk))
    assert event.actor_user_id == coordinator.pk
    assert event.changes == {"roles": [["learner"], ["learner", "trainer"]]}
    trail = coordinator_client.get(f"/p/{partnership.code}/audit/").text
    assert learner.full_name in trail


def test_unknown_role_is_refused_with_an_error_summary(
    coordinator_client, member_with, partnership
):
    learner = member_with(Role.LEARNER)
    response = coordinator_client.post(
        f"/p/{partnership.code}/members/{learner.pk}/roles/", {"roles": ["superuser"]}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select a valid choice" in response.text
    assert list(Membership.objects.filter(user=learner).values_list("role", flat=True)) == [
        Role.LEARNER
    ]


def test_members_page_searches_and_paginates(coordinator_client, partnership):
    for number in range(55):
        MembershipFactory(partnership=partnership, user__full_name=f"Person {number:02d}")
    first = coordinator_client.get(f"/p/{partnership.code}/members/").text
    assert "56 members" in first
    assert 'aria-label="Page 2"' in first
    found = coordinator_client.get(f"/p/{partnership.code}/members/?q=Person 07").text
    assert "Person 07" in found and "Person 08" not in found


def test_members_page_counts_each_member_once_and_only_its_own(coordinator_client, partnership):
    trainer = MembershipFactory(partnership=partnership, role=Role.TRAINER).user
    MembershipFactory(partnership=partnership, user=trainer, role=Role.LINE_MANAGER)
    MembershipFactory(partnership=PartnershipFactory(), user=trainer, role=Role.LEARNER)
    MembershipFactory(partnership=PartnershipFactory())
    page = coordinator_client.get(f"/p/{partnership.code}/members/").text
    assert "2 members" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_members_page_query_count_does_not_grow_with_members(
    coordinator_client, partnership, rows, django_assert_max_num_queries
):
    other = PartnershipFactory()
    for _ in range(rows):
        MembershipFactory(partnership=partnership)
        MembershipFactory(partnership=other)
    with django_assert_max_num_queries(10):
        response = coordinator_client.get(f"/p/{partnership.code}/members/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_and_audit_query_counts_do_not_grow(
    coordinator_client, coordinator, member_with, partnership, rows, django_assert_max_num_queries
):
    from interagency.tenancy.services import set_member_roles

    for _ in range(rows):
        set_member_roles(
            partnership=partnership,
            user=member_with(Role.LEARNER),
            roles=[Role.TRAINER],
            changed_by=coordinator,
        )
    # The start page adds the coordinator's to-do list: five counts, whatever the data.
    for path, budget in (("", 14), ("audit/", 9), ("people/", 9)):
        with django_assert_max_num_queries(budget):
            assert coordinator_client.get(f"/p/{partnership.code}/{path}").status_code == 200


def test_members_search_answers_htmx_with_only_the_results(coordinator_client, partnership):
    MembershipFactory(partnership=partnership, user__full_name="Ada Lovelace")
    response = coordinator_client.get(
        f"/p/{partnership.code}/members/?q=Ada", headers={"HX-Request": "true"}
    )
    assert response.text.lstrip().startswith('<div id="member-results"')
    assert "Ada Lovelace" in response.text
    assert "<html" not in response.text

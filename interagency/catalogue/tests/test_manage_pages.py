"""The coordinator's pages that adopt, tailor and extend the partnership's catalogue."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.catalogue import selectors, services
from interagency.catalogue.models import Adoption, CompetenceFramework, Course, PathwayItem, Role
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
)
from interagency.core.permissions import Role as MemberRole


@pytest.fixture
def group_a(partnership):
    framework = FrameworkFactory.create(name="Competence Matters", region=partnership.region)
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return TierFactory.create(framework=framework, code="a", name="Group A", order=1)


def url(partnership, name: str, **kwargs) -> str:
    return reverse(f"catalogue:{name}", kwargs={"code": partnership.code, **kwargs})


def course_form(tier, **overrides) -> dict:
    data = {
        "tier": tier.pk,
        "title": "Gangs and exploitation",
        "category": "specialist",
        "level": "",
        "duration_text": "½ day or 3 hours",
        "aims": "Spot the signs of exploitation.",
        "outcomes": "Know the signs\nKnow who to call",
        "topics": "Exploitation, Gangs",
        "delivery_modes": ["face_to_face"],
        "prerequisite_note": "",
    }
    data.update(overrides)
    return data


def flash(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# Adopting


def test_the_coordinator_adopts_a_framework(partnership, coordinator_client):
    framework = FrameworkFactory.create(name="Intercollegiate", region=partnership.region)
    page = coordinator_client.get(url(partnership, "manage"))
    assert "Intercollegiate" in page.text
    assert url(partnership, "manage-adopt", framework_id=framework.pk) in page.text

    response = coordinator_client.post(
        url(partnership, "manage-adopt", framework_id=framework.pk), follow=True
    )
    assert response.redirect_chain[-1][0] == url(partnership, "manage")
    assert "now uses Intercollegiate" in flash(response)
    assert list(selectors.adopted_frameworks(partnership)) == [framework]


def test_adopting_is_a_post(partnership, coordinator_client):
    framework = FrameworkFactory.create(region=partnership.region)
    response = coordinator_client.get(url(partnership, "manage-adopt", framework_id=framework.pk))
    assert response.status_code == 405
    assert not Adoption.objects.exists()


def test_the_coordinator_stops_using_a_framework(partnership, coordinator_client, group_a):
    address = url(partnership, "manage-stop-adopting", framework_id=group_a.framework_id)
    assert "Stop using" in coordinator_client.get(address).text
    response = coordinator_client.post(address)
    assert response.status_code == 302
    assert not selectors.adopted_frameworks(partnership).exists()


# Tailoring


def test_the_coordinator_hides_a_course(partnership, coordinator_client, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    address = url(partnership, "manage-course-tailor", course_id=course.pk)
    response = coordinator_client.post(address, {"hidden": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == url(partnership, "manage-courses")
    assert "Changes to Neglect saved" in flash(response)
    assert "Hidden" in response.text
    assert course not in selectors.catalogue_courses(partnership)


def test_the_coordinator_renames_and_retimes_a_course(partnership, coordinator_client, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect", duration_hours=6)
    coordinator_client.post(
        url(partnership, "manage-course-tailor", course_id=course.pk),
        {"local_title": "Neglect in Camden", "local_duration_hours": "4.5"},
    )
    shown = selectors.catalogue_courses(partnership).get(pk=course.pk)
    assert (shown.shown_title, shown.shown_hours) == ("Neglect in Camden", Decimal("4.5"))
    page = coordinator_client.get(url(partnership, "manage-courses"))
    assert "Neglect in Camden" in page.text
    assert "Local title" in page.text and "Local duration" in page.text
    form = coordinator_client.get(url(partnership, "manage-course-tailor", course_id=course.pk))
    assert 'value="Neglect in Camden"' in form.text


def test_hiding_a_required_course_shows_why_it_is_refused(partnership, coordinator_client, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    role = RoleFactory.create(tier=group_a, name="Youth worker")
    PathwayItemFactory.create(pathway=PathwayFactory.create(role=role), course=course)
    response = coordinator_client.post(
        url(partnership, "manage-course-tailor", course_id=course.pk), {"hidden": "on"}
    )
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert "govuk-error-summary" in response.text
    assert (
        "Neglect is required by the pathway for Youth worker: remove it from that pathway first"
        in response.text
    )
    assert course in selectors.catalogue_courses(partnership)


def test_a_local_course_is_changed_on_its_own_page_not_tailored(
    partnership, coordinator_client, group_a
):
    course = CourseFactory.create(tier=group_a, local_to=partnership)
    response = coordinator_client.get(url(partnership, "manage-course-tailor", course_id=course.pk))
    assert response.status_code == 404


# Local courses


def test_the_coordinator_adds_a_local_course(partnership, coordinator_client, group_a):
    form = coordinator_client.get(url(partnership, "manage-local-course-new"))
    assert "Competence Matters: Group A" in form.text
    response = coordinator_client.post(
        url(partnership, "manage-local-course-new"), course_form(group_a), follow=True
    )
    assert response.redirect_chain[-1][0] == url(partnership, "manage-local-courses")
    assert "Gangs and exploitation added" in flash(response)
    course = Course.objects.get(title="Gangs and exploitation")
    assert course.local_to == partnership
    assert course.outcomes == ["Know the signs", "Know who to call"]
    assert sorted(course.topics.values_list("name", flat=True)) == ["Exploitation", "Gangs"]
    assert course in selectors.catalogue_courses(partnership)


def test_a_level_two_course_without_its_level_one_shows_the_rule(
    partnership, coordinator_client, group_a
):
    response = coordinator_client.post(
        url(partnership, "manage-local-course-new"), course_form(group_a, level="2")
    )
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert "A Level 2 course needs its Level 1 course or a stated equivalent" in response.text
    assert 'href="#id_prerequisites"' in response.text
    assert not Course.objects.filter(local_to=partnership).exists()


def test_a_level_two_course_with_a_stated_equivalent_is_added(
    partnership, coordinator_client, group_a
):
    coordinator_client.post(
        url(partnership, "manage-local-course-new"),
        course_form(group_a, level="2", prerequisite_note="Level 1 or the council's own course"),
    )
    assert Course.objects.get(local_to=partnership).level == 2


def test_a_duplicate_title_in_the_tier_is_refused_on_the_page(
    partnership, coordinator_client, group_a
):
    CourseFactory.create(tier=group_a, title="Gangs and exploitation")
    response = coordinator_client.post(
        url(partnership, "manage-local-course-new"), course_form(group_a)
    )
    assert "Group A already has a course called" in response.text
    assert not Course.objects.filter(local_to=partnership).exists()


def test_the_tier_list_offers_only_adopted_frameworks(partnership, coordinator_client, group_a):
    elsewhere = TierFactory.create(framework=FrameworkFactory.create(region=partnership.region))
    response = coordinator_client.post(
        url(partnership, "manage-local-course-new"), course_form(elsewhere)
    )
    assert "Select a valid choice" in response.text
    assert not Course.objects.filter(local_to=partnership).exists()


def test_the_coordinator_changes_and_deletes_a_local_course(
    partnership, coordinator_client, group_a
):
    course = CourseFactory.create(tier=group_a, title="Gangs", local_to=partnership)
    address = url(partnership, "manage-local-course", course_id=course.pk)
    assert 'value="Gangs"' in coordinator_client.get(address).text
    coordinator_client.post(address, course_form(group_a, title="Gangs and county lines"))
    course.refresh_from_db()
    assert course.title == "Gangs and county lines"

    delete = url(partnership, "manage-local-course-delete", course_id=course.pk)
    assert "Delete Gangs and county lines?" in coordinator_client.get(delete).text
    response = coordinator_client.post(delete, follow=True)
    assert "Gangs and county lines deleted" in flash(response)
    assert not Course.objects.filter(pk=course.pk).exists()


def test_deleting_a_local_course_a_pathway_uses_is_refused(
    partnership, coordinator_client, group_a
):
    course = CourseFactory.create(tier=group_a, title="Gangs", local_to=partnership)
    role = RoleFactory.create(tier=group_a, name="Youth worker", local_to=partnership)
    PathwayItemFactory.create(pathway=PathwayFactory.create(role=role), course=course)
    response = coordinator_client.post(
        url(partnership, "manage-local-course-delete", course_id=course.pk)
    )
    assert response.status_code == 200
    assert "Gangs is in the pathway for Youth worker" in response.text
    assert Course.objects.filter(pk=course.pk).exists()


# Roles and pathways


def test_the_coordinator_adds_a_role_and_edits_its_pathway(
    partnership, coordinator_client, group_a
):
    neglect = CourseFactory.create(tier=group_a, title="Neglect")
    court = CourseFactory.create(tier=group_a, title="Court skills")
    response = coordinator_client.post(
        url(partnership, "manage-role-new"), {"tier": group_a.pk, "name": "Youth worker"}
    )
    role = Role.objects.get(name="Youth worker")
    assert role.local_to == partnership
    pathway_page = url(partnership, "manage-pathway", role_id=role.pk)
    assert response["Location"] == pathway_page

    page = coordinator_client.get(pathway_page)
    assert f'id="required-{neglect.pk}"' in page.text
    response = coordinator_client.post(
        pathway_page,
        {
            "window_months": "18",
            "required": [neglect.pk],
            "recommended": [court.pk],
            f"refresh_{neglect.pk}": "36",
        },
        follow=True,
    )
    assert "Pathway for Youth worker saved" in flash(response)
    items = PathwayItem.objects.filter(pathway__role=role).select_related("course")
    assert sorted((i.named_as, i.kind, i.repeat_every_months) for i in items) == [
        ("Court skills", "recommended", None),
        ("Neglect", "required", 36),
    ]
    again = coordinator_client.get(pathway_page)
    assert f'name="refresh_{neglect.pk}" type="text" inputmode="numeric" value="36"' in again.text


def test_a_course_both_required_and_recommended_is_refused(
    partnership, coordinator_client, group_a
):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    role = RoleFactory.create(tier=group_a, local_to=partnership)
    response = coordinator_client.post(
        url(partnership, "manage-pathway", role_id=role.pk),
        {"window_months": "24", "required": [course.pk], "recommended": [course.pk]},
    )
    assert "<title>Error: " in response.text
    assert "A course cannot be both required and recommended: Neglect." in response.text
    assert not PathwayItem.objects.exists()


def test_a_hidden_course_is_not_offered_for_a_pathway(partnership, coordinator_client, group_a):
    hidden = CourseFactory.create(tier=group_a, title="Court skills")
    CourseFactory.create(tier=group_a, title="Shown course")
    services.tailor_course(partnership=partnership, course=hidden, hidden=True)
    role = RoleFactory.create(tier=group_a, local_to=partnership)
    address = url(partnership, "manage-pathway", role_id=role.pk)
    page = coordinator_client.get(address).text
    assert "Shown course" in page
    assert "Court skills" not in page
    response = coordinator_client.post(address, {"window_months": "24", "required": [hidden.pk]})
    assert "Select a valid choice" in response.text
    assert not PathwayItem.objects.exists()


def test_a_framework_roles_pathway_is_viewed_not_edited(partnership, coordinator_client, group_a):
    role = RoleFactory.create(tier=group_a, name="Social worker")
    page = coordinator_client.get(url(partnership, "manage-roles"))
    assert url(partnership, "manage-pathway", role_id=role.pk) not in page.text
    assert reverse("catalogue:role", kwargs={"code": partnership.code, "role_id": role.pk}) in (
        page.text
    )
    response = coordinator_client.get(url(partnership, "manage-pathway", role_id=role.pk))
    assert response.status_code == 404


# Frameworks the partnership owns


def test_the_coordinator_edits_an_owned_framework_and_its_tiers(partnership, coordinator_client):
    framework = PartnershipFrameworkFactory.create(owner_partnership=partnership, name="Ours")
    address = url(partnership, "manage-framework", framework_id=framework.pk)
    coordinator_client.post(address, {"name": "Camden framework", "period_months": "36"})
    framework.refresh_from_db()
    assert (framework.name, framework.period_months) == ("Camden framework", 36)

    coordinator_client.post(
        url(partnership, "manage-tier-new", framework_id=framework.pk),
        {"code": "group-a", "name": "Group A"},
    )
    tier = framework.tiers.get()
    coordinator_client.post(
        url(partnership, "manage-tier", tier_id=tier.pk),
        {"code": "changed", "name": "Group A (all staff)"},
    )
    tier.refresh_from_db()
    assert (tier.code, tier.name) == ("group-a", "Group A (all staff)")
    duplicate = coordinator_client.post(
        url(partnership, "manage-tier-new", framework_id=framework.pk),
        {"code": "group-a", "name": "Again"},
    )
    assert "already has a tier with the code" in duplicate.text


def test_a_regional_framework_has_no_edit_page(partnership, coordinator_client, group_a):
    response = coordinator_client.get(
        url(partnership, "manage-framework", framework_id=group_a.framework_id)
    )
    assert response.status_code == 404


def test_a_new_version_is_made_and_adopted_separately(partnership, coordinator_client):
    old = PartnershipFrameworkFactory.create(
        owner_partnership=partnership, name="Ours", version="1"
    )
    AdoptionFactory.create(partnership=partnership, framework=old)
    course = CourseFactory.create(tier=TierFactory.create(framework=old))
    response = coordinator_client.post(
        url(partnership, "manage-framework-version", framework_id=old.pk),
        {"version": "2"},
        follow=True,
    )
    assert "Adopt it when you are ready" in flash(response)
    new = CompetenceFramework.objects.get(version="2")
    old.refresh_from_db()
    assert old.superseded_by == new
    assert list(selectors.adopted_frameworks(partnership)) == [old]
    assert Course.objects.get(pk=course.pk).framework == old
    assert url(partnership, "manage-adopt", framework_id=new.pk) in response.text


# Who may use these pages


ROUTES: list[tuple[str, dict]] = [
    ("manage", {}),
    ("manage-courses", {}),
    ("manage-local-courses", {}),
    ("manage-local-course-new", {}),
    ("manage-roles", {}),
    ("manage-role-new", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ROUTES)
def test_a_learner_is_refused(name, kwargs, partnership, member_with, sign_in, client):
    sign_in(member_with(MemberRole.LEARNER, MemberRole.TRAINER))
    assert client.get(url(partnership, name, **kwargs)).status_code == 403


def test_a_learner_cannot_hide_or_adopt(partnership, member_with, sign_in, client, group_a):
    sign_in(member_with(MemberRole.LEARNER))
    course = CourseFactory.create(tier=group_a)
    framework = FrameworkFactory.create(region=partnership.region)
    hide = client.post(
        url(partnership, "manage-course-tailor", course_id=course.pk), {"hidden": "on"}
    )
    adopt = client.post(url(partnership, "manage-adopt", framework_id=framework.pk))
    assert (hide.status_code, adopt.status_code) == (403, 403)
    assert course in selectors.catalogue_courses(partnership)
    assert list(selectors.adopted_frameworks(partnership)) == [group_a.framework]


@pytest.mark.parametrize(("name", "kwargs"), ROUTES)
def test_another_partnerships_coordinator_is_not_found(
    name, kwargs, partnership, other_partnership, member_with, sign_in, client
):
    sign_in(member_with(MemberRole.COORDINATOR, partnership=other_partnership))
    assert client.get(url(partnership, name, **kwargs)).status_code == 404


def test_signing_in_is_required(partnership, client):
    response = client.get(url(partnership, "manage"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


# Query budgets: the same number of queries for 1 row as for 30


def _rows(group_a, partnership, count: int) -> None:
    """Courses (some hidden or renamed), local courses, roles with pathways, frameworks."""
    for _ in range(count):
        course = CourseFactory.create(tier=group_a)
        CourseTailoringFactory.create(partnership=partnership, course=course, local_title="Local")
        CourseFactory.create(tier=group_a, local_to=partnership)
        RoleFactory.create(tier=group_a, local_to=partnership)
        PathwayItemFactory.create(
            pathway=PathwayFactory.create(role=RoleFactory.create(tier=group_a)), course=course
        )
        FrameworkFactory.create(region=partnership.region)


@pytest.mark.parametrize(
    "name", ["manage", "manage-courses", "manage-local-courses", "manage-roles"]
)
def test_list_pages_query_the_same_for_one_row_or_thirty(
    name, partnership, coordinator_client, group_a, django_assert_max_num_queries
):
    _rows(group_a, partnership, 1)
    coordinator_client.get(url(partnership, name))  # warm sessions and caches
    with CaptureQueriesContext(connection) as one:
        assert coordinator_client.get(url(partnership, name)).status_code == 200
    _rows(group_a, partnership, 29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert coordinator_client.get(url(partnership, name)).status_code == 200

"""Coordinators adopt and tailor frameworks, add local courses and roles, and set pathways."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from interagency.catalogue import selectors, services
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    Equivalence,
    PathwayItem,
    Role,
)
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PartnershipFrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
    TopicFactory,
)
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory


@pytest.fixture
def framework(partnership):
    framework = FrameworkFactory.create(name="Competence Matters", region=partnership.region)
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return framework


@pytest.fixture
def group_a(framework):
    return TierFactory.create(framework=framework, code="a", name="Group A", order=1)


def local_course(partnership, framework, tier, **overrides):
    fields: dict[str, Any] = {
        "title": "Neglect",
        "category": Course.Category.CORE,
        "level": None,
        "duration_text": "½ day or 3 hours",
    }
    fields.update(overrides)
    return services.add_local_course(
        partnership=partnership, framework=framework, tier=tier, **fields
    )


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# Adoption


def test_adopting_twice_keeps_one_adoption(partnership, coordinator):
    framework = FrameworkFactory.create(region=partnership.region)
    first = services.adopt_framework(
        partnership=partnership, framework=framework, adopted_by=coordinator
    )
    again = services.adopt_framework(partnership=partnership, framework=framework)
    assert first.pk == again.pk
    assert list(selectors.adopted_frameworks(partnership)) == [framework]


def test_another_regions_framework_cannot_be_adopted(partnership):
    elsewhere = FrameworkFactory.create(
        region=RegionFactory.create(code="north-west", name="North West")
    )
    with pytest.raises(ValidationError, match="not available"):
        services.adopt_framework(partnership=partnership, framework=elsewhere)
    assert not selectors.adopted_frameworks(partnership).exists()


def test_another_partnerships_framework_cannot_be_adopted(partnership, other_partnership):
    theirs = PartnershipFrameworkFactory.create(owner_partnership=other_partnership)
    with pytest.raises(ValidationError):
        services.adopt_framework(partnership=partnership, framework=theirs)


def test_stopping_an_adoption_takes_its_courses_out_of_the_catalogue(partnership, group_a):
    course = CourseFactory.create(tier=group_a)
    services.stop_adopting(partnership=partnership, framework=group_a.framework)
    assert course not in selectors.catalogue_courses(partnership)
    assert Course.objects.filter(pk=course.pk).exists()


# Tailoring


def test_local_title_and_duration_show_in_the_catalogue(partnership, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect", duration_hours=Decimal(6))
    services.tailor_course(
        partnership=partnership,
        course=course,
        local_title="Neglect in Camden",
        local_duration_hours=Decimal("4.5"),
    )
    shown = selectors.catalogue_courses(partnership).get(pk=course.pk)
    assert (shown.shown_title, shown.shown_hours) == ("Neglect in Camden", Decimal("4.5"))


def test_tailoring_is_seen_only_by_the_partnership_that_made_it(
    partnership, other_partnership, group_a
):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    AdoptionFactory.create(partnership=other_partnership, framework=group_a.framework)
    services.tailor_course(partnership=partnership, course=course, local_title="Our neglect")
    theirs = selectors.catalogue_courses(other_partnership).get(pk=course.pk)
    assert theirs.shown_title == "Neglect"


def test_clearing_a_local_title_shows_the_framework_title_again(partnership, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    services.tailor_course(partnership=partnership, course=course, local_title="Ours")
    services.tailor_course(partnership=partnership, course=course, local_title="")
    assert selectors.catalogue_courses(partnership).get(pk=course.pk).shown_title == "Neglect"


def test_a_hidden_course_leaves_the_catalogue(partnership, group_a):
    course = CourseFactory.create(tier=group_a)
    services.tailor_course(partnership=partnership, course=course, hidden=True)
    assert course not in selectors.catalogue_courses(partnership)
    assert selectors.catalogue_courses(partnership, include_hidden=True).get(pk=course.pk).is_hidden


def test_hiding_a_course_a_pathway_requires_is_refused(partnership, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    role = RoleFactory.create(tier=group_a, name="Youth worker")
    PathwayItemFactory.create(pathway=PathwayFactory.create(role=role), course=course)
    with pytest.raises(ValidationError) as refused:
        services.tailor_course(partnership=partnership, course=course, hidden=True)
    assert messages_of(refused.value) == (
        "Neglect is required by the pathway for Youth worker: remove it from that pathway first"
    )
    assert course in selectors.catalogue_courses(partnership)


def test_hiding_a_course_a_pathway_only_recommends_is_allowed(partnership, group_a):
    course = CourseFactory.create(tier=group_a)
    PathwayItemFactory.create(
        pathway=PathwayFactory.create(role=RoleFactory.create(tier=group_a)),
        course=course,
        kind=PathwayItem.Kind.RECOMMENDED,
    )
    services.tailor_course(partnership=partnership, course=course, hidden=True)
    assert course not in selectors.catalogue_courses(partnership)


def test_another_partnerships_local_role_does_not_stop_hiding(
    partnership, other_partnership, group_a
):
    course = CourseFactory.create(tier=group_a)
    role = RoleFactory.create(tier=group_a, local_to=other_partnership)
    PathwayItemFactory.create(pathway=PathwayFactory.create(role=role), course=course)
    services.tailor_course(partnership=partnership, course=course, hidden=True)
    assert course not in selectors.catalogue_courses(partnership)


def test_a_course_of_a_framework_not_adopted_cannot_be_tailored(partnership):
    course = CourseFactory.create()
    with pytest.raises(ValidationError, match="not in"):
        services.tailor_course(partnership=partnership, course=course, hidden=True)


# Local courses


def test_a_local_course_is_seen_only_by_its_partnership(partnership, other_partnership, group_a):
    AdoptionFactory.create(partnership=other_partnership, framework=group_a.framework)
    course = local_course(
        partnership,
        group_a.framework,
        group_a,
        title="Camden's gangs briefing",
        topics=["Gangs", "Exploitation"],
        outcomes=["Know the signs", "", "Know who to call"],
        delivery_modes=["face_to_face", "e_learning"],
    )
    assert course.local_to == partnership
    assert (course.duration_hours, course.duration_is_minimum) == (Decimal(3), False)
    assert course.outcomes == ["Know the signs", "Know who to call"]
    assert sorted(course.topics.values_list("name", flat=True)) == ["Exploitation", "Gangs"]
    assert course in selectors.catalogue_courses(partnership)
    assert course not in selectors.catalogue_courses(other_partnership)


def test_a_local_course_needs_an_adopted_framework(partnership):
    tier = TierFactory.create(framework=FrameworkFactory.create(region=partnership.region))
    with pytest.raises(ValidationError, match="Adopt"):
        local_course(partnership, tier.framework, tier)


def test_a_local_course_needs_a_tier_of_its_framework(partnership, framework):
    other_tier = TierFactory.create()
    with pytest.raises(ValidationError) as refused:
        local_course(partnership, framework, other_tier)
    assert "tier" in refused.value.message_dict


def test_a_duration_that_is_not_one_is_refused_on_its_field(partnership, group_a):
    with pytest.raises(ValidationError) as refused:
        local_course(partnership, group_a.framework, group_a, duration_text="a while")
    assert "duration_text" in refused.value.message_dict


def test_a_duplicate_title_in_a_tier_is_refused(partnership, group_a):
    CourseFactory.create(tier=group_a, title="Neglect", level=1)
    with pytest.raises(ValidationError) as refused:
        local_course(partnership, group_a.framework, group_a, title="neglect", level=1)
    assert refused.value.message_dict["title"] == [
        "Group A already has a course called “neglect” at Level 1."
    ]


def test_the_same_title_at_another_level_is_allowed(partnership, group_a):
    CourseFactory.create(tier=group_a, title="Neglect", level=1)
    course = local_course(partnership, group_a.framework, group_a, title="Neglect", level=2)
    assert course.level == 2


def test_a_level_two_course_without_its_level_one_is_refused(partnership, group_a):
    with pytest.raises(ValidationError) as refused:
        local_course(partnership, group_a.framework, group_a, title="Court skills", level=2)
    assert refused.value.message_dict["prerequisites"] == [services.LEVEL_TWO_NEEDS_LEVEL_ONE]
    assert not Course.objects.filter(title="Court skills").exists()


def test_a_level_two_course_with_a_stated_equivalent_is_allowed(partnership, group_a):
    course = local_course(
        partnership,
        group_a.framework,
        group_a,
        title="Court skills",
        level=2,
        prerequisite_note="Or the court skills module of the social work degree",
    )
    assert course.prerequisite_note == "Or the court skills module of the social work degree"


def test_a_level_two_course_takes_its_level_one_namesake_as_prerequisite(partnership, group_a):
    level_one = CourseFactory.create(tier=group_a, title="Court skills", level=1)
    course = local_course(partnership, group_a.framework, group_a, title="Court skills", level=2)
    assert list(course.prerequisites.all()) == [level_one]


def test_a_hidden_level_one_does_not_count_as_the_level_two_prerequisite(partnership, group_a):
    level_one = CourseFactory.create(tier=group_a, title="Court skills", level=1)
    services.tailor_course(partnership=partnership, course=level_one, hidden=True)
    with pytest.raises(ValidationError, match="Level 2 course needs"):
        local_course(partnership, group_a.framework, group_a, title="Court skills", level=2)


def test_prerequisites_must_come_from_the_partnerships_catalogue(partnership, group_a):
    elsewhere = CourseFactory.create()
    with pytest.raises(ValidationError) as refused:
        local_course(partnership, group_a.framework, group_a, level=2, prerequisites=[elsewhere])
    assert "prerequisites" in refused.value.message_dict


def test_updating_a_local_course_changes_it_in_place(partnership, group_a):
    course = local_course(partnership, group_a.framework, group_a, title="Neglect")
    TopicFactory.create(name="Neglect", slug="neglect")
    services.update_local_course(
        partnership=partnership,
        course=course,
        tier=group_a,
        title="Neglect and poverty",
        category=Course.Category.SPECIALIST,
        level=None,
        duration_text="1 day",
        topics=["Neglect"],
    )
    course.refresh_from_db()
    assert (course.title, course.category, course.duration_hours) == (
        "Neglect and poverty",
        "specialist",
        Decimal(6),
    )
    assert list(course.topics.values_list("slug", flat=True)) == ["neglect"]


def test_another_partnerships_local_course_cannot_be_updated_or_deleted(
    partnership, other_partnership, group_a
):
    AdoptionFactory.create(partnership=other_partnership, framework=group_a.framework)
    theirs = local_course(other_partnership, group_a.framework, group_a, title="Theirs")
    with pytest.raises(ValidationError):
        services.update_local_course(
            partnership=partnership,
            course=theirs,
            tier=group_a,
            title="Mine now",
            category="core",
            level=None,
            duration_text="3 hours",
        )
    with pytest.raises(ValidationError):
        services.delete_local_course(partnership=partnership, course=theirs)
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_a_local_course_a_pathway_uses_cannot_be_deleted(partnership, group_a):
    course = local_course(partnership, group_a.framework, group_a, title="Neglect")
    role = services.add_local_role(
        partnership=partnership, framework=group_a.framework, tier=group_a, name="Youth worker"
    )
    services.set_pathway_items(
        partnership=partnership, role=role, required=[], recommended=[course], window_months=12
    )
    with pytest.raises(ValidationError, match="in the pathway for Youth worker"):
        services.delete_local_course(partnership=partnership, course=course)
    assert Course.objects.filter(pk=course.pk).exists()


def test_an_unused_local_course_can_be_deleted(partnership, group_a):
    course = local_course(partnership, group_a.framework, group_a)
    services.delete_local_course(partnership=partnership, course=course)
    assert not Course.objects.filter(pk=course.pk).exists()


# Roles and pathways


def test_a_local_role_gets_an_empty_pathway(partnership, group_a):
    role = services.add_local_role(
        partnership=partnership, framework=group_a.framework, tier=group_a, name="Youth worker"
    )
    assert role.local_to == partnership
    assert role.pathway.items.count() == 0
    assert role in selectors.roles_of(partnership)


def test_a_role_name_already_in_the_framework_is_refused(partnership, group_a):
    RoleFactory.create(tier=group_a, name="Youth worker")
    with pytest.raises(ValidationError) as refused:
        services.add_local_role(
            partnership=partnership, framework=group_a.framework, tier=group_a, name="youth WORKER"
        )
    assert "name" in refused.value.message_dict


def test_a_pathway_is_set_with_its_window_and_refreshers(partnership, group_a):
    neglect, court, gangs = (CourseFactory.create(tier=group_a, title=t) for t in ("N", "C", "G"))
    role = services.add_local_role(
        partnership=partnership, framework=group_a.framework, tier=group_a, name="Youth worker"
    )
    services.set_pathway_items(
        partnership=partnership,
        role=role,
        required=[neglect, court],
        recommended=[gangs],
        window_months=18,
        refreshers={neglect.pk: 36},
    )
    pathway = selectors.role_in(partnership, role.pk).pathway
    assert pathway.window_months == 18
    assert [(i.course, i.kind, i.repeat_every_months) for i in pathway.items.all()] == [
        (gangs, "recommended", None),
        (neglect, "required", 36),
        (court, "required", None),
    ]
    services.set_pathway_items(
        partnership=partnership, role=role, required=[gangs], recommended=[], window_months=18
    )
    assert [i.course for i in PathwayItem.objects.filter(pathway=pathway)] == [gangs]


def test_a_pathway_cannot_use_a_hidden_course(partnership, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    services.tailor_course(partnership=partnership, course=course, hidden=True)
    role = services.add_local_role(
        partnership=partnership, framework=group_a.framework, tier=group_a, name="Youth worker"
    )
    with pytest.raises(ValidationError) as refused:
        services.set_pathway_items(
            partnership=partnership, role=role, required=[course], recommended=[], window_months=24
        )
    assert "Neglect" in refused.value.message_dict["required"][0]
    assert not PathwayItem.objects.filter(course=course).exists()


def test_a_course_cannot_be_both_required_and_recommended(partnership, group_a):
    course = CourseFactory.create(tier=group_a, title="Neglect")
    role = services.add_local_role(
        partnership=partnership, framework=group_a.framework, tier=group_a, name="Youth worker"
    )
    with pytest.raises(ValidationError) as refused:
        services.set_pathway_items(
            partnership=partnership,
            role=role,
            required=[course],
            recommended=[course],
            window_months=24,
        )
    assert refused.value.message_dict["recommended"] == [
        "A course cannot be both required and recommended: Neglect."
    ]


def test_a_regional_frameworks_pathway_is_not_edited_by_a_partnership(partnership, group_a):
    role = RoleFactory.create(tier=group_a)
    with pytest.raises(ValidationError, match="add a local role"):
        services.set_pathway_items(
            partnership=partnership, role=role, required=[], recommended=[], window_months=24
        )


def test_another_partnerships_role_is_refused(partnership, other_partnership, group_a):
    AdoptionFactory.create(partnership=other_partnership, framework=group_a.framework)
    theirs = services.add_local_role(
        partnership=other_partnership, framework=group_a.framework, tier=group_a, name="Theirs"
    )
    with pytest.raises(ValidationError, match="not a role of"):
        services.set_pathway_items(
            partnership=partnership, role=theirs, required=[], recommended=[], window_months=6
        )


# Frameworks the partnership owns


def test_a_regional_framework_is_never_edited(partnership, framework):
    with pytest.raises(ValidationError, match="regional framework"):
        services.update_framework_details(partnership=partnership, framework=framework, name="X")
    framework.refresh_from_db()
    assert framework.name == "Competence Matters"


def test_an_owned_framework_and_its_tiers_are_edited(partnership):
    framework = PartnershipFrameworkFactory.create(owner_partnership=partnership, name="Ours")
    services.update_framework_details(
        partnership=partnership, framework=framework, name="Camden framework", period_months=36
    )
    tier = services.add_tier(partnership=partnership, framework=framework, code="a", name="A")
    second = services.add_tier(partnership=partnership, framework=framework, code="b", name="B")
    services.update_tier(partnership=partnership, tier=tier, name="Group A", audience="Everyone")
    framework.refresh_from_db()
    tier.refresh_from_db()
    assert (framework.name, framework.period_months) == ("Camden framework", 36)
    assert (tier.name, tier.audience, tier.order, second.order) == ("Group A", "Everyone", 1, 2)
    with pytest.raises(ValidationError) as refused:
        services.add_tier(partnership=partnership, framework=framework, code="a", name="Again")
    assert "code" in refused.value.message_dict


# Versions


def test_a_new_version_copies_the_framework_and_leaves_the_old_rows_alone(partnership):
    old = PartnershipFrameworkFactory.create(
        owner_partnership=partnership, name="Ours", version="1"
    )
    AdoptionFactory.create(partnership=partnership, framework=old)
    tier = TierFactory.create(framework=old, code="a")
    level_one = CourseFactory.create(tier=tier, title="Court skills", level=1)
    level_two = CourseFactory.create(tier=tier, title="Court skills", level=2)
    level_two.prerequisites.add(level_one)
    level_two.topics.add(TopicFactory.create(name="Court"))
    Equivalence.objects.create(counts_for=level_one, external_training="A degree module")
    role = RoleFactory.create(tier=tier, name="Social worker")
    item = PathwayItemFactory.create(pathway=PathwayFactory.create(role=role), course=level_two)
    old_ids = sorted(Course.objects.filter(framework=old).values_list("pk", flat=True))

    new = services.new_framework_version(
        framework=old, version="2", created_by=None, partnership=partnership
    )

    old.refresh_from_db()
    assert old.superseded_by == new
    assert new.superseded_by is None
    assert sorted(Course.objects.filter(framework=old).values_list("pk", flat=True)) == old_ids
    item.refresh_from_db()
    assert item.course == level_two
    assert list(selectors.adopted_frameworks(partnership)) == [old]
    new_two = Course.objects.get(framework=new, level=2)
    assert new_two.pk not in old_ids
    assert list(new_two.prerequisites.all()) == [Course.objects.get(framework=new, level=1)]
    assert list(new_two.topics.values_list("name", flat=True)) == ["Court"]
    assert Equivalence.objects.filter(counts_for__framework=new).count() == 1
    new_role = Role.objects.get(framework=new)
    assert new_role.tier.framework == new
    assert [i.course for i in new_role.pathway.items.all()] == [new_two]


def test_a_version_is_made_once_and_only_from_the_newest(partnership):
    old = PartnershipFrameworkFactory.create(owner_partnership=partnership, version="1")
    with pytest.raises(ValidationError, match="already has a version"):
        services.new_framework_version(framework=old, version="1", partnership=partnership)
    services.new_framework_version(framework=old, version="2", partnership=partnership)
    with pytest.raises(ValidationError, match="superseded"):
        services.new_framework_version(framework=old, version="3", partnership=partnership)
    assert CompetenceFramework.objects.filter(slug=old.slug).count() == 2


def test_a_partnership_cannot_version_a_framework_it_does_not_own(partnership, framework):
    other = PartnershipFactory.create()
    with pytest.raises(ValidationError):
        services.new_framework_version(framework=framework, version="2", partnership=other)
    framework.refresh_from_db()
    assert framework.superseded_by is None

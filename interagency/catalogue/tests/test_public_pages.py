"""The public catalogue pages: browse, search, a course, roles and their pathways, and
"which training do I need?", all readable without signing in and scoped to the
partnership in the address."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest

from interagency.catalogue import panels
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    Equivalence,
    PathwayItem,
    Role,
    Tier,
)
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    CourseTailoringFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
    TopicFactory,
)
from interagency.core.permissions import Role as MemberRole

QUESTIONS = [
    {"text": "Do you lead safeguarding work for others?", "tier_if_yes": "C"},
    {"text": "Do you act on concerns and join child protection conferences?", "tier_if_yes": "B"},
    {"text": "Do you have contact with children through your work?", "tier_if_yes": "A"},
]


@dataclass
class Catalogue:
    framework: CompetenceFramework
    introduction: Tier
    group_a: Tier
    group_b: Tier
    group_c: Tier
    awareness: Course
    safe_working: Course
    bullying: Course
    core_groups: Course
    sports_instructor: Role
    social_worker: Role


@pytest.fixture
def catalogue(partnership) -> Catalogue:
    """A small London-style framework the partnership adopted."""
    framework = FrameworkFactory.create(name="Competence Matters", questions=QUESTIONS)
    AdoptionFactory.create(partnership=partnership, framework=framework)
    introduction = TierFactory.create(
        framework=framework, code="introduction", name="Introduction and foundation", order=0
    )
    group_a = TierFactory.create(
        framework=framework,
        code="A",
        name="Group A",
        order=1,
        audience="People whose work brings them into contact with children.",
    )
    group_b = TierFactory.create(
        framework=framework,
        code="B",
        name="Group B",
        order=2,
        audience="People who work regularly with children and act on concerns.",
    )
    group_c = TierFactory.create(framework=framework, code="C", name="Group C", order=3)
    abuse = TopicFactory.create(name="Recognising abuse", slug="recognising-abuse")
    bullying_topic = TopicFactory.create(name="Bullying", slug="bullying")
    awareness = CourseFactory.create(
        tier=introduction,
        title="Introduction to safeguarding - basic awareness",
        category=Course.Category.INTRODUCTION,
        duration_hours=Decimal(3),
        duration_is_minimum=True,
        duration_text="minimum 3hrs",
    )
    awareness.topics.add(abuse)
    safe_working = CourseFactory.create(
        tier=group_a,
        title="Safe working practices",
        level=1,
        duration_hours=Decimal(6),
        duration_text="1 day or 6 hours",
        aims="Keep children and staff safe with clear professional boundaries.",
        outcomes=["Describe safe ways of working with children"],
        delivery_modes=["face_to_face", "virtual_classroom"],
    )
    safe_working.topics.add(abuse)
    bullying = CourseFactory.create(
        tier=group_a,
        title="Basic awareness workshop - bullying",
        category=Course.Category.SPECIALIST,
        duration_hours=Decimal(3),
        duration_text="½ day or 3 hours",
    )
    bullying.topics.add(bullying_topic)
    core_groups = CourseFactory.create(
        tier=group_b,
        title="Child protection conferences and core groups",
        level=2,
        duration_hours=Decimal(6),
        prerequisite_note="or equivalent",
    )
    core_groups.prerequisites.add(safe_working)
    Equivalence.objects.create(counts_for=core_groups, external_training="NSPCC core groups")
    sports_instructor = RoleFactory.create(tier=group_a, name="Sports Instructor")
    pathway = PathwayFactory.create(role=sports_instructor, window_months=24)
    PathwayItemFactory.create(pathway=pathway, course=safe_working, order=1)
    PathwayItemFactory.create(
        pathway=pathway, course=None, named_as="Domestic violence – Level 2", order=2
    )
    PathwayItemFactory.create(
        pathway=pathway, course=bullying, kind=PathwayItem.Kind.RECOMMENDED, order=1
    )
    social_worker = RoleFactory.create(tier=group_c, name="Children’s Social Worker")
    return Catalogue(
        framework,
        introduction,
        group_a,
        group_b,
        group_c,
        awareness,
        safe_working,
        bullying,
        core_groups,
        sports_instructor,
        social_worker,
    )


def listed_titles(html: str) -> set[str]:
    """Course titles linked from the results table."""
    return set(re.findall(r'href="/p/[^/]+/catalogue/courses/\d+/">([^<]+)</a>', html))


ALL = {
    "Introduction to safeguarding - basic awareness",
    "Safe working practices",
    "Basic awareness workshop - bullying",
    "Child protection conferences and core groups",
}


def test_anyone_can_browse_the_catalogue_without_signing_in(client, partnership, catalogue):
    response = client.get(f"/p/{partnership.code}/catalogue/")
    assert response.status_code == 200
    assert listed_titles(response.text) == ALL
    assert "4 courses" in response.text
    assert "at least 3 hours" in response.text
    assert partnership.name in response.text
    assert "Manage the catalogue" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=boundaries", {"Safe working practices"}),
        ("q=bullying", {"Basic awareness workshop - bullying"}),
        (
            "q=recognising+abuse",
            {"Introduction to safeguarding - basic awareness", "Safe working practices"},
        ),
        ("category=specialist", {"Basic awareness workshop - bullying"}),
        ("topic=bullying", {"Basic awareness workshop - bullying"}),
        (
            "max_hours=3",
            {
                "Introduction to safeguarding - basic awareness",
                "Basic awareness workshop - bullying",
            },
        ),
    ],
)
def test_each_filter_narrows_the_courses(client, partnership, catalogue, query, expected):
    response = client.get(f"/p/{partnership.code}/catalogue/?{query}")
    assert response.status_code == 200
    assert listed_titles(response.text) == expected


def test_filtering_by_tier_and_by_role(client, partnership, catalogue):
    by_tier = client.get(f"/p/{partnership.code}/catalogue/?tier={catalogue.group_b.pk}")
    assert listed_titles(by_tier.text) == {"Child protection conferences and core groups"}
    by_role = client.get(f"/p/{partnership.code}/catalogue/?role={catalogue.sports_instructor.pk}")
    assert listed_titles(by_role.text) == {
        "Safe working practices",
        "Basic awareness workshop - bullying",
    }


def test_a_mistyped_duration_is_explained_and_the_other_filters_still_apply(
    client, partnership, catalogue
):
    response = client.get(f"/p/{partnership.code}/catalogue/?max_hours=six&category=specialist")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the longest duration as a number of hours" in response.text
    assert "<title>Error: Catalogue" in response.text
    assert listed_titles(response.text) == {"Basic awareness workshop - bullying"}


def test_a_tailored_course_shows_its_local_title_and_a_hidden_one_is_left_out(
    client, partnership, catalogue
):
    CourseTailoringFactory.create(
        partnership=partnership, course=catalogue.bullying, local_title="Bullying workshop"
    )
    CourseTailoringFactory.create(
        partnership=partnership, course=catalogue.core_groups, hidden=True
    )
    titles = listed_titles(client.get(f"/p/{partnership.code}/catalogue/").text)
    assert "Bullying workshop" in titles
    assert "Basic awareness workshop - bullying" not in titles
    assert "Child protection conferences and core groups" not in titles


def test_a_coordinator_sees_the_way_to_manage_the_catalogue(
    coordinator_client, partnership, catalogue
):
    response = coordinator_client.get(f"/p/{partnership.code}/catalogue/")
    assert "Manage the catalogue" in response.text
    assert f'href="/p/{partnership.code}/catalogue/manage/' in response.text


def test_a_learner_sees_no_way_to_manage_the_catalogue(client, member_with, partnership, catalogue):
    client.force_login(member_with(MemberRole.LEARNER))
    assert "Manage the catalogue" not in client.get(f"/p/{partnership.code}/catalogue/").text


def test_the_catalogue_pages_through_fifty_courses_keeping_the_filters(
    client, partnership, catalogue
):
    for number in range(55):
        CourseFactory.create(tier=catalogue.group_c, title=f"Course {number:02d}", category="core")
    first = client.get(f"/p/{partnership.code}/catalogue/?category=core")
    assert len(listed_titles(first.text)) == 50
    assert "Showing 1 to 50 of 57" in first.text
    assert "?category=core&amp;page=2" in first.text
    second = client.get(f"/p/{partnership.code}/catalogue/?category=core&page=2")
    assert len(listed_titles(second.text)) == 7


def test_catalogue_queries_do_not_grow_with_the_number_of_courses(
    client, partnership, django_assert_max_num_queries
):
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework)
    topic = TopicFactory.create()
    CourseFactory.create(tier=tier).topics.add(topic)
    with django_assert_max_num_queries(12) as one:
        client.get(f"/p/{partnership.code}/catalogue/")
    for _ in range(29):
        CourseFactory.create(tier=tier).topics.add(topic, TopicFactory.create())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(f"/p/{partnership.code}/catalogue/")
    assert len(listed_titles(response.text)) == 30


def test_an_unknown_partnership_code_is_a_404(client, catalogue):
    for path in ("catalogue/", "catalogue/roles/", "catalogue/which-training/"):
        assert client.get(f"/p/no-such-partnership/{path}").status_code == 404


def test_the_course_page_shows_aims_outcomes_audience_and_prerequisites(
    client, partnership, catalogue
):
    page = client.get(f"/p/{partnership.code}/catalogue/courses/{catalogue.safe_working.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "Keep children and staff safe with clear professional boundaries." in text
    assert "Describe safe ways of working with children" in text
    assert "People whose work brings them into contact with children." in text
    assert (
        "Also open to people in the adjoining tiers (Introduction and foundation and Group B)"
        in text
    )
    assert "Face to face" in text and "Virtual classroom" in text
    assert "1 day or 6 hours" in text and "6 hours" in text
    assert "Recognising abuse" in text
    assert f'href="/p/{partnership.code}/catalogue/roles/{catalogue.sports_instructor.pk}/"' in text
    assert "No sessions are scheduled yet" in text

    level_2 = client.get(f"/p/{partnership.code}/catalogue/courses/{catalogue.core_groups.pk}/")
    assert (
        f'href="/p/{partnership.code}/catalogue/courses/{catalogue.safe_working.pk}/">'
        "Safe working practices – Level 1</a>"
    ) in level_2.text
    assert "Or equivalent." in level_2.text
    assert "NSPCC core groups (external training) counts for this course" in level_2.text


@pytest.fixture
def no_course_panels():
    """The catalogue on its own: every course page panel (delivery's) removed, then restored."""
    saved = panels.registered()
    for name, _ in saved:
        panels.unregister(name)
    yield
    for name, panel in saved:
        panels.register(name, panel)


def test_the_course_page_renders_with_no_panel_registered(
    client, partnership, catalogue, no_course_panels
):
    page = client.get(f"/p/{partnership.code}/catalogue/courses/{catalogue.safe_working.pk}/")
    assert page.status_code == 200
    assert "Keep children and staff safe with clear professional boundaries." in page.text
    assert "Upcoming dates" not in page.text
    assert "No sessions are scheduled yet" not in page.text


def test_a_hidden_course_is_not_found(client, partnership, catalogue):
    CourseTailoringFactory.create(partnership=partnership, course=catalogue.bullying, hidden=True)
    response = client.get(f"/p/{partnership.code}/catalogue/courses/{catalogue.bullying.pk}/")
    assert response.status_code == 404


def test_another_partnerships_local_course_and_role_are_not_found(
    client, partnership, other_partnership, catalogue
):
    AdoptionFactory.create(partnership=other_partnership, framework=catalogue.framework)
    theirs = CourseFactory.create(tier=catalogue.group_a, local_to=other_partnership)
    their_role = RoleFactory.create(tier=catalogue.group_a, local_to=other_partnership)
    assert (
        client.get(f"/p/{other_partnership.code}/catalogue/courses/{theirs.pk}/").status_code == 200
    )
    assert client.get(f"/p/{partnership.code}/catalogue/courses/{theirs.pk}/").status_code == 404
    assert client.get(f"/p/{partnership.code}/catalogue/roles/{their_role.pk}/").status_code == 404
    assert theirs.title not in client.get(f"/p/{partnership.code}/catalogue/").text


def test_a_course_of_a_framework_not_adopted_is_not_found(client, partnership, catalogue):
    elsewhere = CourseFactory.create(tier=TierFactory.create(framework=FrameworkFactory.create()))
    assert client.get(f"/p/{partnership.code}/catalogue/courses/{elsewhere.pk}/").status_code == 404


def test_the_roles_page_groups_roles_by_tier(client, partnership, catalogue):
    text = client.get(f"/p/{partnership.code}/catalogue/roles/").text
    assert "Competence Matters" in text
    assert text.index("Group A") < text.index("Sports Instructor") < text.index("Group C")
    assert text.index("Group C") < text.index("Children’s Social Worker")


def test_the_role_page_lists_its_pathway_including_names_that_match_no_course(
    client, partnership, catalogue
):
    response = client.get(
        f"/p/{partnership.code}/catalogue/roles/{catalogue.sports_instructor.pk}/"
    )
    assert response.status_code == 200
    text = response.text
    assert "Your tier: Group A" in text
    assert "within 24 months of starting the role" in text
    assert (
        f'href="/p/{partnership.code}/catalogue/courses/{catalogue.safe_working.pk}/">'
        "Safe working practices – Level 1</a>"
    ) in text
    assert "Not in this catalogue: Domestic violence – Level 2" in text
    assert text.index("Required") < text.index("Safe working") < text.index("Recommended")
    assert text.index("Recommended") < text.index("Basic awareness workshop - bullying")
    assert "You may also attend courses of Introduction and foundation and Group B." in text


def test_the_role_page_shows_hours_per_period_for_an_hours_based_framework(client, partnership):
    health = FrameworkFactory.create(name="Intercollegiate", period_months=36)
    AdoptionFactory.create(partnership=partnership, framework=health)
    level_3 = TierFactory.create(
        framework=health, name="Level 3 (core)", hours_per_period=Decimal(6)
    )
    gp = RoleFactory.create(tier=level_3, name="GP")
    text = client.get(f"/p/{partnership.code}/catalogue/roles/{gp.pk}/").text
    assert "at least 6 hours of safeguarding learning every 36 months" in text


def test_role_page_queries_do_not_grow_with_the_pathway(
    client, partnership, catalogue, django_assert_max_num_queries
):
    url = f"/p/{partnership.code}/catalogue/roles/{catalogue.sports_instructor.pk}/"
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    pathway = catalogue.sports_instructor.pathway
    for number in range(20):
        PathwayItemFactory.create(pathway=pathway, course__title=f"Extra {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Extra 19" in response.text


def test_course_page_queries_are_bounded(
    client, partnership, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        client.get(f"/p/{partnership.code}/catalogue/courses/{catalogue.core_groups.pk}/")


def which(client, partnership, **answers) -> str:
    query = "&".join(f"{name}={value}" for name, value in answers.items())
    return client.get(f"/p/{partnership.code}/catalogue/which-training/?{query}").text


@pytest.mark.parametrize(
    ("answers", "tier"),
    [
        (("no", "no", "yes"), "Group A"),
        (("no", "yes", "yes"), "Group B"),
        (("no", "yes", "no"), "Group B"),
        (("yes", "yes", "yes"), "Group C"),
    ],
)
def test_answers_to_the_framework_questions_give_the_highest_tier_answered_yes(
    client, partnership, catalogue, answers, tier
):
    fields = {f"question_{n}": answer for n, answer in enumerate(answers, start=1)}
    text = which(client, partnership, answered="yes", **fields)
    assert f"Your tier: {tier}" in text


def test_the_result_shows_the_tiers_courses_core_first_and_its_roles(
    client, partnership, catalogue
):
    text = which(
        client, partnership, answered="yes", question_1="no", question_2="no", question_3="yes"
    )
    assert "People whose work brings them into contact with children." in text
    assert text.index("Safe working practices") < text.index("Basic awareness workshop - bullying")
    assert f'href="/p/{partnership.code}/catalogue/roles/{catalogue.sports_instructor.pk}/"' in text


def test_no_to_every_question_recommends_basic_awareness(client, partnership, catalogue):
    text = which(
        client, partnership, answered="yes", question_1="no", question_2="no", question_3="no"
    )
    assert "Your tier: Introduction and foundation" in text
    assert "basic awareness training is recommended" in text
    assert "Introduction to safeguarding - basic awareness" in text


def test_unanswered_questions_are_named_in_the_error_summary(client, partnership, catalogue):
    text = which(client, partnership, answered="yes", question_2="yes")
    assert "<title>Error: Which training do I need?" in text
    assert "There is a problem" in text
    assert 'href="#id_question_1">Answer question 1: Do you lead safeguarding work' in text
    assert 'href="#id_question_3">Answer question 3: Do you have contact with children' in text
    assert "Answer question 2" not in text
    assert 'id="id_question_1"' in text
    assert "Your tier" not in text


def test_picking_a_role_leads_to_its_pathway(client, partnership, catalogue):
    response = client.get(
        f"/p/{partnership.code}/catalogue/which-training/?role={catalogue.social_worker.pk}"
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/p/{partnership.code}/catalogue/roles/{catalogue.social_worker.pk}/"
    )


def test_picking_no_role_asks_for_one(client, partnership, catalogue):
    text = client.get(f"/p/{partnership.code}/catalogue/which-training/?role=").text
    assert "There is a problem" in text and "Select your role" in text


def test_with_two_frameworks_of_questions_the_visitor_chooses_one_first(
    client, partnership, catalogue
):
    other = FrameworkFactory.create(
        name="Health framework", questions=[{"text": "Are you a named nurse?", "tier": "l4"}]
    )
    AdoptionFactory.create(partnership=partnership, framework=other)
    TierFactory.create(framework=other, code="l1", name="Level 1", order=1)
    TierFactory.create(framework=other, code="l4", name="Level 4", order=4)
    start = which(client, partnership)
    assert "Which framework do you train under?" in start
    assert "Are you a named nurse?" not in start
    chosen = which(client, partnership, framework=other.pk)
    assert "Are you a named nurse?" in chosen
    result = which(client, partnership, framework=other.pk, answered="yes", question_1="yes")
    assert "Your tier: Level 4" in result


@pytest.fixture
def london(partnership):
    """The real Competence Matters framework, loaded and adopted as a London partnership would."""
    from interagency.catalogue import interchange, services

    result = interchange.build_framework(interchange.shipped_document("competence-matters"))
    services.adopt_framework(partnership=partnership, framework=result.framework)
    return result.framework


def test_the_general_practitioner_pathway_of_competence_matters_lists_its_courses(
    client, partnership, london
):
    gp = Role.objects.get(framework=london, name="General Practitioner")
    response = client.get(f"/p/{partnership.code}/catalogue/roles/{gp.pk}/")
    assert response.status_code == 200
    text = response.text
    assert "Your tier: Group B" in text
    assert "within 24 months of starting the role" in text
    items = list(gp.pathway.items.select_related("course"))
    # The document's eight names; "Domestic violence – Level 1 and 2" names two courses.
    assert len({item.named_as for item in items}) == 8
    for item in items:
        if item.course is None:
            assert f"Not in this catalogue: {item.named_as}" in text
        else:
            link = f'href="/p/{partnership.code}/catalogue/courses/{item.course.pk}/">'
            assert link + item.course.title in text, item.named_as
    linked = re.findall(r'/catalogue/courses/\d+/">([^<]+)</a>', text)
    assert "Child protection conferences and core groups" in linked
    assert "Working with parents and families who are difficult to engage" in linked
    assert "You may also attend courses of Group A and Group C." in text


def test_competence_matters_questions_place_a_general_practitioner_in_group_b(
    client, partnership, london
):
    text = which(
        client,
        partnership,
        answered="yes",
        question_1="no",
        question_2="no",
        question_3="yes",
        question_4="yes",
    )
    assert "Your tier: Group B" in text
    assert ">General Practitioner</a>" in text
    assert "Child protection conferences and core groups" in text
    everything = client.get(f"/p/{partnership.code}/catalogue/").text
    assert "68 courses" in everything


def test_a_signed_in_member_sees_catalogue_marked_current_on_every_catalogue_page(
    client, member_with, partnership, catalogue
):
    client.force_login(member_with(MemberRole.LEARNER))
    for path in (
        "",
        f"courses/{catalogue.safe_working.pk}/",
        "roles/",
        f"roles/{catalogue.sports_instructor.pk}/",
        "which-training/",
    ):
        text = client.get(f"/p/{partnership.code}/catalogue/{path}").text
        current = re.search(r'aria-current="page">\s*<strong[^>]*>([^<]+)</strong>', text)
        assert current is not None and current.group(1) == "Catalogue", path


def test_a_role_of_another_partnership_is_not_a_filter_choice(
    client, partnership, other_partnership, catalogue
):
    AdoptionFactory.create(partnership=other_partnership, framework=catalogue.framework)
    theirs = RoleFactory.create(tier=catalogue.group_a, local_to=other_partnership)
    text = client.get(f"/p/{partnership.code}/catalogue/?role={theirs.pk}").text
    assert "Choose a role from the list" in text
    assert listed_titles(text) == ALL

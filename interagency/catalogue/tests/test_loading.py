"""Loading the shipped frameworks: counts, matching of pathway names, the command, seeding."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from interagency.catalogue.interchange import build_framework, shipped_document
from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    PathwayItem,
    Role,
)
from interagency.demo import seeding
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_framework", *args, stdout=out, stderr=out)
    return out.getvalue()


def catalogue_row_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("catalogue").get_models()
    }


def london() -> CompetenceFramework:
    return CompetenceFramework.objects.get(slug="competence-matters")


def course(item: PathwayItem) -> Course:
    assert item.course is not None, f"{item.named_as} matched no course"
    return item.course


def items_of(role_name: str) -> list[PathwayItem]:
    role = Role.objects.get(framework=london(), name=role_name)
    return list(role.pathway.items.select_related("course__tier").order_by("kind", "order"))


def test_both_shipped_frameworks_load_on_a_clean_database():
    load("competence-matters")
    load("intercollegiate-health")

    framework = london()
    assert framework.owner == CompetenceFramework.Owner.REGIONAL
    assert framework.region is not None and framework.region.code == "london"
    assert framework.courses.count() == 68
    assert list(framework.tiers.values_list("code", flat=True)) == [
        "introduction",
        "A",
        "B",
        "C",
        "advanced",
    ]
    assert framework.roles.count() == 9
    assert [question["tier"] for question in framework.questions] == ["advanced", "C", "B", "A"]
    assert framework.courses.get(title="Joint Investigation Training").duration_hours == 30
    basic = framework.courses.get(title="Introduction to safeguarding - basic awareness")
    assert (basic.duration_hours, basic.duration_is_minimum) == (Decimal(3), True)

    health = CompetenceFramework.objects.get(slug="intercollegiate-health")
    assert health.owner == CompetenceFramework.Owner.NATIONAL
    assert health.region is None
    assert health.period_months == 36
    hours = [(t.name, t.hours_per_period, t.hours_per_period_max) for t in health.tiers.all()]
    assert hours == [
        ("Level 1", 2, None),
        ("Level 2", 3, 4),
        ("Level 3 (core)", 6, None),
        ("Level 3 (specialist)", 12, 16),
        ("Level 4", 24, None),
        ("Level 5", 24, None),
    ]


def test_loading_a_framework_twice_changes_nothing():
    first = build_framework(shipped_document("competence-matters"))
    before = catalogue_row_counts()

    again = build_framework(shipped_document("competence-matters"))

    assert again.already_loaded and not first.already_loaded
    assert again.framework == first.framework
    assert catalogue_row_counts() == before


def test_the_gp_pathway_holds_every_course_the_london_document_lists_for_it():
    document = shipped_document("competence-matters")
    written = next(p for p in document["pathways"] if p["role"] == "General Practitioner")
    build_framework(document)

    items = items_of("General Practitioner")

    # Every name as written is kept, in order; "Level 1 and 2" stands for two items.
    names = [item.named_as for item in items]
    assert list(dict.fromkeys(names)) == written["required"]
    assert names.count("Domestic violence – Level 1 and 2") == 2
    assert all(item.kind == PathwayItem.Kind.REQUIRED for item in items)
    matched = [
        (item.course.title, item.course.level, item.course.tier.code)
        for item in items
        if item.course
    ]
    assert matched == [
        ("Safeguarding children – a shared responsibility", None, "B"),
        ("Managing issues of consent, confidentiality and information sharing", None, "B"),
        ("Working with parents and families who are difficult to engage", None, "B"),
        ("Domestic violence as a serious child protection issue", 1, "A"),
        ("Good practice in equality and diversity across London", 2, "B"),
        ("Fabricated or Induced Illness", None, "B"),
        ("Working effectively with mobile families", None, "B"),
        ("Child protection conferences and core groups", None, "B"),
    ]
    unmatched = [item for item in items if item.course is None]
    assert [item.named_as for item in unmatched] == ["Domestic violence – Level 1 and 2"]


def test_every_london_pathway_item_is_matched_except_domestic_violence_level_2():
    result = build_framework(shipped_document("competence-matters"))

    assert [(item.role, item.part) for item in result.unmatched] == [
        ("General Practitioner", "Domestic violence – Level 2"),
        (
            "Community Safety Officer (Police Crisis intervention Team)",
            "Domestic violence – Level 2",
        ),
    ]
    assert PathwayItem.objects.filter(course__isnull=True).count() == 2
    assert result.pathway_items == PathwayItem.objects.count() == 66


def test_understanding_dangerous_dynamics_is_the_group_a_dynamics_course():
    build_framework(shipped_document("competence-matters"))

    item = next(
        item
        for item in items_of("Radiologist")
        if item.named_as == "Understanding dangerous dynamics in working relationships"
    )

    assert course(item).title == "Understanding dynamics in working relationships"
    assert course(item).tier.code == "A"


def test_joint_investigation_training_and_abe_are_two_courses():
    build_framework(shipped_document("competence-matters"))

    courses = [
        course(item).title
        for item in items_of("Children’s Social Worker")
        if item.named_as == "Joint Investigation training and ABE"
    ]

    assert courses == ["Joint Investigation Training", "Achieving Best Evidence (ABE)"]


def test_a_name_without_a_level_takes_the_level_of_the_pathway_tier():
    result = build_framework(shipped_document("competence-matters"))

    assistant = {item.named_as: course(item) for item in items_of("Learning Support Assistant")}
    instructor = {item.named_as: course(item) for item in items_of("Sports Instructor")}
    assert assistant["Communicating with children about concerns"].level == 1
    assert instructor["Safeguarding children with disabilities"].level == 1
    chosen = [item for item in result.inexact if "no level given" in item.note]
    assert {item.written for item in chosen} == {
        "Communicating with children about concerns",
        "Safeguarding children with disabilities",
    }


def test_introductory_training_is_the_introduction_course_of_the_pathway_tier():
    build_framework(shipped_document("competence-matters"))

    for role, tier in (
        ("Radiologist", "A"),
        ("General Practitioner", "B"),
        ("Community Paediatrician", "C"),
    ):
        first = items_of(role)[0]
        assert first.named_as == "Introductory training"
        assert course(first).category == Course.Category.INTRODUCTION
        assert course(first).tier.code == tier


def test_a_level_2_prerequisite_is_the_level_1_course_of_that_title():
    build_framework(shipped_document("competence-matters"))

    court_skills = london().courses.get(title="Court skills", level=2)
    substance = london().courses.get(title__startswith="Impact of parental substance misuse")

    assert [(c.title, c.level, c.tier.code) for c in court_skills.prerequisites.all()] == [
        ("Court skills", 1, "B")
    ]
    assert [c.level for c in substance.prerequisites.all()] == [1]


def test_the_command_names_each_unmatched_item_and_its_pathway():
    output = load("competence-matters")

    assert "Loaded Competence Matters" in output
    assert "5 tiers, 68 courses, 9 roles, 66 pathway items" in output
    unmatched = [line for line in output.splitlines() if line.strip().startswith("UNMATCHED '")]
    assert len(unmatched) == 2
    assert (
        "'Domestic violence – Level 2' (part of 'Domestic violence – Level 1 and 2')"
        in (unmatched[0])
    )
    assert "General Practitioner" in unmatched[0]
    assert "Community Safety Officer (Police Crisis intervention Team)" in unmatched[1]
    # Matches by another name are shown with their reasons.
    assert "'Understanding dangerous dynamics in working relationships' → " in output
    assert "[fuzzy 0." in output
    assert "[prefix]" in output


def test_the_command_loading_twice_says_already_loaded_and_changes_nothing():
    load("competence-matters")
    before = catalogue_row_counts()

    output = load("competence-matters")

    assert "already loaded" in output
    assert catalogue_row_counts() == before
    # The items still without a course are listed again, by part.
    assert (
        "UNMATCHED 'Domestic violence – Level 2' (part of 'Domestic violence – Level 1 and 2')"
        " in General Practitioner" in output
    )


def test_the_command_adopts_the_framework_for_the_partnerships_named():
    region = RegionFactory(code="london", name="London")
    PartnershipFactory(code="camden", region=region)
    PartnershipFactory(code="islington", region=region)

    output = load("competence-matters", "--adopt", "camden", "islington")
    load("competence-matters", "--adopt", "camden")

    assert "Adopted by: camden, islington" in output
    assert set(Adoption.objects.values_list("partnership__code", "framework__slug")) == {
        ("camden", "competence-matters"),
        ("islington", "competence-matters"),
    }


def test_the_command_loads_a_file_as_a_partnership_framework(tmp_path):
    partnership = PartnershipFactory(code="camden")
    path = tmp_path / "ours.json"
    path.write_text(
        '{"slug": "ours", "name": "Our framework", "owner": "partnership",'
        ' "tiers": [{"code": "A", "name": "Group A", "order": 1}],'
        ' "courses": [{"title": "Safe working", "tier": "A", "category": "core",'
        ' "duration": "3 hours"}]}',
        encoding="utf-8",
    )

    output = load(str(path), "--partnership", "camden", "--adopt", "camden")

    framework = CompetenceFramework.objects.get(slug="ours")
    assert framework.owner_partnership == partnership
    assert framework.courses.get().duration_hours == 3
    assert "1 tiers, 1 courses" in output


def test_the_command_lists_every_problem_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"slug": "bad", "name": "Bad", "owner": "national",'
        ' "tiers": [{"code": "A", "name": "Group A", "order": 1}],'
        ' "courses": [{"title": "One", "tier": "Z", "category": "core", "duration": "soon"}]}',
        encoding="utf-8",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="2 problem"):
        call_command("load_framework", str(path), stdout=StringIO(), stderr=err)

    assert "courses row 1, tier" in err.getvalue()
    assert "courses row 1, duration" in err.getvalue()
    assert CompetenceFramework.objects.count() == 0


def test_the_command_refuses_an_unknown_framework_or_partnership():
    with pytest.raises(CommandError, match="neither a shipped framework"):
        load("no-such-framework")
    with pytest.raises(CommandError, match="no partnership with the code 'nowhere'"):
        load("competence-matters", "--adopt", "nowhere")
    assert CompetenceFramework.objects.count() == 0


def test_the_demo_partnerships_adopt_both_frameworks_once():
    seeding.load_demo(password="a long demo password for tests")
    before = catalogue_row_counts()
    seeding.load_demo(password="a long demo password for tests")

    assert catalogue_row_counts() == before
    adopted = set(Adoption.objects.values_list("partnership__code", "framework__slug"))
    assert adopted == {
        (code, slug)
        for code in ("camden", "islington")
        for slug in ("competence-matters", "intercollegiate-health")
    }


def test_a_seeded_borough_adopts_both_frameworks():
    seeding.seed_borough(people=5)

    assert sorted(Adoption.objects.values_list("framework__slug", flat=True)) == [
        "competence-matters",
        "intercollegiate-health",
    ]

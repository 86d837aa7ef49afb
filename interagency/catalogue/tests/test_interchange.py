"""The framework document: validation, building, export, and pathway name matching."""

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from interagency.catalogue import interchange
from interagency.catalogue.interchange import (
    DocumentInvalid,
    Problem,
    build_framework,
    export_document,
    shipped_document,
    validate_document,
)
from interagency.catalogue.matching import Candidate, match_item, split_levels
from interagency.catalogue.models import CompetenceFramework, Equivalence, PathwayItem
from interagency.catalogue.tests.factories import CourseFactory, CourseTailoringFactory
from interagency.tenancy.tests.factories import PartnershipFactory


def small_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "slug": "small",
        "name": "A small framework",
        "owner": "national",
        "region": None,
        "version": "1",
        "source": "",
        "period_months": None,
        "tiers": [
            {"code": "A", "name": "Group A", "order": 1},
            {"code": "B", "name": "Group B", "order": 2},
        ],
        "questions": [{"text": "Do you lead casework?", "tier_if_yes": "B"}],
        "courses": [
            {
                "title": "Court skills",
                "tier": "A",
                "category": "core",
                "level": 1,
                "duration": "1 day or 6 hours",
                "topics": ["courts"],
                "delivery_modes": ["face_to_face"],
            },
            {
                "title": "Court skills",
                "tier": "B",
                "category": "core",
                "level": 2,
                "duration": "2 days",
                "prerequisites": ["Court skills"],
                "refresh_months": 36,
            },
            {
                "title": "Achieving Best Evidence (ABE)",
                "tier": "B",
                "category": "specialist",
                "level": None,
                "duration": "5 days",
            },
        ],
        "pathways": [
            {
                "role": "Police officer",
                "tier": "B",
                "window_months": 12,
                "required": ["Court skills – Level 2", "ABE"],
                "recommended": ["Court skills - Level 1"],
                "refreshers": [{"course": "Court skills", "every_months": 36}],
                "equivalences": [{"counts_for": "ABE", "external_training": "Police ABE course"}],
            }
        ],
    }
    document.update(changes)
    return document


def places(problems: list[Problem]) -> set[tuple[str, int, str, Any]]:
    return {
        (p.sheet, p.row, p.column, tuple(p.value) if isinstance(p.value, list) else p.value)
        for p in problems
    }


def catalogue_row_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("catalogue").get_models()
    }


# --- Validation ----------------------------------------------------------------------------


def test_a_good_document_has_no_problems():
    assert validate_document(small_document(), strict=True) == []
    assert validate_document(shipped_document("intercollegiate-health"), strict=True) == []


def test_validation_reports_every_problem_with_sheet_row_column_and_value():
    document = small_document()
    document["courses"] += [
        {"title": "Risk", "category": "core", "duration": "1 day"},  # no tier
        {"title": "court SKILLS", "tier": "B", "category": "core", "level": 2, "duration": "2h"},
        {"title": "Long", "tier": "A", "category": "core", "duration": "as long as it takes"},
        {"title": "Odd", "tier": "Z", "category": "extra", "duration": "1 day", "level": 3},
        {
            "title": "Mixed",
            "tier": "A",
            "category": "core",
            "duration": "1 day",
            "delivery_modes": ["carrier pigeon"],
            "prerequisites": ["Nothing of the sort"],
        },
    ]
    document["pathways"][0]["required"].append("Underwater safeguarding")
    document["pathways"].append({"role": "Nobody", "tier": "Q", "required": []})

    problems = validate_document(document, strict=True)

    assert places(problems) >= {
        ("courses", 4, "tier", None),
        ("courses", 5, "title", "court SKILLS"),
        ("courses", 6, "duration", "as long as it takes"),
        ("courses", 7, "tier", "Z"),
        ("courses", 7, "category", "extra"),
        ("courses", 7, "level", 3),
        ("courses", 8, "delivery_modes", ("carrier pigeon",)),
        ("courses", 8, "prerequisites", "Nothing of the sort"),
        ("pathways", 1, "required", "Underwater safeguarding"),
        ("pathways", 2, "tier", "Q"),
    }
    assert all(problem.blocking for problem in problems)
    duplicate = next(p for p in problems if p.column == "title")
    assert "row 2" in duplicate.message  # points at the first of the two


def test_a_pathway_naming_no_course_is_a_warning_in_lenient_mode():
    document = small_document()
    document["pathways"][0]["required"].append("Underwater safeguarding")

    problems = validate_document(document, strict=False)

    assert [(p.kind, p.value, p.blocking) for p in problems] == [
        ("unmatched", "Underwater safeguarding", False)
    ]


def test_a_document_that_is_not_an_object_is_one_problem():
    assert places(validate_document([1, 2], strict=True)) == {("framework", 1, "", "list")}


@pytest.mark.django_db
def test_nothing_is_written_when_the_document_has_problems():
    document = small_document()
    document["courses"][0]["duration"] = "a while"
    document["tiers"].pop()  # Group B's courses and pathway lose their tier

    with pytest.raises(DocumentInvalid) as raised:
        build_framework(document)

    assert {(p.sheet, p.column) for p in raised.value.problems} >= {
        ("courses", "duration"),
        ("courses", "tier"),
        ("pathways", "tier"),
    }
    assert set(catalogue_row_counts().values()) == {0}


# --- Building ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_build_stores_courses_pathways_refreshers_and_equivalences():
    result = build_framework(small_document())

    framework = result.framework
    assert (result.tiers, result.courses, result.roles, result.pathway_items) == (2, 3, 1, 3)
    assert framework.questions == [{"text": "Do you lead casework?", "tier": "B"}]
    level_two = framework.courses.get(level=2)
    assert level_two.duration_hours == Decimal(12)
    assert level_two.refresh_months == 36
    assert [(c.level, c.tier.code) for c in level_two.prerequisites.all()] == [(1, "A")]
    pathway = framework.roles.get().pathway
    assert pathway.window_months == 12
    items = list(pathway.items.order_by("kind", "order"))
    assert [
        (i.kind, i.named_as, i.course and i.course.level, i.repeat_every_months) for i in items
    ] == [
        (PathwayItem.Kind.RECOMMENDED, "Court skills - Level 1", 1, 36),
        (PathwayItem.Kind.REQUIRED, "Court skills – Level 2", 2, 36),
        (PathwayItem.Kind.REQUIRED, "ABE", None, None),
    ]
    equivalence = Equivalence.objects.get()
    assert equivalence.counts_for.title == "Achieving Best Evidence (ABE)"
    assert equivalence.external_training == "Police ABE course"


@pytest.mark.django_db
def test_an_unmatched_item_is_stored_without_a_course_and_reported():
    document = small_document()
    document["pathways"][0]["required"].append("Underwater safeguarding")

    result = build_framework(document)

    item = PathwayItem.objects.get(course__isnull=True)
    assert item.named_as == "Underwater safeguarding"
    assert [(i.role, i.written) for i in result.unmatched] == [
        ("Police officer", "Underwater safeguarding")
    ]
    assert [p.kind for p in result.warnings] == ["unmatched"]


@pytest.mark.django_db
def test_a_partnership_owns_the_framework_it_builds_and_may_load_the_same_slug_as_others():
    partnership = PartnershipFactory.create()
    national = build_framework(small_document())

    own = build_framework(small_document(owner="partnership"), owner_partnership=partnership)
    again = build_framework(small_document(owner="partnership"), owner_partnership=partnership)

    assert own.framework != national.framework
    assert own.framework.owner == CompetenceFramework.Owner.PARTNERSHIP
    assert own.framework.owner_partnership == partnership
    assert again.already_loaded and again.framework == own.framework


@pytest.mark.django_db
def test_a_partnership_framework_cannot_be_loaded_without_a_partnership():
    with pytest.raises(DocumentInvalid) as raised:
        build_framework(small_document(owner="partnership"))
    assert places(raised.value.problems) == {("framework", 1, "owner", "partnership")}


# --- Export --------------------------------------------------------------------------------


def without_owner(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("owner", "region")}


@pytest.mark.django_db
def test_export_then_build_into_a_partnership_then_export_gives_the_same_document():
    london = build_framework(shipped_document("competence-matters")).framework
    exported = export_document(london)

    copied = build_framework(
        copy.deepcopy(exported), owner_partnership=PartnershipFactory.create()
    ).framework
    again = export_document(copied)

    assert copied != london
    assert without_owner(again) == without_owner(exported)
    assert len(again["courses"]) == 68
    assert again["owner"] == "partnership"


@pytest.mark.django_db
def test_the_export_of_a_shipped_framework_repeats_its_data_file():
    document = shipped_document("competence-matters")
    exported = export_document(build_framework(document).framework)

    for key in ("slug", "name", "version", "source", "questions", "courses", "pathways"):
        assert exported[key] == document[key], key


@pytest.mark.django_db
def test_a_small_document_round_trips_with_refreshers_and_equivalences():
    document = small_document()
    exported = export_document(build_framework(document).framework)

    assert exported["pathways"][0]["refreshers"] == [
        {"course": "Court skills", "every_months": 36},
        {"course": "Court skills", "every_months": 36},
    ]
    assert exported["pathways"][0]["equivalences"] == [
        {"counts_for": "Achieving Best Evidence (ABE)", "external_training": "Police ABE course"}
    ]
    rebuilt = build_framework(exported, owner_partnership=PartnershipFactory.create()).framework
    assert without_owner(export_document(rebuilt)) == without_owner(exported)


@pytest.mark.django_db
def test_a_partnership_export_applies_its_tailoring_and_adds_its_local_courses():
    partnership = PartnershipFactory.create()
    framework = build_framework(small_document()).framework
    level_one, _level_two, abe = framework.courses.order_by("pk")
    CourseTailoringFactory(partnership=partnership, course=abe, hidden=True)
    CourseTailoringFactory(
        partnership=partnership,
        course=level_one,
        local_title="Court skills for beginners",
        local_duration_hours=Decimal("4.5"),
    )
    CourseFactory(
        tier=level_one.tier, framework=framework, local_to=partnership, title="Our own course"
    )
    CourseFactory(
        tier=level_one.tier,
        framework=framework,
        local_to=PartnershipFactory.create(),
        title="Not ours",
    )

    exported = export_document(framework, partnership=partnership)

    rows = {row["title"]: row for row in exported["courses"]}
    assert set(rows) == {"Court skills for beginners", "Court skills", "Our own course"}
    assert rows["Court skills for beginners"]["duration"] == "4.5 hours"
    assert rows["Court skills"]["prerequisites"] == ["Court skills for beginners"]
    assert rows["Our own course"]["local"] is True
    assert "local" not in rows["Court skills"]
    assert "Not ours" not in {row["title"] for row in export_document(framework)["courses"]}


# --- Matching ------------------------------------------------------------------------------


CANDIDATES = [
    Candidate(1, "Safeguarding children – a shared responsibility", None, "A", "introduction"),
    Candidate(2, "Safeguarding children – a shared responsibility", None, "B", "introduction"),
    Candidate(3, "Communicating with children about concerns", 1, "A", "core"),
    Candidate(4, "Communicating with children about concerns", 2, "B", "core"),
    Candidate(5, "Joint Investigation Training", None, "C", "core"),
    Candidate(6, "Achieving Best Evidence (ABE)", None, "C", "core"),
    Candidate(7, "Children’s rights and the child’s voice", None, "B", "core"),
    Candidate(8, "Domestic violence as a serious child protection issue", 1, "A", "core"),
]
ORDER = {"A": 1, "B": 2, "C": 3}


def matched(name: str, tier: str = "B") -> list[tuple[object, str]]:
    return [
        (m.candidate.key if m.candidate else None, m.reason)
        for m in match_item(name, tier=tier, candidates=CANDIDATES, tier_order=ORDER)
    ]


@pytest.mark.parametrize(
    ("written", "base", "levels"),
    [
        ("Court skills – Level 2", "Court skills", [2]),
        (
            "Communicating with children about concerns -  Level 2",
            "Communicating with children about concerns",
            [2],
        ),
        ("Domestic violence – Level 1 and 2", "Domestic violence", [1, 2]),
        ("Court skills", "Court skills", [None]),
    ],
)
def test_a_trailing_level_is_read_from_the_name(written, base, levels):
    assert split_levels(written) == (base, levels)


def test_introductory_training_is_the_introduction_course_of_the_pathway_tier():
    assert matched("Introductory training", "A") == [(1, "introductory training")]
    assert matched("Introductory training", "B") == [(2, "introductory training")]


def test_curly_quotes_dashes_and_case_do_not_stop_a_match():
    assert matched("children's rights and the child's voice") == [(7, "normalised")]
    assert matched("Communicating with children about concerns - Level 2") == [(4, "exact")]


def test_level_1_and_2_are_two_items_and_a_missing_level_is_unmatched():
    assert matched("Domestic violence – Level 1 and 2") == [(8, "prefix"), (None, "unmatched")]


def test_x_and_y_naming_two_courses_matches_both_with_abbreviations():
    assert matched("Joint Investigation training and ABE", "C") == [
        (5, "normalised, one of two"),
        (6, "abbreviation, one of two"),
    ]


def test_without_a_level_the_pathway_tier_chooses_it_and_says_so():
    group_a = match_item(
        "Communicating with children about concerns",
        tier="A",
        candidates=CANDIDATES,
        tier_order=ORDER,
    )
    group_c = match_item(
        "Communicating with children about concerns",
        tier="C",
        candidates=CANDIDATES,
        tier_order=ORDER,
    )
    assert [m.candidate.level for m in group_a + group_c if m.candidate] == [1, 2]
    assert "chose Level 2" in group_c[0].note


def test_a_close_spelling_matches_by_similarity_and_a_stranger_does_not():
    [(key, reason)] = matched("Communicating with childen about concern – Level 1", "A")
    assert key == 3 and reason.startswith("fuzzy 0.")
    assert matched("Forest school first aid") == [(None, "unmatched")]


def test_the_module_lists_the_shipped_frameworks():
    assert interchange.frameworks_directory() == ["competence-matters", "intercollegiate-health"]

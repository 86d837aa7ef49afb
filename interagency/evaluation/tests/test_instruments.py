"""Instruments: the shipped templates, definitions checked, versions that never change."""

import pytest
from django.db import IntegrityError

from interagency.catalogue.tests.factories import CourseFactory
from interagency.evaluation.definitions import parse_definition
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.instrument_templates import shipped_templates
from interagency.evaluation.models import Instrument, InstrumentVersion, Item, OutcomeLevel, Scale
from interagency.evaluation.services.instruments import (
    create_instrument_from_templates,
    link_item_to_outcome,
    revise_instrument,
)
from interagency.evaluation.tests.factories import SMALL_DEFINITION, make_instrument

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_the_shipped_templates_cover_the_levels_the_research_measured():
    templates = shipped_templates()
    assert set(templates) == {
        "confidence",
        "attitudes",
        "knowledge-vignette",
        "reactions",
        "follow-up-learner",
        "follow-up-line-manager",
    }
    levels = {scale.level for t in templates.values() for scale in t.definition.all_scales()}
    assert {"1", "2a", "2b", "3", "4a"} <= levels
    knowledge = templates["knowledge-vignette"].definition.scales[0]
    assert knowledge.preamble.startswith("Maya is seven")
    assert all(item.correct_answer is not None for item in knowledge.items)
    assert any(item.reverse_keyed for item in templates["attitudes"].definition.all_items())


def test_a_coordinator_builds_an_instrument_from_templates(partnership):
    instrument = create_instrument_from_templates(
        partnership=partnership,
        name="Parental mental illness: start and end",
        template_keys=["confidence", "attitudes", "knowledge-vignette"],
        created_by=None,
    )
    version = instrument.versions.get()
    assert version.number == 1
    assert list(version.scales.values_list("key", flat=True)) == [
        "confidence",
        "attitudes",
        "knowledge",
    ]
    assert version.items.count() == 8 + 9 + 8
    assert instrument.templates == ["confidence", "attitudes", "knowledge-vignette"]
    assert Scale.objects.get(version=version, key="attitudes").level == OutcomeLevel.ATTITUDES


def test_templates_whose_keys_clash_cannot_be_combined(partnership):
    with pytest.raises(EvaluationError) as refused:
        create_instrument_from_templates(
            partnership=partnership,
            name="Twice",
            template_keys=["reactions", "reactions"],
            created_by=None,
        )
    assert "reactions" in refused.value.errors
    assert not Instrument.objects.exists()


def test_an_unknown_template_is_refused(partnership):
    with pytest.raises(EvaluationError, match="no template called 'moods'"):
        create_instrument_from_templates(
            partnership=partnership, name="X", template_keys=["moods"], created_by=None
        )


def test_a_changed_instrument_is_a_new_version_and_the_old_one_is_kept(partnership):
    instrument = make_instrument(partnership)
    changed = {**SMALL_DEFINITION, "items": []}
    version_2 = revise_instrument(
        instrument=instrument, definition=changed, created_by=None, change_note="No comments"
    )
    assert version_2.number == 2
    version_1 = instrument.versions.get(number=1)
    assert version_1.items.filter(key="comment").exists()
    assert not version_2.items.filter(key="comment").exists()
    assert InstrumentVersion.objects.for_partnership(partnership).count() == 2


def test_two_instruments_of_a_partnership_cannot_share_a_name(partnership, other_partnership):
    make_instrument(partnership, name="Reactions")
    make_instrument(other_partnership, name="Reactions")
    with pytest.raises(EvaluationError, match="already an instrument called reactions"):
        make_instrument(partnership, name="reactions")


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"format": "agree_9"}, "instrument.scales[0].items[0].format", "choose one of"),
        ({"choices": ["A", "B"]}, "instrument.scales[0].items[0].choices", "only multiple-choice"),
        ({"correct_answer": 1}, "instrument.scales[0].items[0].correct_answer", "only yes/no"),
        ({"format": "free_text"}, "instrument.scales[0].items[0].format", "free text cannot"),
        ({"key": "c2"}, "instrument.scales[0].items[1].key", "used twice"),
        ({"text": "Bad\x00text"}, "instrument.scales[0].items[0].text", "control character"),
    ],
)
def test_a_definition_with_a_mistake_is_refused_naming_where(change, path, words):
    scale = SMALL_DEFINITION["scales"][0]
    broken = {
        **SMALL_DEFINITION,
        "scales": [{**scale, "items": [{**scale["items"][0], **change}, *scale["items"][1:]]}],
    }
    with pytest.raises(EvaluationError) as refused:
        parse_definition(broken)
    assert words in refused.value.errors[path]


def test_a_knowledge_scale_needs_every_answer_key_and_one_within_its_options():
    definition = {
        "scales": [
            {
                "key": "knowledge",
                "name": "Knowledge",
                "level": "2b",
                "scoring": "percent_correct",
                "items": [
                    {"key": "k1", "text": "Yes?", "format": "yes_no"},
                    {
                        "key": "k2",
                        "text": "Which?",
                        "format": "multiple_choice",
                        "choices": ["A", "B"],
                        "correct_answer": 3,
                    },
                ],
            }
        ]
    }
    with pytest.raises(EvaluationError) as refused:
        parse_definition(definition)
    assert refused.value.errors == {
        "instrument.scales[0].items[0].correct_answer": (
            "a knowledge scale's items each need their right answer."
        ),
        "instrument.scales[0].items[1].correct_answer": "must be between 1 and 2.",
    }


def test_a_threshold_outside_1_to_100_is_refused():
    scale = {**SMALL_DEFINITION["scales"][0], "min_answered_percent": 0}
    with pytest.raises(EvaluationError) as refused:
        parse_definition({"scales": [scale]})
    assert "instrument.scales[0].min_answered_percent" in refused.value.errors


def test_the_threshold_is_80_percent_unless_set(partnership):
    version = make_instrument(partnership).versions.get()
    assert set(version.scales.values_list("min_answered_percent", flat=True)) == {80}


def test_the_database_refuses_an_answer_key_on_a_rating(partnership):
    version = make_instrument(partnership).versions.get()
    with pytest.raises(IntegrityError):
        Item.objects.create(
            version=version, key="bad", text="?", response_format="agree_5", correct_answer=3
        )


def test_an_item_links_to_one_of_its_courses_learning_outcomes(partnership):
    course = CourseFactory.create(
        outcomes=["Know when to share information", "Know how to escalate"]
    )
    item = make_instrument(partnership).versions.get().items.get(key="c2")
    link = link_item_to_outcome(item=item, course=course, outcome="Know when to share information")
    assert list(item.outcomes.all()) == [link]
    with pytest.raises(EvaluationError, match="is not one of the outcomes"):
        link_item_to_outcome(item=item, course=course, outcome="Something else")

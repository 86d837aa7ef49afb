"""The text rule shared by forms, the API and the people import."""

import pytest

from interagency.core.validation import control_character_problem


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("Ana Silva", False, None),
        ("Line one\n\tLine two\r\n", True, None),
        ("Ana\nSilva", False, "must be on one line: remove the line break or tab at character 4."),
        ("Ana\x00", True, "contains a control character (U+0000) at character 4: remove it."),
        ("\x07bell", True, "contains a control character (U+0007) at character 1: remove it."),
        ("esc\x1b[0m", False, "contains a control character (U+001B) at character 4: remove it."),
        ("del\x7f", False, "contains a control character (U+007F) at character 4: remove it."),
    ],
)
def test_control_characters_are_named_with_their_place(text, multiline, problem):
    assert control_character_problem(text, multiline=multiline) == problem

"""What a coordinator opens in a spreadsheet shows as text, never runs as a formula."""

import pytest

from interagency.core.spreadsheets import neutralise, restore


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+44 20", "-1", "@SUM(A1)", "\tx"])
def test_text_that_would_run_as_a_formula_is_shown_as_text(typed):
    assert neutralise(typed) == "'" + typed
    assert restore(neutralise(typed)) == typed


@pytest.mark.parametrize("value", ["Camden", "'quoted", "", 42, None])
def test_other_values_are_written_as_they_are(value):
    assert neutralise(value) == value

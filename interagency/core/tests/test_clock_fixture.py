"""A test marked ``clock`` stands at one instant, not at the hour CI happens to run."""

import pytest
from django.utils import timezone

from conftest import PINNED_INSTANT, clock_instant


@pytest.mark.clock
def test_a_test_marked_clock_reads_the_pinned_instant_with_the_clock_stopped(request):
    expected = clock_instant(request.config) or PINNED_INSTANT
    assert timezone.now() == expected
    assert timezone.now() == expected  # stopped: no time has passed


@pytest.mark.clock(fixed=True)
def test_a_test_of_named_dates_stands_at_the_pinned_instant_whatever_the_clock_option():
    assert timezone.now() == PINNED_INSTANT

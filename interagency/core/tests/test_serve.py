"""`interagency serve` refuses a number of workers or threads it cannot use, saying which."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.parametrize(
    ("options", "environment", "message"),
    [
        ({"workers": 0}, {}, "--workers must be 1 or more, not 0."),
        ({"threads": -2}, {}, "--threads must be 1 or more, not -2."),
        ({}, {"WEB_CONCURRENCY": "lots"}, "WEB_CONCURRENCY='lots' is not a whole number"),
        ({}, {"THREADS": "4.5"}, "THREADS='4.5' is not a whole number (it sets --threads)."),
    ],
)
def test_a_count_that_cannot_be_used_is_named(monkeypatch, options, environment, message):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError) as refused:
        call_command("serve", port=1, skip_checks=True, **options)
    assert message in str(refused.value)

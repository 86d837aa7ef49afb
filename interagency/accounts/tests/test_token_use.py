"""A token's "last used" time is kept to the minute: a busy script does not write on every call."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interagency.accounts.models import AccessToken
from interagency.accounts.services import issue_access_token

pytestmark = pytest.mark.clock

ME = "/api/v1/me"


def call_with(text: str) -> list[str]:
    """Call the API with the token; the statements that wrote to the tokens table."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(ME, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 200
    table = AccessToken._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]


def last_used(token: AccessToken) -> datetime.datetime | None:
    token.refresh_from_db()
    return token.last_used_at


def test_a_token_records_its_use_at_most_once_a_minute(coordinator, clock):
    token, text = issue_access_token(user=coordinator, name="Booking script")
    first = timezone.now()
    assert len(call_with(text)) == 1
    assert last_used(token) == first

    clock.shift(datetime.timedelta(seconds=30))
    assert call_with(text) == []  # within the minute: no write at all
    clock.shift(datetime.timedelta(seconds=29))
    assert call_with(text) == []
    assert last_used(token) == first

    clock.shift(datetime.timedelta(seconds=2))  # a minute and a second after the first
    assert len(call_with(text)) == 1
    assert last_used(token) == timezone.now()


def test_each_token_keeps_its_own_last_use(coordinator, clock):
    used, used_text = issue_access_token(user=coordinator, name="Used")
    idle, _ = issue_access_token(user=coordinator, name="Idle")
    call_with(used_text)
    assert last_used(used) == timezone.now()
    assert last_used(idle) is None

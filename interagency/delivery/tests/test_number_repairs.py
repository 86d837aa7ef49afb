"""The upgrade repairs numbers stored before the bounds existed, and says so in the audit trail.

An infinite no-show charge (SQLite keeps ``1e400`` as infinity; PostgreSQL
takes ``'NaN'``) made every session list and the sessions API fail. The row is
put back the way it could have been stored before the CHECK constraints, then
the migration's own function runs.
"""

import datetime
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.audit.models import AuditEvent
from interagency.core.number_repairs import REPAIR_LABEL
from interagency.delivery.models import Session
from interagency.delivery.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=datetime.UTC)
repair_migration = importlib.import_module(
    "interagency.delivery.migrations.0003_repair_invalid_numbers"
)


class TodaysModels:
    """The models as they are now, under the names the repair used when it was written
    (migration 0005 renamed ``NoShowCharge`` to ``Charge``)."""

    def get_model(self, app_label: str, model_name: str):
        renamed = "Charge" if model_name == "NoShowCharge" else model_name
        return apps.get_model(app_label, renamed)


TODAYS_APPS = TodaysModels()


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def store_unreadable_charge(session: Session) -> str:
    """Write what the old code let through; returns the value as the database shows it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            cursor.execute(
                "UPDATE delivery_session SET no_show_charge = 1e999 WHERE id = %s", [session.pk]
            )
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
            return "Inf"
        # PostgreSQL cannot hold infinity in numeric(8, 2), but it takes NaN.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE delivery_session DROP CONSTRAINT session_no_show_charge_in_range"
        )
        cursor.execute(
            "UPDATE delivery_session SET no_show_charge = 'NaN' WHERE id = %s", [session.pk]
        )
        return "NaN"


def test_the_migration_repairs_a_stored_infinity_and_the_lists_answer_again(
    partnership, coordinator, coordinator_client
):
    session = SessionFactory.create(partnership=partnership, capacity=12)
    healthy = SessionFactory.create(partnership=partnership, no_show_charge=Decimal("25.00"))
    old = store_unreadable_charge(session)
    _, token = issue_access_token(user=coordinator, name="Tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    sessions_api = reverse("api:session-list", kwargs={"code": partnership.code})

    repair_migration.Migration.operations[0].code(TODAYS_APPS, connection.schema_editor())

    session.refresh_from_db()
    healthy.refresh_from_db()
    assert session.no_show_charge == Decimal("0.00")
    assert healthy.no_show_charge == Decimal("25.00")
    event = AuditEvent.objects.get(subject_type="delivery.Session")
    assert event.subject_id == str(session.pk)
    assert event.partnership_id == partnership.pk
    assert (event.actor_user_id, event.actor_label) == (None, REPAIR_LABEL)
    assert event.changes == {"no_show_charge": [old, "0.00"]}

    for page in ("sessions:index", "sessions:list"):
        assert (
            coordinator_client.get(reverse(page, kwargs={"code": partnership.code})).status_code
            == 200
        )
    listed = api.get(sessions_api)
    assert listed.status_code == 200
    assert {s["no_show_charge"] for s in listed.json()["results"]} == {"0.00", "25.00"}


def test_finite_values_out_of_range_are_brought_to_the_nearest_bound(partnership):
    session = SessionFactory.create(partnership=partnership, capacity=12)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE delivery_session DROP CONSTRAINT session_capacity_in_range")
        cursor.execute("UPDATE delivery_session SET capacity = 5000 WHERE id = %s", [session.pk])
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")

    repair_migration.Migration.operations[0].code(TODAYS_APPS, connection.schema_editor())

    session.refresh_from_db()
    assert session.capacity == 1000
    event = AuditEvent.objects.get(subject_type="delivery.Session")
    assert event.changes == {"capacity": ["5000", "1000"]}

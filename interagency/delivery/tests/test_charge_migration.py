"""Migrating no-show charges into charges of a kind keeps every row and its waiver."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from interagency.delivery.tests.factories import BookingFactory

pytestmark = pytest.mark.clock

BEFORE = [("delivery", "0004_number_bounds")]
AFTER = [("delivery", "0005_charge_kinds")]


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_no_show_charges_become_charges_of_the_no_show_kind():
    booking = BookingFactory.create()
    migrate_to(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO delivery_noshowcharge (partnership_id, booking_id, agency_id, amount,"
                " waived, waived_reason, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    booking.partnership_id,
                    booking.pk,
                    booking.agency_id,
                    Decimal("40.00"),
                    True,
                    "Known absence",
                    timezone.now(),
                ],
            )
        new = migrate_to(AFTER)
        charge = new.get_model("delivery", "Charge").objects.get()
        assert (charge.kind, charge.amount, charge.waived_reason) == (
            "no_show",
            Decimal("40.00"),
            "Known absence",
        )
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())

"""Session costs from a CSV or XLSX file: every row or none, problems by row and column."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from interagency.delivery.tests.factories import SessionFactory
from interagency.finance.models import SessionCost

pytestmark = pytest.mark.clock


def upload(client, partnership, name: str, content: bytes):
    url = reverse("finance:costs-import", kwargs={"code": partnership.code})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_a_csv_sets_every_sessions_costs(partnership, coordinator_client):
    first, second = (
        SessionFactory.create(partnership=partnership, parts__start=datetime.date(2025, 6, d))
        for d in (2, 9)
    )
    content = (
        "session,venue_actual,trainer_fee_planned,trainer_days_in_kind\n"
        f"{first.pk},250.50,,1.5\n"
        f"{second.pk},,600,\n"
    ).encode()
    answer = upload(coordinator_client, partnership, "costs.csv", content)
    assert answer.status_code == 302
    one, two = (SessionCost.objects.get(session=s) for s in (first, second))
    assert (one.venue_actual, one.trainer_fee_planned, one.trainer_days_in_kind) == (
        Decimal("250.50"),
        None,
        Decimal("1.5"),
    )
    assert (two.venue_actual, two.trainer_fee_planned) == (None, Decimal("600.00"))


def test_any_bad_cell_is_named_by_row_and_column_and_nothing_is_stored(
    partnership, other_partnership, coordinator_client
):
    ours = SessionFactory.create(partnership=partnership)
    theirs = SessionFactory.create(partnership=other_partnership)
    content = (
        "session,venue_actual,materials_planned\n"
        f"{ours.pk},250,\n"
        f"{ours.pk},-1,12.345\n"
        f"{theirs.pk},5,\n"
        "x,,\n"
    ).encode()
    text = upload(coordinator_client, partnership, "costs.csv", content).content.decode()
    assert "Row 3, column venue_actual: &#x27;-1&#x27; must be a number from 0 to 100,000" in text
    assert "Row 3, column materials_planned" in text
    assert f"Row 4, column session: no session {theirs.pk} here." in text
    assert "Row 5, column session: enter the session&#x27;s number." in text
    assert not SessionCost.objects.exists()


def test_an_xlsx_file_and_unknown_columns(partnership, coordinator_client):
    session = SessionFactory.create(partnership=partnership)
    book = Workbook()
    sheet = book.active
    sheet.append(["session", "refreshments_actual"])
    sheet.append([session.pk, 80])
    buffer = io.BytesIO()
    book.save(buffer)
    assert (
        upload(coordinator_client, partnership, "costs.xlsx", buffer.getvalue()).status_code == 302
    )
    assert SessionCost.objects.get(session=session).refreshments_actual == Decimal("80.00")
    text = upload(
        coordinator_client, partnership, "costs.csv", b"session,catering\n1,2\n"
    ).content.decode()
    assert "Unknown: catering." in text

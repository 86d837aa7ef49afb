"""Charges (no-shows' and delegates'): the list with totals per agency, waiving, the CSV."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.dates import govuk_date
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.models import AttendanceOutcome, Charge, ChargeKind
from interagency.delivery.selectors.charges import financial_year
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.services.charges import waive_charge
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

A = AttendanceOutcome


def charges_url(partnership, **query) -> str:
    url = reverse("sessions:charges", kwargs={"code": partnership.code})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def waive_url(charge) -> str:
    return reverse(
        "sessions:charge-waive", kwargs={"code": charge.partnership.code, "charge_id": charge.pk}
    )


def csv_url(partnership, **query) -> str:
    url = reverse("sessions:charges-csv", kwargs={"code": partnership.code})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def money(html: str) -> list[str]:
    """The pound amounts in ``html``, in order."""
    return re.findall(r"£([0-9.]+)", html)


def week_ago() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=7)


def around(day: datetime.date) -> dict[str, str]:
    """Filters from a month before ``day`` to today, whatever the financial year."""
    return {
        "session_from": (day - datetime.timedelta(days=30)).isoformat(),
        "session_to": timezone.localdate().isoformat(),
    }


def closed_session_with_no_show(
    partnership, coordinator, *, agency, name, title="Working Together"
):
    """A session of a week ago charging £40: one attended, ``name`` of ``agency`` did not."""
    session = SessionFactory.create(
        partnership=partnership,
        course__title=title,
        parts__start=week_ago(),
        no_show_charge=Decimal("40.00"),
    )
    came = BookingFactory.create(session=session)
    missed = BookingFactory.create(
        session=session, person=PersonFactory.create(full_name=name, agency=agency)
    )
    record_attendance(booking=came, outcome=A.ATTENDED, recorded_by=coordinator)
    record_attendance(booking=missed, outcome=A.NO_SHOW, recorded_by=coordinator)
    close_register(session=session, closed_by=coordinator)
    return session, Charge.objects.get(booking=missed)


def make_charge(partnership, *, agency, name, amount="25.00", waived=False, day=None):
    """A charge made directly, for lists that need many of them."""
    booking = BookingFactory.create(
        session__partnership=partnership,
        session__parts__start=day or week_ago(),
        person=PersonFactory.create(full_name=name, agency=agency),
    )
    return Charge.objects.create(
        partnership=partnership,
        booking=booking,
        agency=agency,
        amount=Decimal(amount),
        waived=waived,
        waived_reason="Known absence" if waived else "",
    )


@pytest.fixture
def camden_agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Children's Services")


@pytest.fixture
def police(partnership):
    return AgencyFactory.create(partnership=partnership, name="Metropolitan Police")


# The page ---------------------------------------------------------------------------------


def test_a_closed_registers_no_show_charge_is_listed_with_the_agency_total(
    client, sign_in, coordinator, partnership, camden_agency, police
):
    closed_session_with_no_show(partnership, coordinator, agency=camden_agency, name="Nora Noshow")
    make_charge(partnership, agency=camden_agency, name="Wes Waived", waived=True)
    make_charge(partnership, agency=police, name="Pete Police")
    sign_in(coordinator)
    response = client.get(charges_url(partnership, **around(week_ago())))
    assert response.status_code == 200
    text = response.text
    assert "Nora Noshow" in text and "Working Together" in text
    assert govuk_date(week_ago()) in text
    totals = text[text.index('id="charge-totals"') : text.index("</table>")]
    camden_row = totals[totals.index("Camden Children") :].split("</tr>")[0]
    # £40 charged for Nora and £25 for Wes, whose charge is waived: £40 due.
    assert money(camden_row) == ["65.00", "25.00", "40.00"]
    assert money(totals[totals.index("All agencies") :]) == ["90.00", "25.00", "65.00"]


def test_the_default_range_is_the_current_financial_year():
    assert financial_year(datetime.date(2026, 11, 23)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )
    assert financial_year(datetime.date(2027, 3, 31)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )
    assert financial_year(datetime.date(2027, 4, 1))[0] == datetime.date(2027, 4, 1)


def test_without_dates_the_page_shows_the_financial_year_and_says_so(
    client, sign_in, coordinator, partnership, camden_agency
):
    start, end = financial_year(timezone.localdate())
    make_charge(partnership, agency=camden_agency, name="In The Year", day=start)
    make_charge(
        partnership,
        agency=camden_agency,
        name="Last Year",
        day=start - datetime.timedelta(days=1),
    )
    sign_in(coordinator)
    text = client.get(charges_url(partnership)).text
    assert "In The Year" in text
    assert "Last Year" not in text
    assert "(the current financial year)" in text
    assert f"from {start:%-d %B %Y} to {end:%-d %B %Y}" in text


def test_filtering_by_agency_lists_only_its_charges_and_totals(
    client, sign_in, coordinator, partnership, camden_agency, police
):
    make_charge(partnership, agency=camden_agency, name="Carla Camden")
    make_charge(partnership, agency=police, name="Pete Police", amount="30.00")
    sign_in(coordinator)
    text = client.get(charges_url(partnership, agency=police.pk, **around(week_ago()))).text
    assert "Pete Police" in text
    assert "Carla Camden" not in text
    totals = text[text.index('id="charge-totals"') :]
    assert "Camden Children" not in totals.split("</table>")[0]
    assert "£30.00" in totals


def test_a_date_range_leaves_out_other_sessions(
    client, sign_in, coordinator, partnership, camden_agency
):
    old = timezone.localdate() - datetime.timedelta(days=100)
    make_charge(partnership, agency=camden_agency, name="Old Absence", day=old)
    make_charge(partnership, agency=camden_agency, name="Recent Absence")
    sign_in(coordinator)
    text = client.get(charges_url(partnership, **around(week_ago()))).text
    assert "Recent Absence" in text and "Old Absence" not in text


def test_the_page_says_when_there_are_no_charges(client, sign_in, coordinator, partnership):
    sign_in(coordinator)
    assert "No charges for sessions in these dates." in client.get(charges_url(partnership)).text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.AGENCY_LEAD, Role.TRAINER])
def test_only_coordinators_see_charges(client, sign_in, member_with, partnership, role, police):
    charge = make_charge(partnership, agency=police, name="Pete Police")
    sign_in(member_with(role))
    assert client.get(charges_url(partnership)).status_code == 403
    assert client.get(csv_url(partnership)).status_code == 403
    assert client.post(waive_url(charge), {"reason": "x"}).status_code == 403
    assert Charge.objects.get(pk=charge.pk).waived is False


def test_the_sessions_page_and_a_closed_session_link_to_the_charges(
    client, sign_in, coordinator, partnership, camden_agency
):
    session, _ = closed_session_with_no_show(
        partnership, coordinator, agency=camden_agency, name="Nora Noshow"
    )
    sign_in(coordinator)
    index = client.get(reverse("sessions:index", kwargs={"code": partnership.code})).text
    assert charges_url(partnership) in index
    page = client.get(
        reverse("sessions:manage", kwargs={"code": partnership.code, "session_id": session.pk})
    ).text
    day = week_ago().isoformat()
    assert charges_url(partnership) + f"?session_from={day}&amp;session_to={day}" in page


def test_the_page_takes_the_same_queries_for_few_or_many_charges(
    client, sign_in, coordinator, partnership, camden_agency, police, django_assert_max_num_queries
):
    make_charge(partnership, agency=camden_agency, name="Only One")
    sign_in(coordinator)
    url = charges_url(partnership, **around(week_ago()))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for number in range(60):
        make_charge(
            partnership,
            agency=police if number % 2 else camden_agency,
            name=f"Person {number:02d}",
            waived=number % 3 == 0,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "61 charges" in response.text
    assert 'class="govuk-pagination' in response.text
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(url + "&page=2")
    assert second.text.count("Waive<span") + second.text.count('--grey">Waived<') == 11


# Waiving ----------------------------------------------------------------------------------


def test_waiving_with_a_reason_is_audited_and_lowers_what_is_due(
    client, sign_in, coordinator, partnership, camden_agency
):
    _, charge = closed_session_with_no_show(
        partnership, coordinator, agency=camden_agency, name="Nora Noshow"
    )
    sign_in(coordinator)
    reason = "Absent with notice the trainer did not record"
    response = client.post(waive_url(charge), {"reason": reason})
    assert response.status_code == 302
    assert response.url == charges_url(partnership)
    charge.refresh_from_db()
    assert charge.waived and charge.waived_reason == reason
    assert charge.waived_by == coordinator and charge.waived_at is not None
    event = AuditEvent.objects.get(subject_type="delivery.Charge", action="changed")
    assert event.changes["reason"] == reason and event.changes["waived"] == [False, True]
    assert event.actor_user_id == coordinator.pk
    text = client.get(charges_url(partnership, **around(week_ago()))).text
    assert "is waived" in text  # the success message
    totals = text[text.index('id="charge-totals"') : text.index("</table>")]
    overall = totals[totals.index("All agencies") :]
    assert money(overall) == ["40.00", "40.00", "0.00"]  # charged, waived, due
    assert reason in text


def test_waiving_without_a_reason_shows_the_error_beside_the_field(
    client, sign_in, coordinator, partnership, camden_agency
):
    charge = make_charge(partnership, agency=camden_agency, name="Nora Noshow")
    sign_in(coordinator)
    response = client.post(waive_url(charge), {"reason": "  "})
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert 'href="#id_reason">Enter why the charge is waived.' in text
    assert 'id="id_reason-error"' in text or "govuk-error-message" in text
    assert not Charge.objects.get(pk=charge.pk).waived
    assert not AuditEvent.objects.filter(subject_type="delivery.Charge").exists()


def test_a_waived_charge_cannot_be_waived_twice(coordinator, partnership, camden_agency):
    charge = make_charge(partnership, agency=camden_agency, name="Nora Noshow")
    waive_charge(charge=charge, waived_by=coordinator, reason="Known absence")
    stale = Charge.objects.get(pk=charge.pk)
    stale.waived = False  # as read by a second coordinator before the first waived it
    with pytest.raises(ServiceError, match=r"already waived on .*: Known absence"):
        waive_charge(charge=stale, waived_by=coordinator, reason="Another reason")
    assert Charge.objects.get(pk=charge.pk).waived_reason == "Known absence"
    assert AuditEvent.objects.filter(subject_type="delivery.Charge").count() == 1


def test_the_waive_page_of_a_waived_charge_says_when_and_why(
    client, sign_in, coordinator, partnership, camden_agency
):
    charge = make_charge(partnership, agency=camden_agency, name="Nora Noshow")
    waive_charge(charge=charge, waived_by=coordinator, reason="Known absence")
    sign_in(coordinator)
    text = client.get(waive_url(charge)).text
    assert "This charge was waived on" in text and "Known absence" in text
    assert "Waive the charge</button>" not in text
    again = client.post(waive_url(charge), {"reason": "Again"})
    assert "already waived" in again.text
    assert AuditEvent.objects.filter(subject_type="delivery.Charge").count() == 1


def test_after_waiving_the_list_comes_back_as_it_was_filtered(
    client, sign_in, coordinator, partnership, camden_agency
):
    charge = make_charge(partnership, agency=camden_agency, name="Nora Noshow")
    sign_in(coordinator)
    query = f"agency={camden_agency.pk}&session_from=2026-01-01&next=https://evil.example"
    page = client.get(charges_url(partnership, agency=camden_agency.pk, session_from="2026-01-01"))
    assert f"{waive_url(charge)}?agency={camden_agency.pk}&amp;session_from=2026-01-01" in page.text
    response = client.post(f"{waive_url(charge)}?{query}", {"reason": "Known absence"})
    assert response.url == charges_url(
        partnership, agency=camden_agency.pk, session_from="2026-01-01"
    )


# The CSV ----------------------------------------------------------------------------------


def test_the_csv_lists_the_filtered_charges_safe_from_formulas(
    client, sign_in, coordinator, partnership, camden_agency, police
):
    formula_agency = AgencyFactory.create(partnership=partnership, name="=HYPERLINK(1)")
    make_charge(partnership, agency=camden_agency, name="Carla Camden")
    make_charge(partnership, agency=formula_agency, name="+Plus Person", waived=True)
    make_charge(partnership, agency=police, name="Pete Police")
    sign_in(coordinator)
    response = client.get(csv_url(partnership, **around(week_ago())))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Agency",
        "Person",
        "Course",
        "Session date",
        "Kind",
        "Amount",
        "Waived",
        "Reason",
    ]
    by_person = {row[1]: row for row in rows[1:]}
    assert set(by_person) == {"Carla Camden", "'+Plus Person", "Pete Police"}
    waived = by_person["'+Plus Person"]
    assert waived[0] == "'=HYPERLINK(1)"
    assert waived[3] == week_ago().isoformat()
    assert waived[4:] == ["No-show", "25.00", "Yes", "Known absence"]
    assert by_person["Carla Camden"][6:] == ["No", ""]
    only_police = client.get(csv_url(partnership, agency=police.pk, **around(week_ago())))
    assert [row[1] for row in csv.reader(io.StringIO(only_police.content.decode()))][1:] == [
        "Pete Police"
    ]


# Kinds of charge and invoices per line manager ----------------------------------------------


def test_the_page_filters_by_kind_and_totals_each_agency(
    client, sign_in, coordinator, partnership, police
):
    make_charge(partnership, agency=police, name="Nora No-show", amount="40.00")
    delegate = make_charge(partnership, agency=police, name="Della Delegate", amount="100.00")
    Charge.objects.filter(pk=delegate.pk).update(kind=ChargeKind.DELEGATE)
    sign_in(coordinator)
    url = reverse("sessions:charges", kwargs={"code": partnership.code})
    every = client.get(url, around(week_ago()))
    assert every.context["totals"].overall.charged == Decimal("140.00")
    assert "Delegate place" in every.content.decode()
    only = client.get(url, {"kind": "delegate", **around(week_ago())})
    assert [c.booking.person.full_name for c in only.context["page"]] == ["Della Delegate"]
    assert only.context["totals"].agencies[0].charged == Decimal("100.00")


def test_the_csv_per_line_manager_names_each_persons_manager_first(
    client, sign_in, coordinator, partnership, police
):
    manager = PersonFactory.create(full_name="Alex Manager", agency=police)
    managed = make_charge(partnership, agency=police, name="Zed Managed")
    managed.booking.person.line_manager = manager
    managed.booking.person.save()
    make_charge(partnership, agency=police, name="Una Unmanaged")
    sign_in(coordinator)
    response = client.get(csv_url(partnership, per="line_manager", **around(week_ago())))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Line manager", "Agency", "Person"]
    assert {(row[0], row[2]) for row in rows[1:]} == {
        ("Alex Manager", "Zed Managed"),
        ("No line manager recorded", "Una Unmanaged"),
    }

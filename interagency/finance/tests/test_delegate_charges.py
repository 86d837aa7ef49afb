"""Delegate charges raised when a register closes: free places first, contributing
partners free, exempt agencies free, full and half days at the sector's rate."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.delivery.models import AttendanceOutcome, Charge, ChargeKind
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.finance import charging
from interagency.finance.agreements import Terms, add_agreement
from interagency.finance.models import Exemption, FreePlaces, FreePlaceUse
from interagency.finance.rules import financial_year_of
from interagency.finance.selectors import budget_summary
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.clock

A = AttendanceOutcome


def week_ago() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=7)


@pytest.fixture
def session(partnership):
    """One 7-hour day a week ago."""
    return SessionFactory.create(partnership=partnership, parts=1, parts__start=week_ago())


@pytest.fixture
def year(session):
    return financial_year_of(timezone.localtime(session.starts_at).date())


@pytest.fixture
def school(partnership):
    return AgencyFactory.create(partnership=partnership, name="Hill School", sector="education")


@pytest.fixture
def rates(partnership, coordinator):
    return charging.set_delegate_rate(
        partnership=partnership,
        sector="education",
        year=None,
        full_day=Decimal("100.00"),
        half_day=Decimal("50.00"),
        changed_by=coordinator,
    )


def attend(session, agency, name, coordinator, outcome=A.ATTENDED):
    booking = BookingFactory.create(
        session=session, person=PersonFactory.create(full_name=name, agency=agency)
    )
    record_attendance(booking=booking, outcome=outcome, recorded_by=coordinator)
    return booking


def delegate_charges():
    return {
        c.booking.person.full_name: c.amount
        for c in Charge.objects.filter(kind=ChargeKind.DELEGATE).select_related("booking__person")
    }


def test_closing_charges_each_attended_place_a_full_day_at_the_sectors_rate(
    session, school, rates, coordinator
):
    attend(session, school, "Ann Attended", coordinator)
    attend(session, school, "Pat Partly", coordinator, A.PARTLY)
    attend(session, school, "Abe Absent", coordinator, A.ABSENT_WITH_NOTICE)
    close_register(session=session, closed_by=coordinator)
    assert delegate_charges() == {
        "Ann Attended": Decimal("100.00"),
        "Pat Partly": Decimal("100.00"),
    }
    events = AuditEvent.objects.filter(subject_type="delivery.Charge")
    assert {event.changes["kind"] for event in events} == {"delegate"}


def test_a_part_of_four_hours_or_less_is_a_half_day(session, school, rates, coordinator):
    part = session.parts.get()
    part.ends_at = part.starts_at + datetime.timedelta(hours=3)
    part.save()
    attend(session, school, "Hal Half", coordinator)
    close_register(session=session, closed_by=coordinator)
    assert delegate_charges() == {"Hal Half": Decimal("50.00")}


def test_a_years_own_rate_wins_over_the_current_rates(
    session, school, rates, partnership, coordinator, year
):
    charging.set_delegate_rate(
        partnership=partnership,
        sector="education",
        year=year,
        full_day=Decimal("75.00"),
        half_day=Decimal("35.00"),
        changed_by=coordinator,
    )
    attend(session, school, "Yan Year", coordinator)
    close_register(session=session, closed_by=coordinator)
    assert delegate_charges() == {"Yan Year": Decimal("75.00")}


def test_free_places_are_drawn_first_then_places_are_charged(
    session, school, rates, partnership, coordinator, year
):
    add_agreement(
        partnership=partnership,
        year=year,
        terms=Terms(
            agency=school,
            trainer_days=Decimal("0.5"),
            earns=FreePlaces.PER_TRAINER_DAY,
            places_per_day=4,
        ),
        added_by=coordinator,
    )
    for name in ("One", "Two", "Three"):
        attend(session, school, name, coordinator)
    close_register(session=session, closed_by=coordinator)
    # Half a trainer day at 4 places a day earns 2 free places: the third place is charged.
    assert FreePlaceUse.objects.filter(agency=school, year=year).count() == 2
    assert delegate_charges() == {"Three": Decimal("100.00")}


def test_a_contributing_partner_with_free_attendance_is_never_charged(
    session, school, rates, partnership, coordinator, year
):
    add_agreement(
        partnership=partnership,
        year=year,
        terms=Terms(agency=school, amount=Decimal("5000.00"), earns=FreePlaces.UNLIMITED),
        added_by=coordinator,
    )
    for name in ("One", "Two", "Three"):
        attend(session, school, name, coordinator)
    close_register(session=session, closed_by=coordinator)
    assert delegate_charges() == {}
    assert FreePlaceUse.objects.filter(agency=school).count() == 3


def test_an_exempt_small_charity_is_not_charged(session, partnership, rates, coordinator):
    charity = AgencyFactory.create(partnership=partnership, sector="education")
    charging.exempt_agency(
        partnership=partnership,
        agency=charity,
        basis=Exemption.SMALL_CHARITY,
        note="",
        exempted_by=coordinator,
    )
    attend(session, charity, "Chas Charity", coordinator)
    close_register(session=session, closed_by=coordinator)
    assert delegate_charges() == {}


def test_a_no_show_keeps_its_no_show_charge_beside_delegate_charges(
    partnership, school, rates, coordinator
):
    session = SessionFactory.create(
        partnership=partnership, parts=1, parts__start=week_ago(), no_show_charge=Decimal("40")
    )
    attend(session, school, "Ann Attended", coordinator)
    attend(session, school, "Nat Noshow", coordinator, A.NO_SHOW)
    close_register(session=session, closed_by=coordinator)
    kinds = {c.booking.person.full_name: (c.kind, c.amount) for c in Charge.objects.all()}
    assert kinds == {
        "Ann Attended": (ChargeKind.DELEGATE, Decimal("100.00")),
        "Nat Noshow": (ChargeKind.NO_SHOW, Decimal("40.00")),
    }


def test_delegate_charges_count_as_delegate_charge_income_in_the_budget(
    session, school, rates, partnership, coordinator, year
):
    attend(session, school, "Ann Attended", coordinator)
    close_register(session=session, closed_by=coordinator)
    actual = {row.category.value: row.actual for row in budget_summary(partnership, year).income}
    assert actual["delegate_charges"] == Decimal("100.00")
    assert actual["no_show_charges"] == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-1.00", "cannot be negative"), ("10.005", "no more than 2 decimal places")],
)
def test_a_rate_negative_or_of_three_decimals_is_refused_naming_the_field(
    partnership, coordinator, amount, words
):
    with pytest.raises(ServiceError) as refused:
        charging.set_delegate_rate(
            partnership=partnership,
            sector="health",
            year=None,
            full_day=Decimal(amount),
            half_day=Decimal("1.00"),
            changed_by=coordinator,
        )
    assert refused.value.field == "full_day"
    assert "full-day rate" in refused.value.message
    assert words in refused.value.message


@pytest.mark.django_db(transaction=True)
def test_two_registers_closing_at_once_draw_the_last_free_place_once(
    school, rates, partnership, coordinator, year
):
    """Each close runs in its own thread and connection; on PostgreSQL they truly overlap
    (SQLite's writers take turns, so there the race cannot happen)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL runs two closes at once (DATABASE_URL=postgres://...)")
    add_agreement(
        partnership=partnership,
        year=year,
        terms=Terms(
            agency=school,
            trainer_days=Decimal("0.5"),
            earns=FreePlaces.PER_TRAINER_DAY,
            places_per_day=2,
        ),
        added_by=coordinator,
    )
    sessions = [
        SessionFactory.create(partnership=partnership, parts=1, parts__start=week_ago())
        for _ in range(2)
    ]
    for number, each in enumerate(sessions):
        attend(each, school, f"Learner {number}", coordinator)
    start = threading.Barrier(2)

    def close(each) -> None:
        try:
            start.wait()
            close_register(session=each, closed_by=coordinator)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(each,)) for each in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Half a trainer day at 2 places a day earns one free place: one of the two
    # places is free, the other charged, whichever register closed first.
    assert FreePlaceUse.objects.filter(agency=school, year=year).count() == 1
    assert sorted(delegate_charges().values()) == [Decimal("100.00")]

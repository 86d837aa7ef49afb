"""The coordinator's session pages through the test client."""

import datetime
import re
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import (
    BookingStatus,
    DeliverySettings,
    Session,
    SessionFormat,
    Venue,
)
from interagency.delivery.tests.factories import BookingFactory, SessionFactory, VenueFactory
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.clock

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def course(partnership):
    course = CourseFactory.create(title="Working Together")
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    return course


@pytest.fixture
def venue(partnership):
    return VenueFactory.create(partnership=partnership, name="Crowndale Centre")


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"sessions:{name}", kwargs={"code": partnership.code, **kwargs})


def date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def session_post(course, venue, day: datetime.date, **extra) -> dict[str, str]:
    data = {
        "parts": "1",
        "holds": "1",
        "course": str(course.pk),
        "format": SessionFormat.IN_PERSON,
        "venue": str(venue.pk),
        "capacity": "20",
        "minimum_numbers": "8",
        "save": "1",
        **date_fields("part-0-day", day),
        "part-0-starts": "09:30",
        "part-0-ends": "16:30",
    }
    data.update(extra)
    return data


def summary(response) -> list[str]:
    """The messages of the page's error summary."""
    html = response.content.decode()
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r"<a [^>]*>([^<]*)</a>", block.group(1)) if block else []


def soon(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# The Sessions area ------------------------------------------------------------------------


@pytest.mark.django_db
def test_learner_sees_the_ways_in_not_the_table(client, sign_in, partnership, member_with):
    sign_in(member_with(Role.LEARNER))
    response = client.get(url("index", partnership))
    assert response.status_code == 200
    assert url("list", partnership) in response.text
    assert url("my-bookings", partnership) in response.text
    assert "Add a session" not in response.text


@pytest.mark.django_db
def test_coordinator_table_filters_and_fixed_queries(
    coordinator_client, partnership, course, venue, django_assert_max_num_queries
):
    other = CourseFactory.create(title="Neglect", tier=course.tier)
    SessionFactory.create(partnership=partnership, course=course, venue=venue)
    SessionFactory.create(partnership=partnership, course=other, venue=venue)
    past = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=soon(-30)
    )
    with django_assert_max_num_queries(20):
        response = coordinator_client.get(url("index", partnership))
    assert response.status_code == 200
    assert "2 sessions from today" in response.text
    assert url("manage", partnership, session_id=past.pk) not in response.text
    # The coordinator finds the outbox and the wording of the emails from here.
    assert reverse("notifications:outbox", kwargs={"code": partnership.code}) in response.text
    assert reverse("notifications:templates", kwargs={"code": partnership.code}) in response.text
    for _ in range(30):
        SessionFactory.create(partnership=partnership, course=course, venue=venue)
    with django_assert_max_num_queries(20):
        response = coordinator_client.get(url("index", partnership), {"course": other.pk})
    assert "1 session" in response.text and "Neglect" in response.text
    response = coordinator_client.get(
        url("index", partnership), {"starts_from": soon(-40).isoformat()}
    )
    assert url("manage", partnership, session_id=past.pk) in response.text
    response = coordinator_client.get(url("index", partnership), {"course": "999999"})
    assert "Choose a course from the list." in summary(response)


@pytest.mark.django_db
def test_table_counts_each_sessions_bookings_in_the_same_queries_however_many(
    coordinator_client, partnership, course, venue, django_assert_max_num_queries
):
    agency = AgencyFactory.create(partnership=partnership, sector=Sector.HEALTH)
    people = PersonFactory.create_batch(5, partnership=partnership, agency=agency)

    def session_with_bookings(days: int) -> None:
        session = SessionFactory.create(
            partnership=partnership, course=course, venue=venue, parts__start=soon(days)
        )
        statuses = [
            BookingStatus.CONFIRMED,
            BookingStatus.WAITING,
            BookingStatus.WAITING,
            BookingStatus.AWAITING_APPROVAL,
            BookingStatus.CANCELLED,
        ]
        for person, status in zip(people, statuses, strict=True):
            BookingFactory.create(
                session=session, person=person, status=status, waiting_since=timezone.now()
            )

    for days in range(10, 13):
        session_with_bookings(days)
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url("index", partnership))
    assert "3 sessions from today" in response.text
    # Waiting: the two waiting bookings, not the confirmed, awaiting or cancelled ones.
    assert len(re.findall(r'numeric">2</td>', response.text)) == 3
    assert response.text.count("1 awaiting approval") == 3
    for days in range(13, 43):
        session_with_bookings(days)
    for page in ("1", "2"):
        with django_assert_max_num_queries(12):
            response = coordinator_client.get(url("index", partnership), {"page": page})
        assert "33 sessions from today" in response.text
        rows = 25 if page == "1" else 8
        assert len(re.findall(r'numeric">2</td>', response.text)) == rows
        assert response.text.count("1 awaiting approval") == rows


@pytest.mark.django_db
def test_table_shows_waiting_count_and_warnings(coordinator_client, partnership, course, venue):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=soon(3)
    )
    BookingFactory.create(
        session=session, status=BookingStatus.WAITING, waiting_since=timezone.now()
    )
    response = coordinator_client.get(url("index", partnership))
    assert "Only 0 of the minimum 8 places are booked" in response.text
    assert re.search(r'numeric">\s*1\s*</td>', response.text)


# Creating and changing ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("day", [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)])
def test_create_a_session_on_a_clock_change_day(
    coordinator_client, partnership, course, venue, day
):
    response = coordinator_client.post(
        url("session-new", partnership), session_post(course, venue, day)
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("manage", partnership, session_id=session.pk)
    part = session.parts.get()
    assert part.starts_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == f"{day} 09:30"
    assert part.ends_at.astimezone(LONDON).strftime("%H:%M") == "16:30"
    page = coordinator_client.get(response["Location"])
    assert f"Sunday {day.day} {day:%B} 2026, 9:30am to 4:30pm" in page.text
    edit = coordinator_client.get(url("session-edit", partnership, session_id=session.pk))
    assert 'value="09:30"' in edit.text


@pytest.mark.django_db
def test_add_another_part_without_javascript(coordinator_client, partnership, course, venue):
    data = session_post(course, venue, soon())
    del data["save"]
    data["add_part"] = "1"
    response = coordinator_client.post(url("session-new", partnership), data)
    assert response.status_code == 200
    assert summary(response) == []
    assert "Part 2" in response.text and 'name="part-1-starts"' in response.text
    assert 'value="09:30"' in response.text
    assert not Session.objects.exists()
    day = soon()
    data.update(
        {
            "parts": "2",
            **date_fields("part-1-day", day + datetime.timedelta(days=7)),
            "part-1-starts": "14:00",
            "part-1-ends": "13:00",
            "save": "1",
        }
    )
    del data["add_part"]
    response = coordinator_client.post(url("session-new", partnership), data)
    assert summary(response) == ["The end time of part 2 must be after its start time."]
    assert 'href="#id_part-1-ends"' in response.text
    data["part-1-ends"] = "17:00"
    response = coordinator_client.post(url("session-new", partnership), data)
    assert response.status_code == 302
    assert Session.objects.get().parts.count() == 2


@pytest.mark.django_db
def test_every_mistake_is_in_the_error_summary(coordinator_client, partnership, course, venue):
    day = soon()
    data = session_post(
        course,
        venue,
        day,
        format=SessionFormat.ONLINE,
        capacity="10",
        minimum_numbers="12",
        **date_fields("booking_opens_on", day),
        **date_fields("booking_closes_on", day - datetime.timedelta(days=3)),
        **{"part-0-starts": "9.3x"},
    )
    response = coordinator_client.post(url("session-new", partnership), data)
    assert response.status_code == 200
    assert response.text.count("govuk-error-summary__list") == 1
    assert summary(response) == [
        "Enter the joining link for an online session.",
        "Minimum numbers must not be more than the capacity.",
        "Booking must close on or after the day it opens.",
        "Enter the start time of part 1 in the 24-hour clock, like 09:30.",
    ]
    assert response.context["errors"][0][0] == "id_joining_link"
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_time_the_clocks_skip_is_refused(coordinator_client, partnership, course, venue):
    data = session_post(course, venue, datetime.date(2026, 3, 29), **{"part-0-starts": "01:30"})
    response = coordinator_client.post(url("session-new", partnership), data)
    assert summary(response) == [
        "Start time of part 1: There is no 1:30am on 29 March 2026: the clocks go forward "
        "at 1am. Choose a time before 1am or from 2am."
    ]
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_time_the_clocks_repeat_is_refused_until_the_coordinator_says_which(
    coordinator_client, partnership, course, venue
):
    data = session_post(
        course,
        venue,
        datetime.date(2026, 10, 25),
        **{"part-0-starts": "00:30", "part-0-ends": "01:15"},
    )
    response = coordinator_client.post(url("session-new", partnership), data)
    assert summary(response) == [
        "End time of part 1: 1:15am on 25 October 2026 happens twice: the clocks go back at "
        "2am to 1am. Choose a time before 1am or from 2am. Or say which one you mean below."
    ]
    assert 'href="#id_part-0-ends"' in response.text
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_create_with_trainers_hold_and_rules(
    coordinator_client, partnership, course, venue, member_with
):
    trainer = member_with(Role.TRAINER)
    day = soon()
    data = session_post(
        course,
        venue,
        day,
        trainers=[str(trainer.pk)],
        trainer_name="Dr Sam Lee",
        provider_name="Acme Training",
        max_agency_share="30",
        regional_places="4",
        no_show_charge="45.50",
        **{"hold-0-sector": Sector.POLICE, "hold-0-places": "3"},
        **date_fields("hold-0-until", day - datetime.timedelta(days=14)),
        **date_fields("cancellation_cutoff_on", day - datetime.timedelta(days=7)),
    )
    response = coordinator_client.post(url("session-new", partnership), data)
    assert response.status_code == 302, summary(response)
    session = Session.objects.get()
    assert session.max_agency_share == 30 and session.regional_places == 4
    assert session.no_show_charge == Decimal("45.50")
    assert session.cancellation_cutoff is not None
    assert session.cancellation_cutoff.astimezone(LONDON) == datetime.datetime.combine(
        day - datetime.timedelta(days=6), datetime.time(), tzinfo=LONDON
    )
    assert {t.name for t in session.trainers.all()} == {
        trainer.full_name or trainer.email,
        "Dr Sam Lee",
    }
    assert session.sector_holds.get().places == 3
    page = coordinator_client.get(response["Location"])
    assert "3 places held for Police" in page.text
    assert "Dr Sam Lee (Acme Training)" in page.text


@pytest.mark.django_db
def test_edit_refuses_capacity_below_places_taken(coordinator_client, partnership, course, venue):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, capacity=10
    )
    Session.objects.filter(pk=session.pk).update(places_taken=7)
    form = coordinator_client.get(url("session-edit", partnership, session_id=session.pk))
    assert form.status_code == 200
    day = session.starts_at.astimezone(LONDON).date()
    data = session_post(course, venue, day, capacity="5", minimum_numbers="0")
    response = coordinator_client.post(
        url("session-edit", partnership, session_id=session.pk), data
    )
    assert summary(response) == ["The capacity cannot be less than the 7 places already taken."]
    with mock.patch("interagency.delivery.notices.session_changed") as changed:
        data.update({"capacity": "12", "part-0-starts": "10:00"})
        response = coordinator_client.post(
            url("session-edit", partnership, session_id=session.pk), data
        )
    assert response.status_code == 302
    changed.assert_called_once()
    session.refresh_from_db()
    assert (session.capacity, session.sequence) == (12, 1)
    assert session.starts_at.astimezone(LONDON).strftime("%H:%M") == "10:00"


@pytest.mark.django_db
def test_learner_may_not_add_a_session(client, sign_in, partnership, member_with):
    sign_in(member_with(Role.LEARNER, Role.TRAINER))
    assert client.get(url("session-new", partnership)).status_code == 403
    assert client.get(url("venues", partnership)).status_code == 403


# The session page ------------------------------------------------------------------------


def book(session, count: int, agency, **kwargs):
    for _ in range(count):
        BookingFactory.create(session=session, person=PersonFactory.create(agency=agency), **kwargs)


@pytest.mark.django_db
def test_session_page_shows_bookings_waiting_list_and_mix(
    coordinator_client, partnership, course, venue
):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, capacity=6, max_agency_share=30
    )
    police = AgencyFactory.create(partnership=partnership, name="Met Police", sector=Sector.POLICE)
    school = AgencyFactory.create(
        partnership=partnership, name="Hill School", sector=Sector.EDUCATION
    )
    book(session, 4, police)
    book(session, 1, school)
    late = BookingFactory.create(
        session=session,
        person=PersonFactory.create(agency=school, full_name="Lee Late"),
        status=BookingStatus.CANCELLED,
        is_late_cancellation=True,
    )
    start = timezone.now()
    first = BookingFactory.create(
        session=session,
        person=PersonFactory.create(agency=school, full_name="Wendy First"),
        status=BookingStatus.WAITING,
        waiting_since=start,
    )
    BookingFactory.create(
        session=session,
        person=PersonFactory.create(agency=school, full_name="Will Second"),
        status=BookingStatus.WAITING,
        waiting_since=start + datetime.timedelta(minutes=5),
    )
    response = coordinator_client.get(url("manage", partnership, session_id=session.pk))
    text = response.text
    assert response.status_code == 200
    assert late.person.full_name in text and "Late cancellation" in text
    assert text.index("Wendy First") < text.index("Will Second")
    assert first.person.full_name in text
    assert "80%" in text  # Met Police: 4 of the 5 places held
    assert "more than half of the room is one sector" in text
    assert "Met Police holds 4 places, more than its 30% share" in text
    assert url("session-cancel", partnership, session_id=session.pk) in text
    # A live booking can be cancelled from here; a cancelled one cannot.
    assert url("booking-cancel", partnership, booking_id=first.pk) in text
    assert url("booking-cancel", partnership, booking_id=late.pk) not in text
    cancel_page = coordinator_client.get(url("booking-cancel", partnership, booking_id=first.pk))
    assert cancel_page.status_code == 200


@pytest.mark.django_db
def test_session_page_queries_do_not_grow_with_bookings(
    coordinator_client, partnership, course, venue, django_assert_max_num_queries
):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, capacity=250
    )
    agencies = [AgencyFactory.create(partnership=partnership, sector=s) for s in Sector.values[:4]]
    for agency in agencies:
        book(session, 1, agency)
    pages = [
        url(name, partnership, session_id=session.pk)
        for name in ("manage", "session-edit", "session-cancel")
    ]
    few = {}
    for page in pages:
        with django_assert_max_num_queries(16) as counted:
            coordinator_client.get(page)
        few[page] = len(counted.captured_queries)
    for index in range(200):
        book(session, 1, agencies[index % 4])
    for page in pages:
        with django_assert_max_num_queries(few[page]):
            response = coordinator_client.get(page)
        if page == pages[0]:
            assert response.text.count("govuk-table__row") > 200
        else:
            assert response.status_code == 200


# Cancelling --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_offers_alternatives_and_tells_everyone(
    coordinator_client, partnership, course, venue
):
    session = SessionFactory.create(partnership=partnership, course=course, venue=venue)
    later = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=soon(60)
    )
    SessionFactory.create(partnership=partnership, venue=venue)  # another course: not offered
    booking = BookingFactory.create(session=session)
    page = url("session-cancel", partnership, session_id=session.pk)
    response = coordinator_client.get(page)
    assert "1 person is booked or waiting" in response.text
    assert response.text.count('name="alternatives"') == 1
    response = coordinator_client.post(page, {"reason": ""})
    assert summary(response) == ["Enter the reason for cancelling the session."]
    with mock.patch("interagency.delivery.notices.session_cancelled") as cancelled:
        response = coordinator_client.post(
            page, {"reason": "Trainer unwell", "alternatives": [str(later.pk)]}
        )
    assert response.status_code == 302
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert booking.status == BookingStatus.SESSION_CANCELLED
    assert cancelled.call_args.args[1] == [later]
    page_after = coordinator_client.get(response["Location"])
    assert "Trainer unwell" in page_after.text and "Change the session" not in page_after.text
    assert coordinator_client.get(page).status_code == 302


# Venues and settings ------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_and_change_a_venue(coordinator_client, partnership, venue):
    response = coordinator_client.post(
        url("venue-new", partnership), {"name": "crowndale centre", "address": "Somewhere"}
    )
    assert summary(response) == ["The partnership already has a venue with this name."]
    response = coordinator_client.post(
        url("venue-new", partnership),
        {"name": "Town Hall", "address": "Judd Street", "postcode": "wc1h 9je", "parking": "None"},
    )
    assert response.status_code == 302
    added = Venue.objects.get(name="Town Hall")
    assert added.postcode == "WC1H 9JE"
    edit = url("venue-edit", partnership, venue_id=added.pk)
    assert "Judd Street" in coordinator_client.get(edit).text
    response = coordinator_client.post(
        edit, {"name": "Town Hall", "address": "Judd Street", "refreshments": "Tea"}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.refreshments == "Tea"
    assert "Town Hall" in coordinator_client.get(url("venues", partnership)).text
    assert AuditEvent.objects.filter(subject_type="delivery.Venue").count() == 2


@pytest.mark.django_db
def test_booking_settings(coordinator_client, partnership):
    page = url("settings", partnership)
    assert coordinator_client.get(page).status_code == 200
    data = {
        "requires_manager_approval": "yes",
        "waiting_list_mode": "auto",
        "offer_hours": "400",
        "reminder_days": "5",
        "default_no_show_charge": "30",
    }
    response = coordinator_client.post(page, data)
    assert summary(response) == ["An offer must stay open between 1 hour and 14 days (336 hours)."]
    data["offer_hours"] = "24"
    assert coordinator_client.post(page, data).status_code == 302
    settings = DeliverySettings.objects.get(partnership=partnership)
    assert settings.requires_manager_approval is True
    assert (settings.waiting_list_mode, settings.offer_hours) == ("auto", 24)
    assert settings.default_no_show_charge == Decimal("30")


@pytest.mark.django_db
def test_saving_the_form_keeps_trainers_it_does_not_show(
    coordinator_client, coordinator, partnership, course, venue
):
    from interagency.delivery.services.sessions import TrainerEntry, update_session

    session = SessionFactory.create(partnership=partnership, course=course, venue=venue)
    update_session(
        session=session,
        changed_by=coordinator,
        trainers=[TrainerEntry(name="Ann One", provider_name="Acme"), TrainerEntry(name="Bo Two")],
    )
    edit = url("session-edit", partnership, session_id=session.pk)
    assert "Also delivering (unchanged here): Bo Two." in coordinator_client.get(edit).text
    day = session.starts_at.astimezone(LONDON).date()
    data = session_post(course, venue, day, trainer_name="Ann Changed", provider_name="Acme")
    assert coordinator_client.post(edit, data).status_code == 302
    assert sorted(session.trainers.values_list("name", flat=True)) == ["Ann Changed", "Bo Two"]


@pytest.mark.django_db
def test_clearing_a_part_removes_it(coordinator_client, partnership, course, venue):
    session = SessionFactory.create(partnership=partnership, course=course, venue=venue, parts=2)
    first = session.starts_at.astimezone(LONDON).date()
    data = session_post(course, venue, first, parts="2")
    data.update({"part-1-day_0": "", "part-1-day_1": "", "part-1-day_2": ""})
    data.update({"part-1-starts": "", "part-1-ends": ""})
    response = coordinator_client.post(
        url("session-edit", partnership, session_id=session.pk), data
    )
    assert response.status_code == 302
    assert session.parts.count() == 1


@pytest.mark.django_db
def test_cancel_page_of_a_started_session_sends_back(
    coordinator_client, partnership, course, venue
):
    session = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=soon(-1)
    )
    page = url("session-cancel", partnership, session_id=session.pk)
    response = coordinator_client.post(page, {"reason": "Too late"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    assert url("session-cancel", partnership, session_id=session.pk) not in (
        coordinator_client.get(response["Location"]).text
    )


@pytest.mark.django_db
def test_a_repeated_time_is_kept_once_the_coordinator_says_which_one(
    coordinator_client, partnership, course, venue
):
    data = session_post(
        course,
        venue,
        datetime.date(2026, 10, 25),
        **{"part-0-starts": "01:30", "part-0-ends": "03:00"},
    )
    asked = coordinator_client.post(url("session-new", partnership), data)
    assert "Or say which one you mean below." in asked.text
    assert "which one do you mean?" in asked.text
    assert not Session.objects.exists()

    response = coordinator_client.post(
        url("session-new", partnership), {**data, "part-0-repeated": "second"}
    )
    assert response.status_code == 302
    part = Session.objects.get().parts.get()
    # The second 1:30am is in Greenwich Mean Time: 01:30 UTC.
    assert part.starts_at == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)
    assert part.ends_at - part.starts_at == datetime.timedelta(hours=1, minutes=30)

    # Changing the session shows the choice made, and saving it keeps the same instant.
    session = Session.objects.get()
    edit = coordinator_client.get(url("session-edit", partnership, session_id=session.pk))
    assert re.search(r'value="second"[^>]*checked', edit.text)
    saved = coordinator_client.post(url("session-edit", partnership, session_id=session.pk), data)
    assert saved.status_code == 200  # without the choice, the form asks again
    coordinator_client.post(
        url("session-edit", partnership, session_id=session.pk),
        {**data, "part-0-repeated": "second"},
    )
    assert session.parts.get().starts_at == part.starts_at

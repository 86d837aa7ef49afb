"""The learner's pages: finding sessions (list, calendar, regional), booking oneself or a team,
the waiting list, cancelling, offers, approvals, and fixed query counts."""

import datetime
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus, Session, SessionFormat
from interagency.delivery.services import bookings as booking_services
from interagency.delivery.tests.factories import (
    BookingFactory,
    DeliverySettingsFactory,
    SessionFactory,
    VenueFactory,
)
from interagency.people.models import Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory

pytestmark = pytest.mark.clock


def url(name: str, partnership, **kwargs: Any) -> str:
    return reverse(f"sessions:{name}", kwargs={"code": partnership.code, **kwargs})


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def framework(partnership):
    return AdoptionFactory.create(partnership=partnership).framework


@pytest.fixture
def course(framework):
    return CourseFactory.create(tier__framework=framework, title="Working together")


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Whittington Health")


@pytest.fixture
def learner(member_with, agency) -> tuple[Any, Person]:
    """A member with the learner role and their own person record."""
    user = member_with(Role.LEARNER)
    person = cast(Person, PersonFactory.create(agency=agency, user=user, full_name="Lee Learner"))
    return user, person


def session_of(partnership, course, **fields: Any) -> Session:
    start = fields.pop("start", in_days(14))
    return cast(
        Session,
        SessionFactory.create(partnership=partnership, course=course, parts__start=start, **fields),
    )


# The list and its filters --------------------------------------------------------------


def test_the_list_filters_by_course_tier_place_format_and_dates(
    partnership, framework, course, client, sign_in, learner
):
    other_course = CourseFactory.create(tier__framework=framework, title="Neglect in practice")
    hall = VenueFactory.create(partnership=partnership, name="Crowndale Centre")
    near = session_of(partnership, course, start=in_days(10))
    far = session_of(partnership, course, start=in_days(60), venue=hall)
    online = session_of(
        partnership,
        other_course,
        start=in_days(20),
        format=SessionFormat.ONLINE,
        venue=None,
        joining_link="https://meet.example/x",
    )
    session_of(partnership, course, start=in_days(-3))  # started: not upcoming
    SessionFactory.create(partnership=partnership, course=course, status=Session.Status.CANCELLED)
    sign_in(learner[0])

    def listed(**params: Any) -> set[int]:
        response = client.get(url("list", partnership), params)
        assert response.status_code == 200
        return {
            pk
            for pk in (near.pk, far.pk, online.pk)
            if url("detail", partnership, session_id=pk) in response.text
        }

    assert listed() == {near.pk, far.pk, online.pk}
    assert listed(course=other_course.pk) == {online.pk}
    assert listed(tier=other_course.tier_id) == {online.pk}
    assert listed(venue=hall.pk) == {far.pk}
    assert listed(format="online") == {online.pk}
    to = in_days(30)
    assert listed(date_to_0=to.day, date_to_1=to.month, date_to_2=to.year) == {near.pk, online.pk}
    start = in_days(15)
    assert listed(date_from_0=start.day, date_from_1=start.month, date_from_2=start.year) == {
        far.pk,
        online.pk,
    }
    response = client.get(url("list", partnership))
    assert "Online" in response.text and "Crowndale Centre" in response.text
    assert "Neglect in practice" in response.text


def test_a_full_session_says_join_the_waiting_list_and_bad_filters_are_named(
    partnership, course, client, sign_in, learner
):
    full = session_of(partnership, course, capacity=1)
    Session.objects.filter(pk=full.pk).update(places_taken=1)
    sign_in(learner[0])
    response = client.get(url("list", partnership))
    assert "Full – join the waiting list" in response.text
    start, end = in_days(20), in_days(10)
    response = client.get(
        url("list", partnership),
        {
            "date_from_0": start.day,
            "date_from_1": start.month,
            "date_from_2": start.year,
            "date_to_0": end.day,
            "date_to_1": end.month,
            "date_to_2": end.year,
            "venue": "999999",
        },
    )
    assert "There is a problem" in response.text
    assert "The ‘To’ date must be the same as or after the ‘From’ date." in response.text
    assert "Choose a place from the list." in response.text


def test_the_list_shows_regional_places_of_the_region_only(
    partnership, course, client, sign_in, learner
):
    neighbour = PartnershipFactory.create(name="Islington Partnership")
    faraway = PartnershipFactory.create(region=RegionFactory.create(code="north-west", name="NW"))
    opened = session_of(neighbour, course, regional_places=4)
    closed = session_of(neighbour, course, regional_places=0)
    elsewhere = session_of(faraway, course, regional_places=4)
    sign_in(learner[0])
    response = client.get(url("list", partnership))
    assert "Other partnerships in your region" in response.text
    assert url("detail", partnership, session_id=opened.pk) in response.text
    assert "Run by Islington Partnership" in response.text
    assert url("detail", partnership, session_id=closed.pk) not in response.text
    assert url("detail", partnership, session_id=elsewhere.pk) not in response.text
    # The regional session's page is open to the learner; the closed one is a 404.
    assert client.get(url("detail", partnership, session_id=opened.pk)).status_code == 200
    assert client.get(url("detail", partnership, session_id=closed.pk)).status_code == 404
    assert client.get(url("detail", partnership, session_id=elsewhere.pk)).status_code == 404


def test_htmx_gets_only_the_results(partnership, course, client, sign_in, learner):
    session_of(partnership, course)
    sign_in(learner[0])
    response = client.get(url("list", partnership), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="session-results"' in response.text
    assert "<html" not in response.text


# The calendar ---------------------------------------------------------------------------


def test_the_calendar_shows_a_month_with_links_and_moves_between_months(
    partnership, course, client, sign_in, learner
):
    first_of_next = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(
        day=1
    )
    in_month = session_of(partnership, course, start=first_of_next + datetime.timedelta(days=9))
    next_month = (first_of_next + datetime.timedelta(days=32)).replace(day=1)
    later = session_of(partnership, course, start=next_month + datetime.timedelta(days=2))
    sign_in(learner[0])
    month = f"{first_of_next:%Y-%m}"
    response = client.get(url("list", partnership), {"view": "calendar", "month": month})
    text = response.text
    assert response.status_code == 200
    assert f"{first_of_next:%B %Y}: 1 session" in text
    assert url("detail", partnership, session_id=in_month.pk) in text
    assert url("detail", partnership, session_id=later.pk) not in text
    assert "9:30am Working together" in text
    assert f"month={next_month:%Y-%m}" in text
    previous = (first_of_next - datetime.timedelta(days=1)).replace(day=1)
    assert f"month={previous:%Y-%m}" in text
    # Seven day columns with the days named for screen readers.
    assert text.count('<th scope="col" class="govuk-table__header"><abbr') == 7
    response = client.get(url("list", partnership), {"view": "calendar", "month": "13-2026"})
    assert "is not a month" in response.text


# One session and booking oneself ---------------------------------------------------------


def test_a_learner_books_a_place_and_sees_it_confirmed(
    partnership, course, client, sign_in, learner
):
    user, person = learner
    session = session_of(partnership, course)
    sign_in(user)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "Book a place" in page.text
    assert "Step-free access" in page.text
    response = client.post(url("book", partnership, session_id=session.pk), follow=True)
    assert "You are booked on this session" in response.text
    booking = Booking.objects.get(person=person)
    assert booking.status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 1
    assert "Book a place" not in response.text  # already booked
    mine = client.get(url("my-bookings", partnership))
    assert "Confirmed" in mine.text and "Working together" in mine.text
    listed = client.get(url("list", partnership))
    assert 'You: <strong class="govuk-tag govuk-tag--green">Confirmed</strong>' in listed.text


def test_the_joining_link_is_shown_only_to_a_confirmed_attendee(
    partnership, course, client, sign_in, learner
):
    user, person = learner
    session = session_of(
        partnership,
        course,
        format=SessionFormat.ONLINE,
        venue=None,
        joining_link="https://meet.example/secret-room",
    )
    sign_in(user)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "secret-room" not in page.text
    BookingFactory.create(session=session, person=person)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "https://meet.example/secret-room" in page.text


def test_a_full_session_puts_the_learner_on_the_waiting_list(
    partnership, course, client, sign_in, learner, member_with, agency
):
    user, person = learner
    session = session_of(partnership, course, capacity=1)
    for _ in range(2):  # one takes the place, one waits ahead of the learner
        booking_services.book_place(
            session=session, person=PersonFactory.create(agency=agency), booked_by=None
        )
    sign_in(user)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "Join the waiting list" in page.text
    response = client.post(url("book", partnership, session_id=session.pk), follow=True)
    assert "on the waiting list" in response.text
    assert Booking.objects.get(person=person).status == BookingStatus.WAITING
    mine = client.get(url("my-bookings", partnership))
    assert "Number 2 on the waiting list" in mine.text


def test_a_refused_booking_shows_the_reason_and_changes_nothing(
    partnership, course, client, sign_in, learner
):
    user, _ = learner
    closed = session_of(
        partnership, course, booking_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    sign_in(user)
    response = client.post(url("book", partnership, session_id=closed.pk))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Booking for this session closed at" in response.text
    assert not Booking.objects.exists()
    closed.refresh_from_db()
    assert closed.places_taken == 0


def test_a_member_without_a_person_record_is_told_why_they_cannot_book(
    partnership, course, client, sign_in, member_with
):
    user = member_with(Role.LEARNER)
    session = session_of(partnership, course)
    sign_in(user)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "Book a place" not in page.text
    assert "no staff record" in page.text or "need a staff record" in page.text
    response = client.post(url("book", partnership, session_id=session.pk))
    assert response.status_code == 200 and "no staff record" in response.text
    assert not Booking.objects.exists()


# Cancelling and offers -------------------------------------------------------------------


def test_cancelling_asks_first_then_frees_the_place(partnership, course, client, sign_in, learner):
    user, person = learner
    session = session_of(partnership, course)
    booking = booking_services.book_place(session=session, person=person, booked_by=user)
    sign_in(user)
    page = client.get(url("booking-cancel", partnership, booking_id=booking.pk))
    assert page.status_code == 200 and "Cancel your booking" in page.text
    assert "late cancellation" not in page.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    response = client.post(
        url("booking-cancel", partnership, booking_id=booking.pk), {"reason": "Rota clash"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and not booking.is_late_cancellation
    assert session.places_taken == 0


def test_cancelling_after_the_cut_off_warns_that_it_is_late(
    partnership, course, client, sign_in, learner
):
    user, person = learner
    session = session_of(
        partnership, course, cancellation_cutoff=timezone.now() - datetime.timedelta(days=1)
    )
    booking = booking_services.book_place(session=session, person=person, booked_by=user)
    sign_in(user)
    page = client.get(url("booking-cancel", partnership, booking_id=booking.pk))
    assert "This is a late cancellation" in page.text
    client.post(url("booking-cancel", partnership, booking_id=booking.pk))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.is_late_cancellation


def test_nobody_cancels_someone_elses_booking(
    partnership, course, client, sign_in, learner, agency
):
    user, _ = learner
    session = session_of(partnership, course)
    other = PersonFactory.create(agency=agency)
    booking = booking_services.book_place(session=session, person=other, booked_by=None)
    sign_in(user)
    assert client.get(url("booking-cancel", partnership, booking_id=booking.pk)).status_code == 404
    assert client.post(url("booking-cancel", partnership, booking_id=booking.pk)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_learner_accepts_an_offered_place(partnership, course, client, sign_in, learner):
    user, person = learner
    session = session_of(partnership, course, capacity=1)
    Session.objects.filter(pk=session.pk).update(places_taken=1)
    deadline = timezone.now() + datetime.timedelta(hours=20)
    booking = BookingFactory.create(
        session=session,
        person=person,
        status=BookingStatus.OFFERED,
        confirmed_at=None,
        offered_at=timezone.now(),
        offer_expires_at=deadline,
    )
    sign_in(user)
    mine = client.get(url("my-bookings", partnership))
    assert "Accept the place" in mine.text and "Answer by" in mine.text
    response = client.post(url("offer-accept", partnership, booking_id=booking.pk), follow=True)
    assert "You accepted the place" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_declining_an_offer_ends_it(partnership, course, client, sign_in, learner):
    user, person = learner
    session = session_of(partnership, course, capacity=1)
    Session.objects.filter(pk=session.pk).update(places_taken=1)
    booking = BookingFactory.create(
        session=session,
        person=person,
        status=BookingStatus.OFFERED,
        confirmed_at=None,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    sign_in(user)
    client.post(url("offer-decline", partnership, booking_id=booking.pk))
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED and session.places_taken == 0


# Booking a team ------------------------------------------------------------------------------


@pytest.fixture
def manager(member_with, agency):
    """A line manager with two reports, and a colleague outside the team."""
    user = member_with(Role.LINE_MANAGER)
    own = PersonFactory.create(agency=agency, user=user, full_name="Mo Manager")
    team = [
        PersonFactory.create(agency=agency, line_manager=own, full_name=name)
        for name in ("Ada Report", "Bea Report")
    ]
    outsider = PersonFactory.create(agency=agency, full_name="Cy Outsider")
    return user, own, team, outsider


def test_a_manager_books_their_team_and_sees_each_outcome(
    partnership, course, client, sign_in, manager
):
    user, _, team, _ = manager
    session = session_of(partnership, course, capacity=1)
    sign_in(user)
    page = client.get(url("book-people", partnership, session_id=session.pk))
    assert "Ada Report" in page.text and "Bea Report" in page.text
    assert "Cy Outsider" not in page.text
    response = client.post(
        url("book-people", partnership, session_id=session.pk),
        {"people": [team[0].pk, team[1].pk]},
    )
    assert response.status_code == 200
    assert "What happened" in response.text
    statuses = dict(Booking.objects.values_list("person__full_name", "status"))
    assert statuses == {"Ada Report": BookingStatus.CONFIRMED, "Bea Report": BookingStatus.WAITING}
    assert "Confirmed" in response.text and "On the waiting list" in response.text


def test_booking_someone_outside_your_team_is_refused(
    partnership, course, client, sign_in, manager
):
    user, _, team, outsider = manager
    session = session_of(partnership, course)
    sign_in(user)
    response = client.post(
        url("book-people", partnership, session_id=session.pk),
        {"people": [team[0].pk, outsider.pk]},
    )
    assert response.status_code == 200
    assert "You may book only the people listed for you" in response.text
    assert not Booking.objects.exists()


def test_the_team_page_searches_and_a_learner_may_not_open_it(
    partnership, course, client, sign_in, manager, learner
):
    user = manager[0]
    session = session_of(partnership, course)
    sign_in(user)
    page = client.get(url("book-people", partnership, session_id=session.pk), {"q": "bea"})
    assert "Bea Report" in page.text and "Ada Report" not in page.text
    sign_in(learner[0])
    assert client.get(url("book-people", partnership, session_id=session.pk)).status_code == 403


# Approvals -------------------------------------------------------------------------------------


def test_a_manager_approves_and_refuses_their_teams_bookings(
    partnership, course, client, sign_in, manager
):
    user, _, team, outsider = manager
    DeliverySettingsFactory.create(partnership=partnership, requires_manager_approval=True)
    session = session_of(partnership, course)
    ada, bea = (
        BookingFactory.create(
            session=session, person=p, status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None
        )
        for p in team
    )
    theirs = BookingFactory.create(
        session=session, person=outsider, status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None
    )
    sign_in(user)
    page = client.get(url("approvals", partnership))
    assert "Ada Report" in page.text and "Bea Report" in page.text
    assert "Cy Outsider" not in page.text
    client.post(url("approve", partnership, booking_id=ada.pk))
    ada.refresh_from_db()
    assert ada.status == BookingStatus.CONFIRMED
    missing = client.post(url("refuse", partnership, booking_id=bea.pk), {"reason": "  "})
    assert missing.status_code == 200
    assert "Enter the reason for not approving the booking." in missing.text
    client.post(url("refuse", partnership, booking_id=bea.pk), {"reason": "Team short-staffed"})
    bea.refresh_from_db()
    assert bea.status == BookingStatus.REFUSED and bea.reason == "Team short-staffed"
    assert client.post(url("approve", partnership, booking_id=theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.AWAITING_APPROVAL


# Query counts --------------------------------------------------------------------------------


def test_the_list_and_calendar_take_the_same_queries_for_few_or_many_sessions(
    partnership, course, client, sign_in, learner, django_assert_max_num_queries
):
    neighbour = PartnershipFactory.create()
    start = in_days(40)
    session_of(partnership, course, start=start)
    session_of(neighbour, course, start=start, regional_places=2)
    sign_in(learner[0])
    calendar = {"view": "calendar", "month": f"{start:%Y-%m}"}
    with django_assert_max_num_queries(20) as few_list:
        client.get(url("list", partnership))
    with django_assert_max_num_queries(20) as few_calendar:
        client.get(url("list", partnership), calendar)
    for _ in range(12):
        session_of(partnership, course, start=start, parts=2)
        session_of(neighbour, course, start=start, regional_places=2)
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        response = client.get(url("list", partnership))
    assert response.text.count("/sessions/") > 24
    with django_assert_max_num_queries(len(few_calendar.captured_queries)):
        client.get(url("list", partnership), calendar)


def test_my_bookings_detail_and_approvals_take_fixed_queries(
    partnership, course, client, sign_in, manager, django_assert_max_num_queries
):
    user, own, team, _ = manager
    session = session_of(partnership, course)
    BookingFactory.create(session=session, person=own)
    BookingFactory.create(
        session=session, person=team[0], status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None
    )
    sign_in(user)
    pages = [
        url("my-bookings", partnership),
        url("approvals", partnership),
        url("detail", partnership, session_id=session.pk),
        url("book-people", partnership, session_id=session.pk),
    ]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(25) as few:
            assert client.get(page).status_code == 200
        counts[page] = len(few.captured_queries)
    for _ in range(10):
        more = session_of(partnership, course, parts=3)
        BookingFactory.create(session=more, person=own)
        BookingFactory.create(
            session=more,
            person=PersonFactory.create(agency=own.agency, line_manager=own),
            status=BookingStatus.AWAITING_APPROVAL,
            confirmed_at=None,
        )
        BookingFactory.create(
            session=session, person=PersonFactory.create(agency=own.agency, line_manager=own)
        )
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert client.get(page).status_code == 200


# The catalogue's course page -----------------------------------------------------------------


def test_the_course_page_lists_the_next_five_sessions_in_fixed_queries(
    partnership, course, client, django_assert_max_num_queries
):
    page = reverse("catalogue:course", kwargs={"code": partnership.code, "course_id": course.pk})
    with django_assert_max_num_queries(20) as none:
        assert "No sessions are scheduled yet" in client.get(page).text
    sessions = [session_of(partnership, course, start=in_days(10 + n)) for n in range(7)]
    Session.objects.filter(pk=sessions[0].pk).update(places_taken=20)
    other = session_of(PartnershipFactory.create(), course, regional_places=3)
    with django_assert_max_num_queries(len(none.captured_queries) + 1):
        text = client.get(page).text
    shown = [s.pk for s in sessions if url("detail", partnership, session_id=s.pk) in text]
    assert shown == [s.pk for s in sessions[:5]]
    assert url("detail", partnership, session_id=other.pk) not in text
    assert "full (join the waiting list)" in text and "20 places left" in text


def test_a_learner_books_a_regional_place_of_a_neighbouring_partnership(
    partnership, course, client, sign_in, learner
):
    user, person = learner
    neighbour = PartnershipFactory.create(name="Islington Partnership")
    session = session_of(neighbour, course, regional_places=2)
    sign_in(user)
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "run by Islington Partnership" in page.text
    assert "2 of the 2 places open to other partnerships in the region" in page.text
    response = client.post(url("book", partnership, session_id=session.pk), follow=True)
    assert "You are booked on this session" in response.text
    booking = Booking.objects.get(person=person)
    assert booking.is_regional and booking.partnership_id == neighbour.pk
    mine = client.get(url("my-bookings", partnership))
    assert url("detail", partnership, session_id=session.pk) in mine.text
    Session.objects.filter(pk=session.pk).update(places_taken=2)
    BookingFactory.create(
        session=session, person__agency__partnership=partnership, is_regional=True
    )
    listed = client.get(url("list", partnership)).text
    assert "Full – join the waiting list" in listed  # both regional places are taken
    page = client.get(url("detail", partnership, session_id=session.pk))
    assert "None – full, you can join the waiting list" in page.text


def test_a_coordinator_gets_the_manage_link_and_a_learner_does_not(
    partnership, course, client, sign_in, coordinator, learner
):
    session = session_of(partnership, course)
    manage = reverse("sessions:manage", kwargs={"code": partnership.code, "session_id": session.pk})
    sign_in(coordinator)
    assert manage in client.get(url("detail", partnership, session_id=session.pk)).text
    sign_in(learner[0])
    assert manage not in client.get(url("detail", partnership, session_id=session.pk)).text


def test_my_bookings_lists_past_sessions_and_links_certificates(
    partnership, course, client, sign_in, learner
):
    from decimal import Decimal

    from interagency.delivery.models import Certificate

    user, person = learner
    past = session_of(partnership, course, start=in_days(-10))
    booking = BookingFactory.create(session=past, person=person)
    certificate = Certificate.objects.create(
        partnership=partnership,
        booking=booking,
        person_name=person.full_name,
        course_title="Working together",
        tier_name="Group A",
        attended_on=in_days(-10),
        hours=Decimal("7.0"),
        partnership_name=partnership.name,
    )
    sign_in(user)
    text = client.get(url("my-bookings", partnership)).text
    assert "You have no upcoming bookings" in text
    assert url("certificate", partnership, number=certificate.number) in text
    assert f"number {certificate.number}" in text
    past_section = text.split('<h2 class="govuk-heading-l">Past</h2>', 1)[1]
    assert url("detail", partnership, session_id=past.pk) in past_section

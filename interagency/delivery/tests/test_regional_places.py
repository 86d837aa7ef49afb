"""Regional places beyond the sessions list: the month calendar and the API's session detail
show a session another partnership of the region opened to it, and nothing else of theirs."""

import datetime
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interagency.accounts.services import issue_access_token
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus, Session, SessionFormat
from interagency.delivery.services.bookings import book_place
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import PersonFactory
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def first_of_next_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def session_of(partnership, course, start: datetime.date, **fields: Any) -> Session:
    return cast(
        Session,
        SessionFactory.create(partnership=partnership, course=course, parts__start=start, **fields),
    )


@pytest.fixture
def course(partnership):
    framework = AdoptionFactory.create(partnership=partnership).framework
    return CourseFactory.create(tier__framework=framework, title="Working together")


@pytest.fixture
def neighbour(db):
    return PartnershipFactory.create(name="Islington Partnership")


@pytest.fixture
def faraway(db):
    return PartnershipFactory.create(region=RegionFactory.create(code="north-west", name="NW"))


@pytest.fixture
def learner(member_with, partnership):
    user = member_with(Role.LEARNER)
    PersonFactory.create(agency__partnership=partnership, user=user)
    return user


def calendar_of(client: Client, partnership, month: datetime.date) -> str:
    address = reverse("sessions:list", kwargs={"code": partnership.code})
    response = client.get(address, {"view": "calendar", "month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    return response.text


def detail_link(partnership, session: Session) -> str:
    return reverse("sessions:detail", kwargs={"code": partnership.code, "session_id": session.pk})


# The calendar --------------------------------------------------------------------------------


def test_the_calendar_shows_a_neighbours_open_session_and_not_a_closed_one(
    partnership, course, neighbour, faraway, client, sign_in, learner
):
    month = first_of_next_month()
    own = session_of(partnership, course, month + datetime.timedelta(days=3))
    opened = session_of(neighbour, course, month + datetime.timedelta(days=9), regional_places=3)
    closed = session_of(neighbour, course, month + datetime.timedelta(days=10))
    cancelled = session_of(
        neighbour,
        course,
        month + datetime.timedelta(days=11),
        regional_places=3,
        status=Session.Status.CANCELLED,
    )
    elsewhere = session_of(faraway, course, month + datetime.timedelta(days=12), regional_places=3)
    sign_in(learner)

    text = calendar_of(client, partnership, month)

    assert detail_link(partnership, own) in text
    assert detail_link(partnership, opened) in text
    assert "Regional place – run by Islington Partnership" in text
    assert text.count("Regional place – run by") == 1  # the partnership's own is not marked
    assert f"{month:%B %Y}: 2 sessions (1 with regional places of other partnerships)" in text
    for hidden in (closed, cancelled, elsewhere):
        assert detail_link(partnership, hidden) not in text
    # The link opens the same page the list's regional row opens.
    assert client.get(detail_link(partnership, opened)).status_code == 200


def test_a_neighbours_session_is_full_in_the_calendar_when_its_regional_places_are_taken(
    partnership, course, neighbour, client, sign_in, learner
):
    month = first_of_next_month()
    session = session_of(neighbour, course, month + datetime.timedelta(days=5), regional_places=1)
    sign_in(learner)
    text = calendar_of(client, partnership, month)
    assert "Regional place – run by Islington Partnership" in text
    assert "(full)" not in text

    BookingFactory.create(
        session=session, person__agency__partnership=partnership, is_regional=True
    )
    Session.objects.filter(pk=session.pk).update(places_taken=1)  # the session has 19 more

    assert "Regional place – run by Islington Partnership (full)" in (
        calendar_of(client, partnership, month)
    )


def test_the_calendar_takes_the_same_queries_with_many_regional_sessions(
    partnership, course, neighbour, client, sign_in, learner, django_assert_max_num_queries
):
    month = first_of_next_month()
    day = month + datetime.timedelta(days=6)
    session_of(partnership, course, day)
    session_of(neighbour, course, day, regional_places=2)
    sign_in(learner)
    with django_assert_max_num_queries(20) as few:
        calendar_of(client, partnership, month)
    more = [session_of(neighbour, course, day, regional_places=2, parts=2) for _ in range(10)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = calendar_of(client, partnership, month)
    assert all(detail_link(partnership, session) in text for session in more)


# The API's session detail ----------------------------------------------------------------------


def api_client(user) -> Client:
    _, text = issue_access_token(user=user, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"})


def api_detail(partnership, session: Session) -> str:
    return reverse(
        "api:session-detail", kwargs={"code": partnership.code, "session_id": session.pk}
    )


def test_the_api_returns_a_neighbours_open_session_and_404s_the_others(
    partnership, course, neighbour, faraway, learner
):
    start = timezone.localdate() + datetime.timedelta(days=14)
    opened = session_of(neighbour, course, start, regional_places=3, notes="Bring lunch.")
    closed = session_of(neighbour, course, start)
    cancelled = session_of(
        neighbour, course, start, regional_places=3, status=Session.Status.CANCELLED
    )
    elsewhere = session_of(faraway, course, start, regional_places=3)
    own = session_of(partnership, course, start, regional_places=3)
    client = api_client(learner)

    response = client.get(api_detail(partnership, opened))
    assert response.status_code == 200
    body = response.json()
    assert body["host"] == {"code": neighbour.code, "name": "Islington Partnership"}
    assert (body["regional_places"], body["regional_left"]) == (3, 3)
    assert body["notes"] == "Bring lunch." and len(body["parts"]) == 1

    for hidden in (closed, cancelled, elsewhere):
        response = client.get(api_detail(partnership, hidden))
        assert response.status_code == 404, hidden
    # Under the host's own code the learner is no member: 404 too.
    assert client.get(api_detail(neighbour, opened)).status_code == 404

    mine = client.get(api_detail(partnership, own)).json()
    assert mine["host"]["code"] == partnership.code and mine["regional_left"] is None
    # The list stays the partnership's own sessions (each naming its host, the partnership).
    listed = client.get(reverse("api:session-list", kwargs={"code": partnership.code})).json()
    assert [(s["id"], s["host"]["code"]) for s in listed["results"]] == [(own.pk, partnership.code)]


def test_a_regional_sessions_link_shows_only_to_the_confirmed_not_to_our_coordinators(
    partnership, course, neighbour, learner, coordinator
):
    start = timezone.localdate() + datetime.timedelta(days=14)
    session = session_of(
        neighbour,
        course,
        start,
        regional_places=2,
        format=SessionFormat.ONLINE,
        venue=None,
        joining_link="https://meet.example/regional",
    )
    address = api_detail(partnership, session)
    # Our coordinator does not coordinate the neighbour's session.
    assert api_client(coordinator).get(address).json()["joining_link"] is None
    assert api_client(learner).get(address).json()["joining_link"] is None
    person = learner.people.get()
    BookingFactory.create(session=session, person=person, is_regional=True)
    body = api_client(learner).get(address).json()
    assert body["joining_link"] == "https://meet.example/regional"
    assert body["regional_left"] == 1
    assert Booking.objects.get(person=person).status == BookingStatus.CONFIRMED


def test_the_api_detail_takes_the_same_queries_for_own_and_regional_sessions(
    partnership, course, neighbour, learner, django_assert_max_num_queries
):
    start = timezone.localdate() + datetime.timedelta(days=14)
    own = session_of(partnership, course, start, parts=3)
    regional = session_of(neighbour, course, start, regional_places=2, parts=3)
    client = api_client(learner)
    with django_assert_max_num_queries(10) as counted:
        assert client.get(api_detail(partnership, own)).status_code == 200
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(api_detail(partnership, regional)).status_code == 200


# The API's session list ------------------------------------------------------------------------


def test_the_api_list_adds_the_regions_open_sessions_when_asked(
    partnership, course, neighbour, faraway, learner, django_assert_max_num_queries
):
    start = timezone.localdate() + datetime.timedelta(days=14)
    own = session_of(partnership, course, start)
    opened = session_of(neighbour, course, start + datetime.timedelta(days=1), regional_places=3)
    session_of(neighbour, course, start)  # closed to the region
    session_of(neighbour, course, start, regional_places=3, status=Session.Status.CANCELLED)
    session_of(faraway, course, start, regional_places=3)
    started = session_of(neighbour, course, start, regional_places=3)
    Session.objects.filter(pk=started.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    address = reverse("api:session-list", kwargs={"code": partnership.code})
    client = api_client(learner)

    with django_assert_max_num_queries(8) as counted:
        body = client.get(address, {"regional": "true"}).json()

    assert [(s["id"], s["host"]["code"], s["regional_left"]) for s in body["results"]] == [
        (own.pk, partnership.code, None),
        (opened.pk, neighbour.code, 3),
    ]
    # The same queries with more of them.
    more = [session_of(neighbour, course, start, regional_places=2, parts=2) for _ in range(5)]
    with django_assert_max_num_queries(len(counted.captured_queries)):
        body = client.get(address, {"regional": "true"}).json()
    assert body["count"] == 2 + len(more)
    # Without the filter, only the partnership's own.
    assert [s["id"] for s in client.get(address).json()["results"]] == [own.pk]


# Cancelling a regional attendee ----------------------------------------------------------------


def test_the_host_coordinator_cancels_a_regional_attendees_booking_from_the_session_page(
    partnership, course, neighbour, client, sign_in, coordinator
):
    """The session page links every booking to Cancel; a regional attendee's link works too,
    as the API's cancel does (decision 0018)."""
    start = timezone.localdate() + datetime.timedelta(days=14)
    session = session_of(partnership, course, start, regional_places=2)
    visitor = PersonFactory.create(agency__partnership=neighbour)
    booking = book_place(session=session, person=visitor, booked_by=None)
    assert booking.is_regional
    sign_in(coordinator)
    page = client.get(
        reverse("sessions:manage", kwargs={"code": partnership.code, "session_id": session.pk})
    )
    cancel = reverse(
        "sessions:booking-cancel", kwargs={"code": partnership.code, "booking_id": booking.pk}
    )
    assert cancel in page.text
    assert client.get(cancel).status_code == 200
    client.post(cancel, {"reason": "Place needed locally"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

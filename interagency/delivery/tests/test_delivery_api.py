"""Sessions, bookings, the waiting list, the register and certificate checks through the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interagency.accounts.services import issue_access_token
from interagency.accounts.tests.factories import UserFactory
from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Attendance,
    Booking,
    BookingStatus,
    Certificate,
    Session,
    SessionFormat,
    SessionTrainer,
    WaitingListMode,
)
from interagency.delivery.tests.booking_setup import (
    make_agency,
    make_person,
    record_notices,
    settings_of,
)
from interagency.delivery.tests.factories import BookingFactory, SessionFactory, VenueFactory
from interagency.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    """The booking notices are recorded, not emailed (their own tests send them)."""
    return record_notices(monkeypatch)


@pytest.fixture
def token_client(db):
    """``token_client(user)``: a client sending a new personal access token of ``user``."""

    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make


@pytest.fixture
def api(token_client, coordinator):
    return token_client(coordinator)


def url(name: str, partnership=None, **kwargs) -> str:
    if partnership is not None:
        kwargs["code"] = partnership.code
    return reverse(f"api:{name}", kwargs=kwargs)


def post(client: Client, address: str, body: dict | None = None):
    return client.post(address, body or {}, content_type="application/json")


def learner_of(partnership, **fields):
    """A learner member with a person record; returns (user, person)."""
    person = make_person(partnership, with_user=True, **fields)
    return person.user, person


def adopted_course(partnership):
    framework = AdoptionFactory.create(partnership=partnership).framework
    return CourseFactory.create(tier__framework=framework, title="Working Together")


def session_of(partnership, *, days: int = 14, **fields) -> Session:
    start = timezone.localdate() + datetime.timedelta(days=days)
    return SessionFactory.create(partnership=partnership, parts__start=start, **fields)


# Sessions -----------------------------------------------------------------------------


def test_members_list_upcoming_sessions_with_filters(partnership, token_client):
    user, _ = learner_of(partnership)
    soon = session_of(partnership, days=7, capacity=10)
    later = session_of(partnership, days=60, format=SessionFormat.ONLINE, venue=None)
    session_of(partnership, days=-30)  # ended: not listed by default
    client = token_client(user)

    listed = client.get(url("session-list", partnership)).json()
    assert [s["id"] for s in listed["results"]] == [soon.pk, later.pk]
    first = listed["results"][0]
    assert (first["capacity"], first["places_left"], first["waiting_count"]) == (10, 10, 0)
    assert first["course"]["title"] == soon.course.title
    assert soon.venue is not None and first["venue"]["name"] == soon.venue.name

    online = client.get(url("session-list", partnership), {"format": "online"}).json()
    assert [s["id"] for s in online["results"]] == [later.pk]
    by_course = client.get(url("session-list", partnership), {"course": later.course_id}).json()
    assert [s["id"] for s in by_course["results"]] == [later.pk]
    day = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    one_day = client.get(url("session-list", partnership), {"from": day, "to": day}).json()
    assert [s["id"] for s in one_day["results"]] == [soon.pk]
    everything = client.get(url("session-list", partnership), {"from": "2000-01-01"}).json()
    assert everything["count"] == 3

    bad = client.get(url("session-list", partnership), {"format": "by-pigeon"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "format"


def test_the_joining_link_shows_only_to_coordinators_and_confirmed_people(
    partnership, token_client, coordinator
):
    session = session_of(
        partnership, format=SessionFormat.ONLINE, venue=None, joining_link="https://meet.example/x"
    )
    waiting_user, waiting_person = learner_of(partnership)
    booked_user, booked_person = learner_of(partnership)
    BookingFactory.create(session=session, person=booked_person)
    BookingFactory.create(
        session=session,
        person=waiting_person,
        status=BookingStatus.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    address = url("session-detail", partnership, session_id=session.pk)

    assert token_client(waiting_user).get(address).json()["joining_link"] is None
    assert token_client(booked_user).get(address).json()["joining_link"] == (
        "https://meet.example/x"
    )
    detail = token_client(coordinator).get(address).json()
    assert detail["joining_link"] == "https://meet.example/x"
    assert len(detail["parts"]) == 1 and detail["parts"][0]["hours"] == 7.0


def test_a_coordinator_schedules_changes_and_cancels_a_session(partnership, api, coordinator):
    course = adopted_course(partnership)
    venue = VenueFactory.create(partnership=partnership)
    response = post(
        api,
        url("session-list", partnership),
        {
            "course": course.pk,
            "venue": venue.pk,
            "capacity": 20,
            "minimum_numbers": 6,
            "parts": [
                # Without an offset: London time (BST in July).
                {"starts_at": "2031-07-01T09:30", "ends_at": "2031-07-01T12:30"},
                {"starts_at": "2031-07-08T09:30", "ends_at": "2031-07-08T12:30"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["course"]["title"] == "Working Together"
    assert [p["starts_at"] for p in created["parts"]] == [
        "2031-07-01T08:30:00Z",
        "2031-07-08T08:30:00Z",
    ]
    address = url("session-detail", partnership, session_id=created["id"])

    changed = api.patch(address, {"capacity": 25}, content_type="application/json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["capacity"] == 25
    cancelled = post(
        api,
        url("session-cancel", partnership, session_id=created["id"]),
        {"reason": "The trainer is unwell."},
    )
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(subject_type="delivery.Session").count() == 3

    again = post(
        api, url("session-cancel", partnership, session_id=created["id"]), {"reason": "Twice"}
    )
    assert again.status_code == 400
    assert "cancelled" in again.json()["detail"]


def test_a_session_with_problems_lists_every_one_and_nothing_is_stored(partnership, api):
    course = adopted_course(partnership)
    response = post(
        api,
        url("session-list", partnership),
        {
            "course": course.pk,
            "capacity": 4,
            "minimum_numbers": 6,
            "parts": [{"starts_at": "2031-07-01T12:30", "ends_at": "2031-07-01T09:30"}],
        },
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"parts", "minimum_numbers", "venue"} <= fields
    assert not Session.objects.exists()

    unknown = post(
        api,
        url("session-list", partnership),
        {"course": 999999, "capacity": 5, "parts": []},
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        {"field": "course", "message": "There is no course with that id in the catalogue."}
    ]


def test_null_for_a_number_every_session_has_is_a_field_error_and_nothing_changes(partnership, api):
    session = session_of(partnership)
    response = api.patch(
        url("session-detail", partnership, session_id=session.pk),
        {"minimum_numbers": None, "capacity": None, "notes": None},
        content_type="application/json",
    )
    assert response.status_code == 400, response.json()
    assert {error["field"] for error in response.json()["errors"]} == {
        "minimum_numbers",
        "capacity",
    }
    session.refresh_from_db()
    assert session.capacity == 20


def test_only_coordinators_change_sessions(partnership, token_client):
    user, _ = learner_of(partnership)
    session = session_of(partnership)
    response = token_client(user).patch(
        url("session-detail", partnership, session_id=session.pk),
        {"capacity": 1},
        content_type="application/json",
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.capacity == 20


# Bookings -----------------------------------------------------------------------------


def test_a_learner_books_themselves_once(partnership, token_client, sent):
    user, person = learner_of(partnership)
    session = session_of(partnership, capacity=3)
    client = token_client(user)

    response = post(client, url("booking-list", partnership), {"session": session.pk})
    assert response.status_code == 201, response.json()
    booking = response.json()
    assert (booking["person"]["id"], booking["status"]) == (person.pk, "confirmed")
    session.refresh_from_db()
    assert session.places_taken == 1

    again = post(client, url("booking-list", partnership), {"session": session.pk})
    assert again.status_code == 400
    assert again.json()["detail"] == f"{person} is already booked on this session."
    assert again.json()["errors"][0]["field"] == "person"
    assert Booking.objects.count() == 1


def test_a_full_session_puts_people_on_the_waiting_list_in_order(partnership, api, token_client):
    session = session_of(partnership, capacity=1)
    people = [make_person(partnership) for _ in range(3)]
    statuses = []
    for person in people:
        response = post(
            api, url("booking-list", partnership), {"session": session.pk, "person": person.pk}
        )
        assert response.status_code == 201, response.json()
        statuses.append((response.json()["status"], response.json()["waiting_position"]))
    assert statuses == [("confirmed", None), ("waiting", 1), ("waiting", 2)]

    queue = api.get(url("waiting-list", partnership, session_id=session.pk)).json()
    assert [(b["person"]["id"], b["waiting_position"]) for b in queue["results"]] == [
        (people[1].pk, 1),
        (people[2].pk, 2),
    ]
    user, _ = learner_of(partnership)
    assert (
        token_client(user).get(url("waiting-list", partnership, session_id=session.pk)).status_code
        == 403
    )


def test_refusals_change_nothing(partnership, api):
    cancelled = session_of(partnership, status=Session.Status.CANCELLED)
    past = session_of(partnership, days=-3)
    person = make_person(partnership)
    for session in (cancelled, past):
        response = post(
            api, url("booking-list", partnership), {"session": session.pk, "person": person.pk}
        )
        assert response.status_code == 400, response.json()
        assert response.json()["detail"]
    missing = post(api, url("booking-list", partnership), {"session": 999999, "person": person.pk})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "session"
    assert not Booking.objects.exists()


def test_a_line_manager_books_their_team_and_nobody_else(partnership, token_client):
    manager_user, manager = learner_of(partnership)
    MembershipFactory.create(partnership=partnership, user=manager_user, role=Role.LINE_MANAGER)
    team_member = make_person(partnership, agency=manager.agency, line_manager=manager)
    stranger = make_person(partnership)
    session = session_of(partnership)
    client = token_client(manager_user)

    booked = post(
        client, url("booking-list", partnership), {"session": session.pk, "person": team_member.pk}
    )
    assert booked.status_code == 201, booked.json()
    refused = post(
        client, url("booking-list", partnership), {"session": session.pk, "person": stranger.pk}
    )
    assert refused.status_code == 403
    bulk = post(
        client,
        url("booking-bulk", partnership),
        {"session": session.pk, "people": [manager.pk, stranger.pk]},
    )
    assert bulk.status_code == 403
    assert str(stranger.pk) in bulk.json()["detail"]
    assert list(Booking.objects.values_list("person", flat=True)) == [team_member.pk]

    results = post(
        client,
        url("booking-bulk", partnership),
        {"session": session.pk, "people": [manager.pk, team_member.pk]},
    ).json()
    assert [(r["person"]["id"], r["error"] is None) for r in results] == [
        (manager.pk, True),
        (team_member.pk, False),
    ]
    assert "already booked" in results[1]["error"]


def test_a_learner_may_not_book_someone_else(partnership, token_client):
    user, _ = learner_of(partnership)
    other = make_person(partnership)
    session = session_of(partnership)
    response = post(
        token_client(user),
        url("booking-list", partnership),
        {"session": session.pk, "person": other.pk},
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_bookings_are_listed_to_who_may_see_them(partnership, token_client, coordinator):
    session = session_of(partnership)
    manager_user, manager = learner_of(partnership)
    MembershipFactory.create(partnership=partnership, user=manager_user, role=Role.LINE_MANAGER)
    learner_user, learner = learner_of(partnership, agency=manager.agency, line_manager=manager)
    outsider = make_person(partnership)
    mine = BookingFactory.create(session=session, person=learner)
    theirs = BookingFactory.create(session=session, person=outsider)

    def listed(user, **query) -> list[int]:
        found = token_client(user).get(url("booking-list", partnership), query).json()
        return [b["id"] for b in found["results"]]

    assert listed(coordinator, session=session.pk) == [mine.pk, theirs.pk]
    assert listed(manager_user) == [mine.pk]
    assert listed(learner_user) == [mine.pk]
    assert listed(coordinator, status="waiting") == []
    address = url("booking-detail", partnership, booking_id=theirs.pk)
    assert token_client(learner_user).get(address).status_code == 404


def test_cancelling_moves_the_waiting_list_and_nobody_cancels_another_s(
    partnership, token_client, api
):
    settings_of(partnership, waiting_list_mode=WaitingListMode.OFFER)
    session = session_of(partnership, capacity=1)
    first_user, _ = learner_of(partnership)
    second_user, _ = learner_of(partnership)
    made = post(token_client(first_user), url("booking-list", partnership), {"session": session.pk})
    waiting = post(
        token_client(second_user), url("booking-list", partnership), {"session": session.pk}
    )
    booking_id, waiting_id = made.json()["id"], waiting.json()["id"]

    # Someone else's booking reads as one that does not exist.
    other = post(
        token_client(second_user), url("booking-cancel", partnership, booking_id=booking_id)
    )
    assert other.status_code == 404
    assert Booking.objects.get(pk=booking_id).status == BookingStatus.CONFIRMED

    cancelled = post(
        token_client(first_user),
        url("booking-cancel", partnership, booking_id=booking_id),
        {"reason": "On leave"},
    )
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["status"] == "cancelled"
    offered = token_client(second_user).get(
        url("booking-detail", partnership, booking_id=waiting_id)
    )
    assert offered.json()["status"] == "offered"
    assert offered.json()["offer_expires_at"] is not None

    accepted = post(
        token_client(second_user), url("offer-accept", partnership, booking_id=waiting_id)
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "confirmed"
    declined = post(
        token_client(second_user), url("offer-decline", partnership, booking_id=waiting_id)
    )
    assert declined.status_code == 400
    assert declined.json()["detail"].startswith("There is no open offer")

    twice = post(api, url("booking-cancel", partnership, booking_id=booking_id))
    assert twice.status_code == 400
    assert twice.json()["detail"] == "This booking is already cancelled."


def test_line_managers_approve_and_refuse_their_team_s_bookings(partnership, token_client):
    settings_of(partnership, requires_manager_approval=True)
    session = session_of(partnership)
    manager_user, manager = learner_of(partnership)
    MembershipFactory.create(partnership=partnership, user=manager_user, role=Role.LINE_MANAGER)
    first_user, _ = learner_of(partnership, agency=manager.agency, line_manager=manager)
    second_user, _ = learner_of(partnership, agency=manager.agency, line_manager=manager)
    first = post(
        token_client(first_user), url("booking-list", partnership), {"session": session.pk}
    )
    second = post(
        token_client(second_user), url("booking-list", partnership), {"session": session.pk}
    )
    assert first.json()["status"] == second.json()["status"] == "awaiting"

    # A learner may not approve, not even their own booking.
    own = post(
        token_client(first_user), url("booking-approve", partnership, booking_id=first.json()["id"])
    )
    assert own.status_code == 403

    manager_client = token_client(manager_user)
    approved = post(
        manager_client, url("booking-approve", partnership, booking_id=first.json()["id"])
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "confirmed"
    no_reason = post(
        manager_client, url("booking-refuse", partnership, booking_id=second.json()["id"])
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == [
        {"field": "reason", "message": "Enter the reason for not approving the booking."}
    ]
    refused = post(
        manager_client,
        url("booking-refuse", partnership, booking_id=second.json()["id"]),
        {"reason": "Book the March session instead."},
    )
    assert refused.json()["status"] == "refused"
    assert refused.json()["reason"] == "Book the March session instead."


def test_an_agency_lead_cannot_approve_outside_their_agencies(partnership, token_client):
    settings_of(partnership, requires_manager_approval=True)
    lead = UserFactory.create()
    MembershipFactory.create(partnership=partnership, user=lead, role=Role.AGENCY_LEAD)
    make_agency(partnership, lead=lead)
    session = session_of(partnership)
    user, _ = learner_of(partnership)
    booking = post(token_client(user), url("booking-list", partnership), {"session": session.pk})
    response = post(
        token_client(lead), url("booking-approve", partnership, booking_id=booking.json()["id"])
    )
    assert response.status_code == 404
    assert Booking.objects.get().status == BookingStatus.AWAITING_APPROVAL


# The register and certificates --------------------------------------------------------


def test_the_register_is_read_recorded_closed_and_its_certificates_verify(
    partnership, token_client, coordinator
):
    trainer = UserFactory.create()
    MembershipFactory.create(partnership=partnership, user=trainer, role=Role.TRAINER)
    session = session_of(partnership, days=-1)
    SessionTrainer.objects.create(session=session, user=trainer, name="Trainer")
    came = BookingFactory.create(session=session, person=make_person(partnership, full_name="Ada"))
    stayed_away = BookingFactory.create(
        session=session, person=make_person(partnership, full_name="Bea")
    )
    client = token_client(trainer)
    address = url("register", partnership, session_id=session.pk)

    register = client.get(address).json()
    assert [(line["person"]["full_name"], line["outcome"]) for line in register["lines"]] == [
        ("Ada", None),
        ("Bea", None),
    ]
    early = post(client, url("register-close", partnership, session_id=session.pk))
    assert early.status_code == 400
    assert "Missing: Bea" in early.json()["detail"] or "Missing: Ada, Bea" in early.json()["detail"]

    wrong = client.put(
        address,
        {
            "entries": [
                {"booking": came.pk, "outcome": "attended"},
                {"booking": 999999, "outcome": "no_show"},
            ]
        },
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "entries.1.booking"
    recorded = client.put(
        address,
        {
            "entries": [
                {
                    "booking": came.pk,
                    "outcome": "attended",
                    "arrived_late": True,
                    "late_minutes": 10,
                },
                {"booking": stayed_away.pk, "outcome": "no_show"},
            ]
        },
        content_type="application/json",
    )
    assert recorded.status_code == 200, recorded.json()
    assert [line["outcome"] for line in recorded.json()["lines"]] == ["attended", "no_show"]

    closed = post(client, url("register-close", partnership, session_id=session.pk))
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    certificate = Certificate.objects.get()
    assert certificate.person_name == "Ada"

    public = Client().get(url("certificate-verify", number=certificate.number.lower()))
    assert public.status_code == 200
    assert public.json() == {
        "number": certificate.number,
        "person_name": "Ada",
        "course_title": certificate.course_title,
        "tier_name": certificate.tier_name,
        "attended_on": certificate.attended_on.isoformat(),
        "hours": str(certificate.hours),
        "outcomes": certificate.outcomes,
        "partnership_name": certificate.partnership_name,
    }
    unknown = Client().get(url("certificate-verify", number="AAAA-BBBB-CCCC"))
    assert unknown.status_code == 404
    certificate.revoked_at = timezone.now()
    certificate.save()
    withdrawn = Client().get(url("certificate-verify", number=certificate.number))
    assert withdrawn.status_code == 410


def test_a_register_before_the_start_or_of_another_trainer_is_refused(partnership, token_client):
    trainer = UserFactory.create()
    MembershipFactory.create(partnership=partnership, user=trainer, role=Role.TRAINER)
    upcoming = session_of(partnership, days=3)
    SessionTrainer.objects.create(session=upcoming, user=trainer, name="Trainer")
    booking = BookingFactory.create(session=upcoming)
    elsewhere = session_of(partnership, days=-1)
    client = token_client(trainer)

    early = client.put(
        url("register", partnership, session_id=upcoming.pk),
        {"entries": [{"booking": booking.pk, "outcome": "attended"}]},
        content_type="application/json",
    )
    assert early.status_code == 400
    assert early.json()["detail"].startswith("The register opens when the session starts")
    assert client.get(url("register", partnership, session_id=elsewhere.pk)).status_code == 404


# Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_lists_cost_the_same_queries_whatever_their_length(
    partnership, api, django_assert_max_num_queries, rows
):
    sessions = [session_of(partnership, days=day + 1) for day in range(rows)]
    for session in sessions:
        BookingFactory.create(session=session)
        BookingFactory.create(
            session=session,
            status=BookingStatus.WAITING,
            waiting_since=timezone.now(),
            confirmed_at=None,
        )
    with django_assert_max_num_queries(6):
        listed = api.get(url("session-list", partnership), {"page_size": 50})
    assert listed.json()["count"] == rows
    with django_assert_max_num_queries(6):
        bookings = api.get(url("booking-list", partnership), {"page_size": 100})
    assert bookings.json()["count"] == 2 * rows
    with django_assert_max_num_queries(6):
        waiting = api.get(url("waiting-list", partnership, session_id=sessions[0].pk))
    assert waiting.json()["count"] == 1


def test_every_wrong_line_of_a_register_is_named_and_none_is_saved(partnership, api):
    session = session_of(partnership, days=-8, parts=2)
    first = BookingFactory.create(session=session)
    second = BookingFactory.create(session=session)
    response = api.put(
        url("register", partnership, session_id=session.pk),
        {
            "entries": [
                {"booking": first.pk, "outcome": "partly"},
                {"booking": second.pk, "outcome": "attended", "arrived_late": True},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {
        "entries.0.parts_attended",
        "entries.1.late_minutes",
    }
    assert not Attendance.objects.exists()

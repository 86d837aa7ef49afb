"""Who may accept or decline a waiting-list offer, through the page and the API alike.

The learner, or anyone who may book for them (their line manager, their
agency's lead, a coordinator: decision 0018). Anyone else in the partnership
cannot see the booking, so it answers 404 as one that does not exist; so does
another partnership's member.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.delivery.tests.booking_setup import make_agency, make_person, record_notices
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ANSWERS = {"accept": BookingStatus.CONFIRMED, "decline": BookingStatus.DECLINED}


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    return record_notices(monkeypatch)


@dataclass
class Offer:
    booking: Booking
    people: dict[str, object]


@pytest.fixture
def offer(partnership, other_partnership) -> Offer:
    """An offered place of a learner, and the members around them."""
    lead = UserFactory.create()
    MembershipFactory.create(partnership=partnership, user=lead, role=Role.AGENCY_LEAD)
    agency = make_agency(partnership, lead=lead)
    manager = make_person(partnership, agency=agency, with_user=True)
    MembershipFactory.create(partnership=partnership, user=manager.user, role=Role.LINE_MANAGER)
    learner = make_person(partnership, agency=agency, with_user=True, line_manager=manager)
    other_manager = make_person(partnership, with_user=True)
    MembershipFactory.create(
        partnership=partnership, user=other_manager.user, role=Role.LINE_MANAGER
    )
    colleague = make_person(partnership, agency=agency, with_user=True)
    coordinator = UserFactory.create()
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    elsewhere = UserFactory.create()
    MembershipFactory.create(partnership=other_partnership, user=elsewhere, role=Role.COORDINATOR)

    start = timezone.localdate() + datetime.timedelta(days=14)
    session = SessionFactory.create(partnership=partnership, capacity=1, parts__start=start)
    Session.objects.filter(pk=session.pk).update(places_taken=1)
    booking = BookingFactory.create(
        session=session,
        person=learner,
        status=BookingStatus.OFFERED,
        confirmed_at=None,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    return Offer(
        booking=booking,
        people={
            "learner": learner.user,
            "line manager": manager.user,
            "agency lead": lead,
            "coordinator": coordinator,
            "colleague": colleague.user,
            "another line manager": other_manager.user,
            "another partnership's coordinator": elsewhere,
        },
    )


@pytest.fixture
def page_answer(client, sign_in, partnership) -> Callable:
    """``answer(user, "accept", booking)``: the page's button, as ``user``; the status code."""

    def answer(user, verb: str, booking: Booking, code: str = partnership.code) -> int:
        sign_in(user)
        address = reverse(f"sessions:offer-{verb}", kwargs={"code": code, "booking_id": booking.pk})
        return client.post(address).status_code

    return answer


@pytest.fixture
def api_answer(token_client, partnership) -> Callable:
    """``answer(user, "accept", booking)``: the API's operation, as ``user``; the status code."""

    def answer(user, verb: str, booking: Booking, code: str = partnership.code) -> int:
        address = reverse(f"api:offer-{verb}", kwargs={"code": code, "booking_id": booking.pk})
        return token_client(user).post(address, content_type="application/json").status_code

    return answer


DOORS = ["page_answer", "api_answer"]
SUCCESS = {"page_answer": 302, "api_answer": 200}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("verb", ANSWERS)
@pytest.mark.parametrize("who", ["learner", "line manager", "agency lead", "coordinator"])
def test_the_learner_and_who_may_book_for_them_answer_an_offer(request, offer, door, verb, who):
    answer = request.getfixturevalue(door)
    assert answer(offer.people[who], verb, offer.booking) == SUCCESS[door]
    offer.booking.refresh_from_db()
    assert offer.booking.status == ANSWERS[verb]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("verb", ANSWERS)
@pytest.mark.parametrize("who", ["colleague", "another line manager"])
def test_nobody_else_in_the_partnership_answers_it(request, offer, door, verb, who):
    answer = request.getfixturevalue(door)
    assert answer(offer.people[who], verb, offer.booking) == 404
    offer.booking.refresh_from_db()
    assert offer.booking.status == BookingStatus.OFFERED


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("verb", ANSWERS)
def test_another_partnership_never_finds_it(request, offer, other_partnership, door, verb):
    answer = request.getfixturevalue(door)
    outsider = offer.people["another partnership's coordinator"]
    assert answer(outsider, verb, offer.booking) == 404
    assert answer(outsider, verb, offer.booking, code=other_partnership.code) == 404
    offer.booking.refresh_from_db()
    assert offer.booking.status == BookingStatus.OFFERED


def test_a_manager_who_accepts_is_told_for_whom_and_sent_back_to_the_session(
    offer, client, sign_in, partnership
):
    sign_in(offer.people["line manager"])
    booking = offer.booking
    address = reverse(
        "sessions:offer-accept", kwargs={"code": partnership.code, "booking_id": booking.pk}
    )
    response = client.post(address, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "sessions:detail", kwargs={"code": partnership.code, "session_id": booking.session_id}
    )
    assert escape(f"for {booking.person.full_name}.") in response.text


def test_a_learner_who_accepts_goes_back_to_their_bookings(offer, client, sign_in, partnership):
    sign_in(offer.people["learner"])
    address = reverse(
        "sessions:offer-accept",
        kwargs={"code": partnership.code, "booking_id": offer.booking.pk},
    )
    response = client.post(address, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "sessions:my-bookings", kwargs={"code": partnership.code}
    )
    assert "You accepted the place on" in response.text

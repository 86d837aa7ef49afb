"""Hostile numbers and text through the session form, the sessions API and the settings page.

Each gets an error naming its field, nothing is stored, and the session pages
and API still answer for everyone afterwards.
"""

import datetime
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.delivery.models import DeliverySettings, Session, SessionTrainer
from interagency.delivery.tests.factories import SessionFactory, VenueFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2030, 6, 3)


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(partnership):
    course = CourseFactory.create(title="Working Together")
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    return course


@pytest.fixture
def venue(partnership):
    return VenueFactory.create(partnership=partnership, name="Crowndale Centre")


@pytest.fixture
def api(coordinator) -> Client:
    _, text = issue_access_token(user=coordinator, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"})


def api_url(partnership, name: str = "session-list", **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


def send(client: Client, address: str, raw_body: str, method: str = "post"):
    """``raw_body`` as sent: JSON allows 1e400, which Python reads as infinity."""
    return getattr(client, method)(address, raw_body, content_type="application/json")


def session_body(course, venue, /, **fields) -> dict:
    return {
        "course": course.pk,
        "venue": venue.pk,
        "capacity": 20,
        "parts": [{"starts_at": "2030-06-03T09:30", "ends_at": "2030-06-03T16:30"}],
        **fields,
    }


def error_fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def pages_still_answer(client: Client, partnership, api: Client) -> None:
    assert client.get(reverse("sessions:index", kwargs={"code": partnership.code})).status_code == (
        200
    )
    assert client.get(reverse("sessions:list", kwargs={"code": partnership.code})).status_code == (
        200
    )
    assert api.get(api_url(partnership)).status_code == 200


# The sessions API ---------------------------------------------------------------------------

HOSTILE_NUMBERS = [
    # (field, raw JSON value)
    ("no_show_charge", "1e400"),
    ("no_show_charge", '"NaN"'),
    ("no_show_charge", '"Infinity"'),
    ("no_show_charge", "-1"),
    ("no_show_charge", "100000.01"),
    ("no_show_charge", "12.345"),
    ("capacity", str(10**20)),
    ("capacity", "1001"),
    ("capacity", "1e400"),
    ("minimum_numbers", "-1"),
    ("regional_places", str(10**30)),
    ("max_agency_share", "101"),
    ("course", str(10**30)),
    ("venue", str(10**20)),
]


@pytest.mark.parametrize(("field", "raw"), HOSTILE_NUMBERS)
def test_an_out_of_range_number_is_a_field_error_and_nothing_is_stored(
    coordinator_client, partnership, api, course, venue, field, raw
):
    body = json.dumps(session_body(course, venue, **{field: "__HOSTILE__"}))
    response = send(api, api_url(partnership), body.replace('"__HOSTILE__"', raw))

    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    assert not Session.objects.exists()
    pages_still_answer(coordinator_client, partnership, api)


def test_a_change_to_an_out_of_range_number_keeps_the_stored_session(
    coordinator_client, partnership, api, course, venue
):
    session = SessionFactory.create(partnership=partnership, course=course, capacity=12)
    address = api_url(partnership, "session-detail", session_id=session.pk)

    for raw in ('{"no_show_charge": 1e400}', '{"capacity": 100000000000000000000}'):
        response = send(api, address, raw, method="patch")
        assert response.status_code == 400, response.content

    session.refresh_from_db()
    assert (session.capacity, str(session.no_show_charge)) == (12, "0.00")
    pages_still_answer(coordinator_client, partnership, api)


@pytest.mark.parametrize(
    ("trainers", "field"),
    [
        ([{"name": "Asha Patel"}], None),  # no "user" key: a trainer without an account
        ([{"user": 10**30, "name": "Asha Patel"}], "trainers.0.user"),
        ([{"name": "Asha\x00Patel"}], "trainers.0.name"),
        ([{"name": "Asha\x07Patel"}], "trainers.0.name"),
        ([{"name": "Asha\nPatel"}], "trainers.0.name"),
        ([{"name": "A" * 151}], "trainers.0.name"),
    ],
)
def test_trainers_are_checked_not_a_server_error(partnership, api, course, venue, trainers, field):
    response = send(
        api, api_url(partnership), json.dumps(session_body(course, venue, trainers=trainers))
    )

    if field is None:
        assert response.status_code == 201, response.content
        assert SessionTrainer.objects.get().name == "Asha Patel"
    else:
        assert response.status_code == 400, response.content
        assert field in error_fields(response)
        assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "Bring lunch\x00"),
        ("notes", "Ring the bell \x07 twice"),
        ("joining_instructions", "Dial in\x1b[31m"),
        ("notes", "n" * 10_001),
    ],
)
def test_bad_text_is_a_field_error(partnership, api, course, venue, field, value):
    response = send(
        api, api_url(partnership), json.dumps(session_body(course, venue, **{field: value}))
    )

    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    assert not Session.objects.exists()


def test_free_text_keeps_its_line_breaks_and_tabs(partnership, api, course, venue):
    notes = "Bring lunch.\n\tParking at the back."
    response = send(api, api_url(partnership), json.dumps(session_body(course, venue, notes=notes)))

    assert response.status_code == 201, response.content
    assert Session.objects.get().notes == notes


# The session form and the booking settings page --------------------------------------------


def form_data(course, venue, **extra) -> dict[str, str]:
    data = {
        "parts": "1",
        "holds": "1",
        "course": str(course.pk),
        "format": "in_person",
        "venue": str(venue.pk),
        "capacity": "20",
        "save": "1",
        "part-0-day_0": str(DAY.day),
        "part-0-day_1": str(DAY.month),
        "part-0-day_2": str(DAY.year),
        "part-0-starts": "09:30",
        "part-0-ends": "16:30",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("no_show_charge", "1e400", "no-show charge"),
        ("no_show_charge", "NaN", "no-show charge"),
        ("no_show_charge", "Infinity", "no-show charge"),
        ("no_show_charge", "-1", "no-show charge"),
        ("capacity", str(10**20), "capacity"),
        ("capacity", "-1", "capacity"),
        ("regional_places", str(10**30), "region"),
        ("minimum_numbers", "1e400", "minimum numbers"),
        ("part-0-day_2", str(10**30), "date of part 1"),
        ("notes", "Bring lunch\x00", "null characters"),
        ("notes", "Ring the bell \x07 twice", "control character"),
        ("trainer_name", "Asha\x07Patel", "control character"),
    ],
)
def test_the_session_form_names_the_problem_and_stores_nothing(
    coordinator_client, partnership, api, course, venue, field, value, words
):
    address = reverse("sessions:session-new", kwargs={"code": partnership.code})
    response = coordinator_client.post(address, form_data(course, venue, **{field: value}))

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert words in response.text.lower()
    assert not Session.objects.exists()
    pages_still_answer(coordinator_client, partnership, api)


@pytest.mark.parametrize("charge", ["1e400", "NaN", "-Infinity", "100000.01", "-1"])
def test_the_default_no_show_charge_is_bounded(coordinator_client, partnership, charge):
    page = reverse("sessions:settings", kwargs={"code": partnership.code})
    data = {
        "requires_manager_approval": "no",
        "waiting_list_mode": "auto",
        "offer_hours": "24",
        "reminder_days": "3",
        "default_no_show_charge": charge,
    }
    response = coordinator_client.post(page, data)

    assert response.status_code == 200
    assert "no-show charge" in response.text.lower()
    assert not DeliverySettings.objects.filter(default_no_show_charge__gt=0).exists()


def test_a_huge_year_in_the_session_filters_is_an_error_not_a_server_error(
    coordinator_client, partnership
):
    address = reverse("sessions:list", kwargs={"code": partnership.code})
    response = coordinator_client.get(
        address, {"date_from_0": "1", "date_from_1": "1", "date_from_2": str(10**30)}
    )

    assert response.status_code == 200
    assert "Enter a real date" in response.text

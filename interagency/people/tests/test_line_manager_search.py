"""The line manager on the person form: found by a search, never a list of everyone.

Without JavaScript the Find button sends the form back with up to 20 matches as
radios (nothing saved, no errors); with htmx the same address answers only the
matches partial. The choice is checked on the server: someone the member may
see, still in post, not the person themselves.
"""

import datetime
import re

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people.forms import MANAGER_MATCHES
from interagency.people.models import Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")


def new_person(agency, **extra) -> dict:
    return {
        "full_name": "Nia Newstarter",
        "agency": agency.pk,
        "employment_type": "permanent",
    } | extra


def radio_values(html: str) -> list[str]:
    return re.findall(r'name="line_manager" type="radio" value="([^"]+)"', html)


def many_people(agency, count: int, *, name: str) -> None:
    """``count`` current people named ``name`` N, in one insert (fast even for thousands)."""
    Person.objects.bulk_create(
        Person(
            partnership=agency.partnership,
            agency=agency,
            full_name=f"{name} {n:05d}",
            work_email=f"{name.lower().replace(' ', '.')}{n}@nhs.example",
            job_title="Nurse",
        )
        for n in range(count)
    )


# The page and the search -----------------------------------------------------------------


def test_the_form_has_a_search_box_and_no_list_of_everyone(partnership, coordinator_client, agency):
    PersonFactory.create(agency=agency, full_name="Mo Manager")
    html = coordinator_client.get(url("person-new", partnership)).text
    assert 'name="manager_search"' in html and "Find" in html
    assert "Mo Manager" not in html
    assert radio_values(html) == []


def test_find_without_javascript_shows_matches_and_keeps_what_was_typed(
    partnership, coordinator_client, agency
):
    mo = PersonFactory.create(agency=agency, full_name="Mo Manager", job_title="Ward sister")
    PersonFactory.create(agency=agency, full_name="Molly Gone", left_on=datetime.date(2024, 1, 1))
    PersonFactory.create(agency=agency, full_name="Zed Other")
    response = coordinator_client.post(
        url("person-new", partnership),
        new_person(agency, full_name="", manager_search="mo", find_manager="1"),
    )
    assert response.status_code == 200
    html = response.text
    assert radio_values(html) == [str(mo.pk), "none"]
    assert "Ward sister, Royal Free Hospital" in html
    assert "1 match for “mo”" in html
    # A search is not a submission: nothing saved, no error for the empty name.
    assert "govuk-error-summary" not in html and "<title>Error" not in html
    assert not Person.objects.filter(full_name="").exists()
    assert 'value="mo"' in html


def test_htmx_gets_only_the_matches_partial(partnership, coordinator_client, agency):
    mo = PersonFactory.create(agency=agency, full_name="Mo Manager")
    response = coordinator_client.get(
        url("person-new", partnership),
        {"manager_search": "manager"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<form" not in html
    assert radio_values(html) == [str(mo.pk), "none"]
    # The same address without htmx is the whole page, with no matches listed.
    page = coordinator_client.get(url("person-new", partnership), {"manager_search": "manager"})
    assert "<form" in page.text


def test_matches_are_capped_and_say_there_are_more(partnership, coordinator_client, agency):
    many_people(agency, MANAGER_MATCHES + 5, name="Sam Smith")
    html = coordinator_client.post(
        url("person-new", partnership), new_person(agency, manager_search="smith", find_manager="1")
    ).text
    assert len(radio_values(html)) == MANAGER_MATCHES + 1  # and "No line manager"
    assert f"More than {MANAGER_MATCHES} match “smith”" in html


def test_an_agency_lead_finds_only_their_own_agencys_people(
    partnership, member_with, sign_in, client, agency
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    mine = PersonFactory.create(agency=own, full_name="Pat Mine")
    PersonFactory.create(agency=agency, full_name="Pat Theirs")
    PersonFactory.create(
        agency__partnership=AgencyFactory.create().partnership, full_name="Pat Away"
    )
    sign_in(lead)
    html = client.post(
        url("person-new", partnership), new_person(own, manager_search="pat", find_manager="1")
    ).text
    assert radio_values(html) == [str(mine.pk), "none"]
    assert "Pat Theirs" not in html and "Pat Away" not in html


# Choosing and the server's checks ----------------------------------------------------------


def test_a_chosen_match_becomes_the_line_manager(partnership, coordinator_client, agency):
    mo = PersonFactory.create(agency=agency, full_name="Mo Manager")
    response = coordinator_client.post(
        url("person-new", partnership),
        new_person(agency, manager_search="mo", line_manager=str(mo.pk)),
    )
    assert response.status_code == 302
    assert Person.objects.get(full_name="Nia Newstarter").line_manager == mo


@pytest.mark.parametrize(
    ("whom", "message"),
    [
        ("left", "left on 1 January 2024: choose a line manager who is still in post"),
        ("other partnership", "is not someone you can see in this partnership"),
        ("not visible", "is not someone you can see in this partnership"),
        ("missing", "is not someone you can see in this partnership"),
        ("not a number", "Choose the line manager from the list of matches"),
    ],
)
def test_a_line_manager_who_cannot_be_chosen_is_refused_with_the_reason(
    partnership, member_with, sign_in, client, agency, whom, message
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    choices = {
        "left": lambda: PersonFactory.create(agency=own, left_on=datetime.date(2024, 1, 1)).pk,
        "other partnership": lambda: PersonFactory.create().pk,
        "not visible": lambda: PersonFactory.create(agency=agency).pk,
        "missing": lambda: 999_999,
        "not a number": lambda: "boss",
    }
    sign_in(lead)
    response = client.post(
        url("person-new", partnership), new_person(own, line_manager=str(choices[whom]()))
    )
    assert response.status_code == 200
    html = response.text
    assert message in html
    # In the error summary, linked to the line manager radios shown with the error.
    assert '<a href="#id_line_manager">' in html and 'id="id_line_manager"' in html
    assert "<title>Error: " in html
    assert not Person.objects.filter(full_name="Nia Newstarter").exists()


def test_a_person_cannot_be_their_own_line_manager(partnership, coordinator_client, agency):
    person = PersonFactory.create(agency=agency)
    response = coordinator_client.post(
        url("person-edit", partnership, person_id=person.pk),
        new_person(agency, full_name=person.full_name, line_manager=str(person.pk)),
    )
    assert response.status_code == 200
    assert "A person cannot be their own line manager" in response.text
    person.refresh_from_db()
    assert person.line_manager is None


def test_the_person_is_not_offered_as_their_own_line_manager(
    partnership, coordinator_client, agency
):
    person = PersonFactory.create(agency=agency, full_name="Kim Self")
    other = PersonFactory.create(agency=agency, full_name="Kim Other")
    html = coordinator_client.post(
        url("person-edit", partnership, person_id=person.pk),
        new_person(agency, full_name="Kim Self", manager_search="kim", find_manager="1"),
    ).text
    assert radio_values(html) == [str(other.pk), "none"]


def test_a_name_typed_but_no_match_chosen_is_an_error_not_a_silent_blank(
    partnership, coordinator_client, agency
):
    PersonFactory.create(agency=agency, full_name="Mo Manager")
    response = coordinator_client.post(
        url("person-new", partnership), new_person(agency, manager_search="mo")
    )
    assert response.status_code == 200
    assert "Select Find and choose the line manager from the matches" in response.text
    assert '<a href="#id_manager_search">' in response.text
    assert not Person.objects.filter(full_name="Nia Newstarter").exists()


def test_editing_shows_the_current_line_manager_chosen_and_can_remove_them(
    partnership, coordinator_client, agency
):
    mo = PersonFactory.create(agency=agency, full_name="Mo Manager")
    person = PersonFactory.create(agency=agency, full_name="Rae Report", line_manager=mo)
    html = coordinator_client.get(url("person-edit", partnership, person_id=person.pk)).text
    assert re.search(rf'value="{mo.pk}" checked', html)
    assert radio_values(html) == [str(mo.pk), "none"]
    response = coordinator_client.post(
        url("person-edit", partnership, person_id=person.pk),
        new_person(agency, full_name="Rae Report", line_manager="none"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.line_manager is None
    event = AuditEvent.objects.get(subject_id=str(person.pk), action="changed")
    assert event.changes["line_manager_id"] == [mo.pk, None]


def test_a_current_line_manager_who_has_left_can_be_kept_while_editing_other_fields(
    partnership, coordinator_client, agency
):
    gone = PersonFactory.create(agency=agency, left_on=datetime.date(2024, 1, 1))
    person = PersonFactory.create(agency=agency, job_title="Nurse", line_manager=gone)
    response = coordinator_client.post(
        url("person-edit", partnership, person_id=person.pk),
        new_person(
            agency, full_name=person.full_name, job_title="Ward sister", line_manager=str(gone.pk)
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.job_title, person.line_manager) == ("Ward sister", gone)


# Fixed query counts at borough scale -------------------------------------------------------


def test_the_person_form_takes_the_same_queries_for_a_few_or_thousands_of_people(
    partnership, coordinator_client, agency, django_assert_max_num_queries
):
    mo = PersonFactory.create(agency=agency, full_name="Mo Manager")
    person = PersonFactory.create(agency=agency, line_manager=mo)
    requests = [
        ("get", url("person-new", partnership), {}, {}),
        ("get", url("person-edit", partnership, person_id=person.pk), {}, {}),
        (
            "post",
            url("person-new", partnership),
            new_person(agency, manager_search="a", line_manager=str(mo.pk), find_manager="1"),
            {},
        ),
        ("get", url("person-new", partnership), {"manager_search": "a"}, {"HX-Request": "true"}),
    ]

    def send_all() -> list[int]:
        sizes = []
        for method, address, data, headers in requests:
            response = getattr(coordinator_client, method)(address, data, headers=headers)
            assert response.status_code == 200
            sizes.append(len(radio_values(response.text)))
        return sizes

    with django_assert_max_num_queries(80) as few:
        send_all()
    many_people(agency, 8_000, name="Alex Staff")
    with django_assert_max_num_queries(len(few.captured_queries)):
        sizes = send_all()
    # The chosen manager, the first 20 matches and "No line manager": never 8,000 radios.
    assert sizes == [0, 2, MANAGER_MATCHES + 2, MANAGER_MATCHES + 1]

"""People search by index: every word typed begins a word of the name or work email.

The same answers on SQLite (FTS5) and PostgreSQL (trigram index), wherever
people are searched: the people list, the people API, the line manager
search on the person form, booking people from a team. Any text typed is
answered, never with a server error.
"""

import re

import pytest
from django.db import connection
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.people import selectors
from interagency.people.models import Person
from interagency.people.search_index import ensure_sqlite_index
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Whittington Health")


@pytest.fixture
def people(agency):
    """Five people whose names and emails share letters in different places."""
    return {
        person.full_name: person
        for person in [
            PersonFactory.create(
                agency=agency, full_name="Jo Smith", work_email="jo.s@nhs.example"
            ),
            PersonFactory.create(
                agency=agency, full_name="Joanne Ray", work_email="jray@council.example"
            ),
            PersonFactory.create(
                agency=agency, full_name="Ray Jones", work_email="ray.jones@nhs.example"
            ),
            PersonFactory.create(
                agency=agency, full_name="Ojo Adeyemi", work_email="o.adeyemi@nhs.example"
            ),
            PersonFactory.create(
                agency=agency, full_name="Siân O'Brien-Smythe", work_email="sian.ob@police.example"
            ),
        ]
    }


def found(partnership, text: str) -> list[str]:
    everyone = Person.objects.for_partnership(partnership)
    return [person.full_name for person in selectors.search_people(everyone, search=text)]


def test_each_word_begins_a_word_of_the_name_or_email(partnership, people):
    assert found(partnership, "jo") == ["Jo Smith", "Joanne Ray", "Ray Jones"]
    assert found(partnership, "JO smi") == ["Jo Smith"]
    assert found(partnership, "ray") == ["Joanne Ray", "Ray Jones"]
    assert found(partnership, "council") == ["Joanne Ray"]
    assert found(partnership, "nhs jones") == ["Ray Jones"]
    # Inside a word is not a match: "jo" is not the start of "Ojo", "ith" of "Smith".
    assert found(partnership, "ith") == []
    assert found(partnership, "adey") == ["Ojo Adeyemi"]


def test_punctuation_separates_words_and_accents_are_kept(partnership, people):
    assert found(partnership, "smythe") == ["Siân O'Brien-Smythe"]
    assert found(partnership, "o'brien") == ["Siân O'Brien-Smythe"]
    assert found(partnership, "brien") == ["Siân O'Brien-Smythe"]
    assert found(partnership, "SIÂN") == ["Siân O'Brien-Smythe"]
    assert found(partnership, "sian.ob@police.example") == ["Siân O'Brien-Smythe"]
    assert found(partnership, "jo.s@nhs") == ["Jo Smith"]


def test_only_punctuation_narrows_nothing_and_any_length_is_answered(partnership, people):
    everyone = sorted(people)
    assert found(partnership, "") == everyone
    assert found(partnership, "!!! ?? -- ' \" * % _ ( ) :") == everyone
    assert found(partnership, "a" * 10_000) == []
    assert found(partnership, "jo " * 3_000) == ["Jo Smith", "Joanne Ray", "Ray Jones"]
    assert found(partnership, '"jo"* OR ray NEAR(x) AND NOT') == []
    assert found(partnership, "%_\\") == everyone


def test_the_index_follows_additions_changes_and_removals(partnership, agency, people):
    jo = people["Jo Smith"]
    jo.full_name = "Jo Brown"
    jo.save()
    assert found(partnership, "smith") == []
    assert found(partnership, "brown") == ["Jo Brown"]
    Person.objects.filter(pk=jo.pk).update(work_email="jo.brown@nhs.example")
    assert found(partnership, "jo.s") == []
    assert found(partnership, "jo.brown") == ["Jo Brown"]
    Person.objects.bulk_create(
        [Person(partnership=partnership, agency=agency, full_name="Kit Bulk", work_email="")]
    )
    assert found(partnership, "kit") == ["Kit Bulk"]
    Person.objects.filter(full_name="Kit Bulk").delete()
    assert found(partnership, "kit") == []


def test_another_partnerships_people_are_never_found(partnership, other_partnership, people):
    PersonFactory.create(
        agency=AgencyFactory.create(partnership=other_partnership), full_name="Jo Elsewhere"
    )
    assert found(partnership, "jo") == ["Jo Smith", "Joanne Ray", "Ray Jones"]
    assert found(other_partnership, "jo") == ["Jo Elsewhere"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index's own repair")
def test_a_lost_sqlite_index_is_put_back_after_migrating(partnership, people):
    """A migration rebuilding people_person drops its triggers: post_migrate restores them."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER people_person_search_ai")
        cursor.execute("DROP TABLE people_person_search")
    assert ensure_sqlite_index(connection) is True
    assert found(partnership, "jo") == ["Jo Smith", "Joanne Ray", "Ray Jones"]
    PersonFactory.create(agency=people["Jo Smith"].agency, full_name="Jo New")
    assert "Jo New" in found(partnership, "jo")
    assert ensure_sqlite_index(connection) is False


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_drops_and_restores_the_index(partnership, agency):
    """The migration is reversible on either database, and search works again after it."""
    from django.core.management import call_command

    PersonFactory.create(agency=agency, full_name="Jo Smith")
    call_command("migrate", "people", "0008", verbosity=0)
    assert not search_index_present()
    # Forward again for every app: going back unapplied the later migrations of the apps
    # that depend on people's, and the tests after this one need their tables whole.
    call_command("migrate", verbosity=0)
    assert search_index_present()
    assert found(partnership, "jo smi") == ["Jo Smith"]


def search_index_present() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'person_search_trgm'")
            return cursor.fetchone() is not None
        return "people_person_search" in connection.introspection.table_names(cursor)


# Where people are searched -----------------------------------------------------------------


def test_the_people_list_page_searches_by_the_index(partnership, coordinator_client, people):
    page = reverse("people:people", kwargs={"code": partnership.code})
    html = coordinator_client.get(page, {"q": "jo"}).text
    assert "Jo Smith" in html and "Joanne Ray" in html and "Ray Jones" in html
    assert "Ojo Adeyemi" not in html
    for text in ["!!!", "%", "\"'*"]:  # nothing to search by: everyone
        response = coordinator_client.get(page, {"q": text})
        assert response.status_code == 200 and "5 people found" in response.text
    # Longer than the box takes: the box says so, and the list is not narrowed.
    too_long = coordinator_client.get(page, {"q": "x" * 10_000})
    assert too_long.status_code == 200
    assert "at most 100 characters" in too_long.text and "5 people found" in too_long.text


def test_the_people_api_searches_by_the_index(partnership, coordinator, people):
    _, token = issue_access_token(user=coordinator, name="Tests")
    from django.test import Client

    api = Client(headers={"Authorization": f"Bearer {token}"})
    address = reverse("api:person-list", kwargs={"code": partnership.code})
    response = api.get(address, {"q": "jo smi"})
    assert [person["full_name"] for person in response.json()["results"]] == ["Jo Smith"]
    assert api.get(address, {"q": "!!! ..."}).json()["count"] == 5
    # Longer than the API accepts: a 400 naming the field, never a 500.
    too_long = api.get(address, {"q": "x" * 10_000})
    assert too_long.status_code == 400
    assert "q" in str(too_long.json())


def test_the_line_manager_search_uses_the_index(partnership, coordinator_client, agency, people):
    page = reverse("people:person-new", kwargs={"code": partnership.code})
    form = {"full_name": "", "agency": agency.pk, "employment_type": "permanent"}
    html = coordinator_client.post(page, form | {"manager_search": "jo", "find_manager": "1"}).text
    chosen = re.findall(r'name="line_manager" type="radio" value="(\d+)"', html)
    expected = [people[name].pk for name in ["Jo Smith", "Joanne Ray", "Ray Jones"]]
    assert chosen == [str(pk) for pk in expected]

    def offered(text: str) -> list[str]:
        response = coordinator_client.post(
            page, form | {"manager_search": text, "find_manager": "1"}
        )
        assert response.status_code == 200
        return re.findall(r'name="line_manager" type="radio" value="(\d+)"', response.text)

    assert offered("x" * 10_000) == []
    assert len(offered("?!")) == 5  # nothing to search by: everyone in post

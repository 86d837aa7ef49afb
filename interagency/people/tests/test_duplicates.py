"""Duplicate people across agencies, and merging them without losing anything."""

import datetime

import pytest
from django.urls import reverse

from interagency.accounts.tests.factories import UserFactory
from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people import selectors
from interagency.people.models import Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory, PostFactory


@pytest.fixture
def two_agencies(partnership):
    return AgencyFactory.create(partnership=partnership), AgencyFactory.create(
        partnership=partnership
    )


@pytest.mark.django_db
def test_people_sharing_an_email_in_any_case_are_grouped(partnership, two_agencies):
    council, trust = two_agencies
    one = PersonFactory.create(agency=council, work_email="Jo.Bloggs@nhs.example")
    two = PersonFactory.create(agency=trust, work_email="jo.bloggs@NHS.example")
    PersonFactory.create(agency=trust, work_email="someone.else@nhs.example")

    groups = selectors.duplicate_groups(partnership)

    assert [(g["kind"], g["key"]) for g in groups] == [("email", "jo.bloggs@nhs.example")]
    assert {p.pk for p in groups[0]["people"]} == {one.pk, two.pk}


@pytest.mark.django_db
def test_people_sharing_a_registration_number_are_grouped_and_blank_ones_are_not(
    partnership, two_agencies
):
    council, trust = two_agencies
    PersonFactory.create(agency=council, registration_number="NMC123")
    PersonFactory.create(agency=trust, registration_number="NMC123")
    PersonFactory.create(agency=council, registration_number="")
    PersonFactory.create(agency=trust, registration_number="")

    groups = selectors.duplicate_groups(partnership)

    assert [(g["kind"], g["key"], len(g["people"])) for g in groups] == [
        ("registration", "NMC123", 2)
    ]


@pytest.mark.django_db
def test_merged_people_and_another_partnerships_people_are_never_grouped(
    partnership, other_partnership, two_agencies
):
    council, trust = two_agencies
    kept = PersonFactory.create(agency=council, work_email="a@x.example")
    PersonFactory.create(agency=trust, work_email="a@x.example", merged_into=kept)
    PersonFactory.create(
        agency=AgencyFactory.create(partnership=other_partnership), work_email="a@x.example"
    )
    PersonFactory.create(
        agency=AgencyFactory.create(partnership=other_partnership), registration_number="GMC1"
    )
    PersonFactory.create(agency=trust, registration_number="GMC1")

    assert selectors.duplicate_groups(partnership) == []


@pytest.mark.django_db
def test_the_duplicates_page_lists_groups_with_fixed_queries(
    coordinator_client, partnership, two_agencies, django_assert_max_num_queries
):
    council, trust = two_agencies
    url = reverse("people:duplicates", args=[partnership.code])
    PersonFactory.create(agency=council, work_email="one@x.example", full_name="Ada One")
    PersonFactory.create(agency=trust, work_email="ONE@x.example")
    with django_assert_max_num_queries(30) as one:
        response = coordinator_client.get(url)
    assert "Ada One" in response.content.decode()
    for number in range(15):
        PersonFactory.create(agency=council, work_email=f"p{number}@x.example")
        PersonFactory.create(agency=trust, work_email=f"p{number}@x.example")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(url)
    assert len(response.context["groups"]) == 16


@pytest.mark.django_db
def test_the_duplicates_page_is_paged_with_the_same_queries_for_one_or_many_groups(
    coordinator_client, partnership, two_agencies, django_assert_max_num_queries
):
    """A partnership with thousands of duplicates gets a page of groups, never all of them."""
    from interagency.people.views.duplicates import GROUPS_PER_PAGE

    council, trust = two_agencies
    url = reverse("people:duplicates", args=[partnership.code])
    PersonFactory.create(agency=council, registration_number="GMC0", full_name="Ada One")
    PersonFactory.create(agency=trust, registration_number="GMC0")
    with django_assert_max_num_queries(30) as one:
        html = coordinator_client.get(url).text
    assert "Ada One" in html and "govuk-pagination" not in html
    assert "1 group of records." in html
    many = GROUPS_PER_PAGE * 2 + 3
    Person.objects.bulk_create(
        Person(partnership=partnership, agency=agency, full_name=f"Dup {n:03d}",
               work_email=f"dup{n:03d}@x.example")
        for n in range(many)
        for agency in (council, trust)
    )  # fmt: skip
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = coordinator_client.get(url).text
    assert f"{many + 1} groups of records, 1 to {GROUPS_PER_PAGE} shown." in html
    assert "Work email dup000@x.example" in html
    assert f"Work email dup{GROUPS_PER_PAGE - 1:03d}@x.example" in html
    assert f"Work email dup{GROUPS_PER_PAGE:03d}@x.example" not in html
    assert 'class="govuk-pagination"' in html and 'href="?page=3"' in html
    with django_assert_max_num_queries(len(one.captured_queries)):
        last = coordinator_client.get(url, {"page": 3}).text
    # Emails before registration numbers: the last page ends with the GMC0 group.
    assert f"Work email dup{many - 1:03d}@x.example" in last
    assert "Registration number GMC0" in last and "Ada One" in last
    assert "Work email dup000@x.example" not in last
    # A page number that is not one shows the nearest page, never an error.
    for page in ["999", "-1", "x" * 10_000, "1.5"]:
        assert coordinator_client.get(url, {"page": page}).status_code == 200


@pytest.mark.django_db
def test_merging_keeps_every_record_moves_the_account_and_audits_each(
    coordinator_client, coordinator, partnership, two_agencies
):
    council, trust = two_agencies
    account = UserFactory.create()
    keep = PersonFactory.create(agency=council, work_email="sam@x.example")
    other = PersonFactory.create(
        agency=trust, work_email="Sam@x.example", user=account, left_on=datetime.date(2026, 1, 1)
    )
    url = reverse("people:duplicate-merge", args=[partnership.code, keep.pk])

    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"keep": keep.pk})

    assert response.status_code == 302
    assert Person.objects.count() == 2
    keep.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == keep
    assert other.left_on == datetime.date(2026, 1, 1)
    assert keep.user == account and other.user is None
    events = AuditEvent.objects.filter(subject_type="people.Person")
    assert {event.subject_id for event in events} == {str(keep.pk), str(other.pk)}
    assert all(event.actor_user_id == coordinator.pk for event in events)
    other_event = events.get(subject_id=str(other.pk))
    assert other_event.changes["merged_into_id"] == [None, keep.pk]
    assert selectors.duplicate_groups(partnership) == []


@pytest.mark.django_db
def test_the_kept_record_keeps_its_own_account(coordinator_client, partnership, two_agencies):
    council, trust = two_agencies
    mine, theirs = UserFactory.create(), UserFactory.create()
    keep = PersonFactory.create(agency=council, registration_number="SWE9", user=mine)
    other = PersonFactory.create(agency=trust, registration_number="SWE9", user=theirs)

    coordinator_client.post(
        reverse("people:duplicate-merge", args=[partnership.code, other.pk]), {"keep": keep.pk}
    )

    keep.refresh_from_db()
    other.refresh_from_db()
    assert (keep.user, other.user, other.merged_into) == (mine, theirs, keep)


@pytest.mark.django_db
def test_merging_without_choosing_shows_an_error(coordinator_client, partnership, two_agencies):
    council, trust = two_agencies
    keep = PersonFactory.create(agency=council, work_email="z@x.example")
    PersonFactory.create(agency=trust, work_email="z@x.example")
    url = reverse("people:duplicate-merge", args=[partnership.code, keep.pk])

    response = coordinator_client.post(url, {})

    assert response.status_code == 200
    assert "Select the record to keep" in response.content.decode()
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.django_db
def test_agency_leads_may_not_merge(client, sign_in, member_with, partnership, two_agencies):
    council, trust = two_agencies
    keep = PersonFactory.create(agency=council, work_email="z@x.example")
    PersonFactory.create(agency=trust, work_email="z@x.example")
    sign_in(member_with(Role.AGENCY_LEAD))

    assert client.get(reverse("people:duplicates", args=[partnership.code])).status_code == 403
    url = reverse("people:duplicate-merge", args=[partnership.code, keep.pk])
    assert client.post(url, {"keep": keep.pk}).status_code == 403
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.django_db
def test_merging_moves_the_further_posts_to_the_record_kept(
    coordinator_client, partnership, two_agencies
):
    council, trust = two_agencies
    keep = PersonFactory.create(agency=council, work_email="sam@x.example")
    other = PersonFactory.create(agency=trust, work_email="sam@x.example")
    post = PostFactory.create(person=other, job_title="Night duty lead")
    url = reverse("people:duplicate-merge", args=[partnership.code, keep.pk])

    response = coordinator_client.post(url, {"keep": keep.pk})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.person == keep
    event = AuditEvent.objects.get(subject_type="people.Person", subject_id=str(keep.pk))
    assert event.changes["posts_moved"] == [None, [post.pk]]

"""A person's records move to another partnership with their share code and work email."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people.tests.factories import PersonFactory
from interagency.records.models import RecordShare, TrainingRecord
from interagency.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def shared(client, sign_in, partnership, catalogue, team):
    """Ada's two records in Camden, and the share code she made."""
    for course, day in ((catalogue["core"], 3), (catalogue["intro"], 4)):
        TrainingRecord.objects.create(
            partnership=partnership,
            person=team["learner"],
            course=course,
            completed_on=datetime.date(2026, 2, day),
            hours=Decimal(3),
            source=TrainingRecord.Source.ELEARNING,
            framework=course.framework,
            tier=course.tier,
            inter_agency=False,
        )
    sign_in(team["learner_user"])
    page = client.post(reverse("records:share", kwargs={"code": partnership.code}))
    found = re.search(r'id="share-code">([A-Z0-9-]+)<', page.text)
    assert found is not None
    return found.group(1)


def test_the_receiving_coordinator_takes_the_records_in_with_their_provenance(
    client, sign_in, partnership, other_partnership, shared, catalogue
):
    coordinator = MembershipFactory.create(
        partnership=other_partnership, role=Role.COORDINATOR
    ).user
    arrived = PersonFactory.create(
        partnership=other_partnership,
        agency__partnership=other_partnership,
        work_email="Ada@Agency.example",
    )
    sign_in(coordinator)
    url = reverse("records:move-in", kwargs={"code": other_partnership.code})
    found = client.post(url, {"email": "ada@agency.example", "code": shared, "action": "find"})
    assert "2 records from Camden Safeguarding Children Partnership" in found.text
    assert not TrainingRecord.objects.filter(partnership=other_partnership).exists()

    taken = client.post(
        url, {"email": "ada@agency.example", "code": shared.lower(), "action": "move"}
    )
    assert taken.status_code == 302
    moved = TrainingRecord.objects.filter(partnership=other_partnership).order_by("completed_on")
    assert [r.person for r in moved] == [arrived, arrived]
    assert {r.source for r in moved} == {TrainingRecord.Source.MOVED}
    assert {r.moved_from for r in moved} == {partnership}
    assert moved[0].provenance == (
        "Moved from Camden Safeguarding Children Partnership (e-learning)"
    )
    assert moved[0].tier_id == catalogue["core"].tier_id
    # Audited in both partnerships; the originals stay where they were.
    assert AuditEvent.objects.filter(partnership=other_partnership).count() == 2
    assert AuditEvent.objects.filter(
        partnership=partnership, subject_type="records.RecordShare"
    ).exists()
    assert TrainingRecord.objects.filter(partnership=partnership).count() == 2
    # A code works once.
    again = client.post(url, {"email": "ada@agency.example", "code": shared, "action": "move"})
    assert "No records are shared under that work email and code" in again.text
    assert TrainingRecord.objects.filter(partnership=other_partnership).count() == 2


def test_a_wrong_email_or_code_finds_nothing(
    client, sign_in, partnership, other_partnership, shared
):
    coordinator = MembershipFactory.create(
        partnership=other_partnership, role=Role.COORDINATOR
    ).user
    sign_in(coordinator)
    url = reverse("records:move-in", kwargs={"code": other_partnership.code})
    for email, code in (("someone@agency.example", shared), ("ada@agency.example", "AAAA-BBBB")):
        response = client.post(url, {"email": email, "code": code, "action": "move"})
        assert "govuk-error-summary" in response.text
        assert "No records are shared under that work email and code" in response.text
    assert not TrainingRecord.objects.filter(partnership=other_partnership).exists()


def test_the_person_must_be_among_the_receiving_partnerships_people_first(
    client, sign_in, other_partnership, shared
):
    coordinator = MembershipFactory.create(
        partnership=other_partnership, role=Role.COORDINATOR
    ).user
    sign_in(coordinator)
    url = reverse("records:move-in", kwargs={"code": other_partnership.code})
    response = client.post(url, {"email": "ada@agency.example", "code": shared})
    assert "Add ada@agency.example to this partnership&#x27;s people first" in response.text


def test_only_a_digest_of_the_code_is_kept_and_a_new_code_retires_the_old(
    client, sign_in, partnership, shared, team
):
    share = RecordShare.objects.get()
    assert shared.replace("-", "") not in share.code_digest
    client.post(reverse("records:share", kwargs={"code": partnership.code}))
    assert RecordShare.objects.count() == 2
    assert RecordShare.objects.filter(expires_at__gt=share.created_at).count() == 1

"""Training done elsewhere: declared with a certificate, approved or rejected, audited."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people.tests.factories import PersonFactory
from interagency.records.models import Declaration, TrainingRecord
from interagency.records.selectors.declarations import awaiting_decision_count

# Written around named dates (2025 and 2026): they stand at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def declare(client, partnership, course, **overrides):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "course": course.pk,
        "completed_on_0": "3",
        "completed_on_1": "3",
        "completed_on_2": "2026",
        "hours": "3",
        "provider": "Hospital trust, in house",
        "inter_agency": "no",
        "evidence": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return client.post(reverse("records:declaration-new", kwargs={"code": partnership.code}), data)


def test_a_learner_declares_and_their_line_manager_approves_it(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["learner_user"])
    response = declare(client, partnership, catalogue["core"])
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.status == Declaration.Status.PENDING
    assert declaration.evidence_name == "certificate.pdf"
    page = client.get(reverse("records:declarations", kwargs={"code": partnership.code}))
    assert "Awaiting approval" in page.text
    assert "<title>Training done elsewhere – Camden" in page.text
    assert "Share your training record" in page.text

    assert (
        awaiting_decision_count(
            partnership, team["manager_user"].pk, frozenset({Role.LINE_MANAGER})
        )
        == 1
    )
    sign_in(team["manager_user"])
    listed = client.get(reverse("records:declarations", kwargs={"code": partnership.code}))
    assert "Ada Learner" in listed.text
    decide = reverse(
        "records:declaration-decide",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    assert client.post(decide, {"decision": "approve"}).status_code == 302

    record = TrainingRecord.objects.get()
    assert record.source == TrainingRecord.Source.EXTERNAL
    assert record.declaration == declaration
    assert record.completed_on == datetime.date(2026, 3, 3)
    assert record.hours == Decimal(3)
    assert record.framework_id == catalogue["core"].framework_id
    assert record.tier_id == catalogue["core"].tier_id
    assert record.inter_agency is False
    assert AuditEvent.objects.filter(subject_type="records.Declaration").count() == 2
    assert AuditEvent.objects.filter(subject_type="records.TrainingRecord").count() == 1
    # Decided once only.
    again = client.post(decide, {"decision": "approve"})
    assert "already been approved" in again.text
    assert TrainingRecord.objects.count() == 1


def test_a_rejection_needs_a_reason_the_learner_then_reads(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()
    sign_in(team["coordinator"])
    decide = reverse(
        "records:declaration-decide",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    refused = client.post(decide, {"decision": "reject", "reason": ""})
    assert "govuk-error-summary" in refused.text
    assert "Enter why you are rejecting" in refused.text
    client.post(decide, {"decision": "reject", "reason": "The certificate is for another course."})
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.REJECTED
    assert not TrainingRecord.objects.exists()
    sign_in(team["learner_user"])
    page = client.get(reverse("records:declarations", kwargs={"code": partnership.code}))
    assert "The certificate is for another course." in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"completed_on_0": "1", "completed_on_1": "1", "completed_on_2": "2027"},
            "must be today or in the past",
        ),
        ({"hours": "0"}, "Hours must be more than 0"),
    ],
)
def test_a_declaration_dated_in_the_future_or_of_no_hours_is_refused(
    client, sign_in, partnership, catalogue, team, overrides, message
):
    sign_in(team["learner_user"])
    response = declare(client, partnership, catalogue["core"], **overrides)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.exe", b"MZ\x90\x00"),
        ("certificate.pdf", b"<html><script>alert(1)</script>"),
        ("certificate.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("certificate.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    ],
)
def test_evidence_must_be_a_pdf_image_or_office_document_below_the_limit(
    client, sign_in, partnership, catalogue, team, name, content
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(team["learner_user"])
    response = declare(
        client, partnership, catalogue["core"], evidence=SimpleUploadedFile(name, content)
    )
    assert response.status_code == 200
    assert "The selected file must be" in response.text
    assert not Declaration.objects.exists()


def test_a_duplicate_declaration_or_of_a_recorded_completion_is_refused(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    twice = declare(client, partnership, catalogue["core"])
    assert "already declared this course" in twice.text
    TrainingRecord.objects.create(
        partnership=partnership,
        person=team["learner"],
        course=catalogue["intro"],
        completed_on=datetime.date(2026, 3, 3),
        hours=Decimal(2),
        source=TrainingRecord.Source.ELEARNING,
    )
    recorded = declare(client, partnership, catalogue["intro"])
    assert "already in your training record" in recorded.text
    assert Declaration.objects.count() == 1


def test_the_certificate_is_served_only_to_those_who_may_see_the_declaration(
    client, sign_in, partnership, catalogue, team, member_with, evidence_dir
):
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()
    # Kept in the private folder, under a name that is not the learner's.
    stored = list(evidence_dir.rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].name != "certificate.pdf"
    url = reverse(
        "records:declaration-evidence",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    own = client.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Disposition"].startswith("attachment")
    sign_in(team["manager_user"])
    assert client.get(url).status_code == 200
    # Another learner, and a line manager of someone else, are told it is not there.
    other_manager = member_with(Role.LINE_MANAGER)
    PersonFactory.create(partnership=partnership, agency=team["learner"].agency, user=other_manager)
    for stranger in (member_with(Role.LEARNER), other_manager):
        sign_in(stranger)
        assert client.get(url).status_code == 404


def test_the_learner_cannot_approve_their_own_declaration(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    declaration = Declaration.objects.get()
    decide = reverse(
        "records:declaration-decide",
        kwargs={"code": partnership.code, "declaration_id": declaration.pk},
    )
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    assert not TrainingRecord.objects.exists()


def test_a_member_without_a_person_record_is_told_so(client, sign_in, partnership, coordinator):
    sign_in(coordinator)
    response = client.get(reverse("records:declaration-new", kwargs={"code": partnership.code}))
    assert response.status_code == 404


def test_the_declarations_page_reads_a_fixed_number_of_queries(
    client, sign_in, partnership, catalogue, team, django_assert_max_num_queries
):
    for day in range(1, 8):
        Declaration.objects.create(
            partnership=partnership,
            person=PersonFactory.create(partnership=partnership, agency=team["learner"].agency),
            course=catalogue["core"],
            completed_on=datetime.date(2026, 1, day),
            hours=Decimal(1),
            provider="Elsewhere",
            evidence="x.pdf",
            evidence_name="x.pdf",
            evidence_type="application/pdf",
        )
    sign_in(team["coordinator"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("records:declarations", kwargs={"code": partnership.code}))
    assert response.text.count("Person ") >= 7


def test_a_declaration_refused_by_the_database_leaves_no_certificate_behind(
    client, sign_in, partnership, catalogue, team, evidence_dir, monkeypatch
):
    from interagency.records.services import declarations

    sign_in(team["learner_user"])
    declare(client, partnership, catalogue["core"])
    # As if a second tab passed the check at the same moment: the constraint refuses it.
    monkeypatch.setattr(declarations, "_refuse_duplicates", lambda *args: None)
    twice = declare(client, partnership, catalogue["core"])
    assert "already declared this course" in twice.text
    assert Declaration.objects.count() == 1
    assert len(list(evidence_dir.rglob("*.pdf"))) == 1

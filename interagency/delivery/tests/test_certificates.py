"""Certificates: the PDF its learner downloads, and the public check of a number."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interagency.accounts.tests.factories import UserFactory
from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery import certificate_holds
from interagency.delivery.certificate_holds import CertificateHold
from interagency.delivery.models import AttendanceOutcome, Certificate
from interagency.delivery.selectors.certificates import certificates_of_user
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.services.certificates import revoke_certificate
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def learner(member_with):
    return member_with(Role.LEARNER)


@pytest.fixture
def certificate(partnership, learner, coordinator) -> Certificate:
    """Ada's certificate from a closed one-day register, her person record linked to her user."""
    session = SessionFactory.create(
        partnership=partnership,
        course__title="Neglect: recognising and responding",
        course__outcomes=["Recognises the signs of neglect", "Knows the local pathway"],
        parts=1,
        parts__start=timezone.localdate() - datetime.timedelta(days=2),
    )
    booking = BookingFactory.create(
        session=session,
        person=PersonFactory.create(
            full_name="Ada Lovelace", user=learner, agency__partnership=partnership
        ),
    )
    record_attendance(booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator)
    close_register(session=session, closed_by=coordinator)
    return Certificate.objects.get(booking=booking)


def pdf_url(certificate, code=None) -> str:
    return reverse(
        "sessions:certificate",
        kwargs={"code": code or certificate.partnership.code, "number": certificate.number},
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_learner_downloads_a_real_pdf_of_their_certificate(
    client, sign_in, learner, certificate, settings
):
    settings.SITE_URL = "https://training.camden.example"
    sign_in(learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{certificate.number}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    # A4 portrait in points (595 x 842).
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(response.content)
    for printed in (
        "Ada Lovelace",
        certificate.number,
        "Neglect: recognising and responding",
        certificate.tier_name,
        certificate.attended_on.strftime("%-d %B %Y"),
        "7.0",
        "Recognises the signs of neglect",
        certificate.partnership_name,
        "https://training.camden.example/verify/",
    ):
        assert printed in text, printed


def test_a_coordinator_downloads_any_certificate_of_the_partnership(
    client, sign_in, coordinator, certificate
):
    sign_in(coordinator)
    assert client.get(pdf_url(certificate)).status_code == 200


def test_another_learner_gets_a_404(client, sign_in, member_with, certificate):
    sign_in(member_with(Role.LEARNER))
    assert client.get(pdf_url(certificate)).status_code == 404


def test_a_withdrawn_certificate_is_no_longer_the_learners(
    client, sign_in, learner, coordinator, certificate
):
    revoke_certificate(certificate=certificate, revoked_by=coordinator, reason="Wrong person")
    sign_in(learner)
    assert client.get(pdf_url(certificate)).status_code == 404
    assert list(certificates_of_user(learner, certificate.partnership)) == []


def test_withdrawing_needs_a_reason(coordinator, certificate):
    with pytest.raises(ServiceError):
        revoke_certificate(certificate=certificate, revoked_by=coordinator, reason=" ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_certificates_of_user_lists_only_their_own(learner, certificate, partnership):
    other = BookingFactory.create(session=certificate.booking.session)
    Certificate.objects.create(
        partnership=partnership,
        booking=other,
        person_name="Someone Else",
        course_title="X",
        tier_name="Y",
        attended_on=certificate.attended_on,
        hours=Decimal("1.0"),
        partnership_name=partnership.name,
    )
    assert list(certificates_of_user(learner, partnership)) == [certificate]
    assert list(certificates_of_user(UserFactory.create(), partnership)) == []


def test_a_regional_learner_finds_the_certificate_under_their_own_partnership(
    client, sign_in, partnership, coordinator
):
    neighbour = PartnershipFactory.create(region=partnership.region)
    visitor_user = MembershipFactory.create(partnership=neighbour, role=Role.LEARNER).user
    session = SessionFactory.create(
        partnership=partnership, parts=1, parts__start=timezone.localdate() - datetime.timedelta(1)
    )
    booking = BookingFactory.create(
        session=session,
        is_regional=True,
        person=PersonFactory.create(user=visitor_user, agency__partnership=neighbour),
    )
    record_attendance(booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator)
    close_register(session=session, closed_by=coordinator)
    certificate = Certificate.objects.get()
    assert list(certificates_of_user(visitor_user, neighbour)) == [certificate]
    sign_in(visitor_user)
    assert client.get(pdf_url(certificate, code=neighbour.code)).status_code == 200


# Verification ------------------------------------------------------------------------------


def verify(client, number):
    return client.get(reverse("sessions:verify"), {"number": number})


def test_a_genuine_number_shows_what_is_printed_without_signing_in(client, certificate):
    response = verify(client, certificate.number)
    assert response.status_code == 200
    text = response.text
    assert "This certificate is genuine" in text
    for printed in ("Ada Lovelace", "Neglect: recognising and responding", "7.0"):
        assert printed in text
    assert certificate.partnership_name in text
    assert certificate.attended_on.strftime("%-d %B %Y") in text
    # Nothing beyond the certificate: not the agency, not the email.
    assert certificate.booking.agency.name not in text
    assert certificate.booking.person.work_email not in text
    assert response["Cache-Control"] == "no-store"


def test_a_number_is_found_however_it_is_typed(client, certificate):
    typed = certificate.number.replace("-", " ").lower()
    assert "This certificate is genuine" in verify(client, typed).text


def test_an_unknown_number_is_not_found(client, certificate):
    unknown = "ABCD-EFGH-JKMN" if certificate.number != "ABCD-EFGH-JKMN" else "ZZZZ-ZZZZ-ZZZZ"
    response = verify(client, unknown)
    assert response.status_code == 200
    assert "No certificate has this number" in response.text
    assert "Ada Lovelace" not in response.text


def test_a_withdrawn_certificate_says_so_and_shows_nothing_else(client, coordinator, certificate):
    revoke_certificate(certificate=certificate, revoked_by=coordinator, reason="Issued in error")
    response = verify(client, certificate.number)
    assert "has been withdrawn" in response.text
    assert "Ada Lovelace" not in response.text
    assert "Issued in error" not in response.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the certificate number"),
        ("ABC", "Enter the certificate number as it is printed, like ABCD-EFGH-JKMN"),
        ("ABCD-EFGH-JKM0", "Enter the certificate number as it is printed, like ABCD-EFGH-JKMN"),
    ],
)
def test_a_malformed_number_gets_an_error_message(client, db, typed, message):
    response = verify(client, typed)
    assert "There is a problem" in response.text
    assert f'<a href="#number">{message}</a>' in response.text


def test_the_empty_form_shows_no_error(client, db):
    response = client.get(reverse("sessions:verify"))
    assert response.status_code == 200
    assert "There is a problem" not in response.text


# Withdrawing -----------------------------------------------------------------------------


def withdraw_url(certificate) -> str:
    return reverse(
        "sessions:certificate-withdraw",
        kwargs={"code": certificate.partnership.code, "number": certificate.number},
    )


def test_a_coordinator_withdraws_a_certificate_with_a_reason(
    client, sign_in, coordinator, certificate
):
    sign_in(coordinator)
    register = client.get(
        reverse(
            "sessions:register",
            kwargs={
                "code": certificate.partnership.code,
                "session_id": certificate.booking.session_id,
            },
        )
    ).text
    assert withdraw_url(certificate) in register
    response = client.post(withdraw_url(certificate), {"reason": " "})
    assert response.status_code == 200
    assert '<a href="#reason">Enter why the certificate is withdrawn.</a>' in response.text
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(withdraw_url(certificate), {"reason": "Issued to the wrong person"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    event = AuditEvent.objects.filter(subject_type="delivery.Certificate").latest("pk")
    assert event.changes["reason"] == "Issued to the wrong person"
    assert "has been withdrawn" in verify(client, certificate.number).text


def test_a_trainer_may_not_withdraw_a_certificate(client, sign_in, member_with, certificate):
    sign_in(member_with(Role.TRAINER))
    assert client.post(withdraw_url(certificate), {"reason": "No"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# Holds other apps register (certificate_holds): the reason instead of the download.


@pytest.fixture
def holding_everything():
    """A hold, as an app above delivery would register, on every certificate it is shown."""
    calls = []

    def hold(certificates):
        calls.append(len(certificates))
        return {
            c.pk: CertificateHold("Answer the questionnaire first.", "/answer/", "Answer it")
            for c in certificates
        }

    certificate_holds.register("test: everything", hold)
    yield calls
    certificate_holds.unregister("test: everything")


def test_a_held_certificate_shows_its_learner_why_and_the_link(
    client, sign_in, learner, certificate, holding_everything
):
    sign_in(learner)
    page = client.get(reverse("sessions:my-bookings", kwargs={"code": "camden"}))
    text = re.sub(r"\s+", " ", page.text)
    assert "Waiting</strong> Answer the questionnaire first." in text
    assert '<a class="govuk-link" href="/answer/">Answer it</a>' in text
    assert pdf_url(certificate) not in text
    held = client.get(pdf_url(certificate))
    assert held["Content-Type"].startswith("text/html")
    assert "Your certificate is waiting" in held.text
    # One call for the whole list, one for the download.
    assert holding_everything == [1, 1]


def test_a_coordinator_downloads_a_held_certificate(
    client, sign_in, coordinator, certificate, holding_everything
):
    sign_in(coordinator)
    response = client.get(pdf_url(certificate))
    assert response["Content-Type"] == "application/pdf"


def test_without_holds_the_learner_downloads_it(client, sign_in, learner, certificate):
    sign_in(learner)
    page = client.get(reverse("sessions:my-bookings", kwargs={"code": "camden"}))
    assert pdf_url(certificate) in page.text and "Waiting" not in page.text

"""Issue, withdraw and print certificates of attendance.

A certificate is a snapshot: it holds the name, course title (as the issuing
partnership shows it), tier, date, hours, outcomes and partnership as printed,
so it reads the same after any of those change, and verifying its number
reveals exactly what is printed and nothing more.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.delivery.models import Booking, Certificate
from interagency.delivery.selectors.sessions import course_title_shown

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def issue_certificate(
    *, booking: Booking, attended_on: datetime.date, hours: Decimal, issued_by: "_User"
) -> Certificate:
    """The certificate of a booking that attended in full; the existing one if issued."""
    session = booking.session
    with transaction.atomic():
        existing = (
            Certificate.objects.for_partnership(session.partnership).filter(booking=booking).first()
        )
        if existing is not None:
            return existing
        course = session.course
        certificate = Certificate.objects.create(
            partnership=session.partnership,
            booking=booking,
            person_name=booking.person.full_name,
            course_title=course_title_shown(session),
            tier_name=course.tier.name,
            attended_on=attended_on,
            hours=hours,
            outcomes=[str(outcome) for outcome in course.outcomes or []],
            partnership_name=session.partnership.name,
        )
        record_event(
            actor=issued_by,
            action=AuditEvent.Action.CREATED,
            subject=certificate,
            partnership=session.partnership,
            changes={"person_name": certificate.person_name, "booking": booking.pk},
        )
        return certificate


def revoke_certificate(
    *, certificate: Certificate, revoked_by: "_User", reason: str
) -> Certificate:
    """Withdraw a certificate issued in error; verification then says it was withdrawn."""
    if not reason.strip():
        raise ServiceError("Enter why the certificate is withdrawn.", field="reason")
    if certificate.revoked_at is not None:
        return certificate
    with transaction.atomic():
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at"])
        record_event(
            actor=revoked_by,
            action=AuditEvent.Action.CHANGED,
            subject=certificate,
            partnership=certificate.partnership,
            changes={"revoked_at": [None, certificate.revoked_at.isoformat()], "reason": reason},
        )
    return certificate


def certificate_html(certificate: Certificate, *, verify_url: str) -> str:
    """The certificate as an A4 HTML page (what the PDF is made from)."""
    return render_to_string(
        "delivery/certificates/certificate_pdf.html",
        {"certificate": certificate, "verify_url": verify_url},
    )


def render_certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as a PDF, made by WeasyPrint from the HTML template.

    Nothing outside the template is fetched: no base URL, no external images or fonts.
    """
    # Imported here: WeasyPrint loads Pango, which no other page needs.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_every_url = URLFetcher(allowed_protocols=())
    html = HTML(
        string=certificate_html(certificate, verify_url=verify_url), url_fetcher=refuse_every_url
    )
    return html.write_pdf()

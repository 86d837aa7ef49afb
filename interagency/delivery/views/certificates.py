"""Certificates: the learner's PDF, and the public page that checks a number.

A learner downloads only their own certificates (coordinators any their
partnership issued); any other number is a 404, like one that does not exist.
A certificate an app holds back (``certificate_holds``) shows its learner why
instead of the PDF.
Verification needs no sign-in and shows exactly what the certificate prints.
Numbers are 12 random characters (31^12 possibilities), so guessing finds
nothing, and the page says the same for a number that never existed as for a
mistyped one.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from interagency.core.errors import ServiceError, found_or_404
from interagency.core.permissions import Action, Role
from interagency.delivery.certificate_holds import holds_on
from interagency.delivery.models.attendance import CERTIFICATE_ALPHABET
from interagency.delivery.selectors import certificates as certificate_reads
from interagency.delivery.services.certificates import render_certificate_pdf, revoke_certificate
from interagency.tenancy.access import PartnershipRequest, partnership_view

_GROUP = rf"[{CERTIFICATE_ALPHABET}]{{4}}"
NUMBER_PATTERN = re.compile(rf"^{_GROUP}-{_GROUP}-{_GROUP}$")


def verify_url() -> str:
    """The address printed on certificates for checking them: the service's public one."""
    return settings.SITE_URL.rstrip("/") + reverse("sessions:verify")


@partnership_view(Action.VIEW_SESSIONS)
def certificate_pdf(request: PartnershipRequest, number: str) -> HttpResponse:
    """Download a certificate as a PDF (its learner, or a coordinator)."""
    certificate = found_or_404(
        lambda: certificate_reads.certificate_for_download(
            request.access.partnership, request.user, request.access.roles, number
        )
    )
    if Role.COORDINATOR not in request.access.roles:
        hold = holds_on([certificate]).get(certificate.pk)
        if hold is not None:  # its learner gets it once the hold lifts
            return render(
                request,
                "delivery/certificates/held.html",
                {"certificate": certificate, "hold": hold},
            )
    pdf = render_certificate_pdf(certificate, verify_url=verify_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@partnership_view(Action.MANAGE_SESSIONS)
def certificate_withdraw(request: PartnershipRequest, number: str) -> HttpResponse:
    """Withdraw a certificate issued in error (coordinators; audited, with the reason)."""
    partnership = request.access.partnership
    certificate = found_or_404(lambda: certificate_reads.issued_certificate(partnership, number))
    error = ""
    reason = request.POST.get("reason", "").strip()
    if request.method == "POST" and certificate.revoked_at is None:
        try:
            revoke_certificate(certificate=certificate, revoked_by=request.user, reason=reason)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, f"Certificate {certificate.number} is withdrawn.")
            session = certificate.booking.session
            return redirect("sessions:register", code=partnership.code, session_id=session.pk)
    return render(
        request,
        "delivery/certificates/withdraw.html",
        {"certificate": certificate, "error": error, "reason": reason},
    )


def normalise_number(text: str) -> str:
    """``abcd efgh jkmn`` or ``ABCDEFGHJKMN`` as printed: ``ABCD-EFGH-JKMN``."""
    compact = re.sub(r"[\s\-–]", "", text).upper()
    if len(compact) == 12:
        return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return compact


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Check a certificate number: genuine (with what it prints), withdrawn, or not found."""
    entered = request.GET.get("number", "")
    number = normalise_number(entered)
    error = ""
    certificate = None
    result = ""
    if "number" in request.GET:
        if not entered.strip():
            error = "Enter the certificate number"
        elif not NUMBER_PATTERN.match(number):
            error = "Enter the certificate number as it is printed, like ABCD-EFGH-JKMN"
        else:
            certificate = certificate_reads.certificate_by_number(number)
            if certificate is None:
                result = "unknown"
            elif certificate.revoked_at is not None:
                result = "revoked"
            else:
                result = "genuine"
    response = render(
        request,
        "delivery/certificates/verify.html",
        {
            "entered": entered,
            "number": number,
            "error": error,
            "result": result,
            "certificate": certificate if result == "genuine" else None,
        },
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response

"""Checking a certificate number: public, no sign-in needed."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from interagency.core.api_errors import error_responses
from interagency.delivery.api_schemas import CertificateOut
from interagency.delivery.selectors import certificates as certificate_reads
from interagency.delivery.views.certificates import NUMBER_PATTERN, normalise_number

router = Router(tags=["certificates"])


@router.get(
    "/certificates/{number}",
    auth=None,
    response={200: CertificateOut, **error_responses(400, 404, 410)},
    url_name="certificate-verify",
    summary="Check a certificate number",
)
def certificate_verify(request: HttpRequest, number: str) -> Any:
    """No sign-in needed. A genuine certificate answers exactly what it prints; a withdrawn
    one 410; a number that was never issued 404, the same as a mistyped one."""
    printed = normalise_number(number)
    certificate = (
        certificate_reads.certificate_by_number(printed) if NUMBER_PATTERN.match(printed) else None
    )
    if certificate is None:
        raise HttpError(404, "No certificate has that number: check it against the certificate.")
    if certificate.revoked_at is not None:
        raise HttpError(410, f"Certificate {certificate.number} has been withdrawn.")
    return certificate

"""Reads of certificates: a learner's own, one to download or check, a session's.

A learner's certificates include those another partnership of the region
issued to their person record here (a regional place); a withdrawn one is
never listed. Checking a number is public.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from interagency.core.permissions import Role
from interagency.delivery.models import Certificate, Session
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def _certificates() -> QuerySet[Certificate]:
    # cross-partnership: every caller filters by partnership (a regional place's
    # certificate is issued by another partnership of the region).
    return Certificate.objects.select_related("booking__session", "booking__person")


def certificates_of_user(user: "_User", partnership: Partnership) -> QuerySet[Certificate]:
    """The certificates of ``user``'s own bookings seen from ``partnership``, newest first.

    Those the partnership issued, and those another partnership of the region
    issued to the user's person record here (a regional place). Withdrawn ones
    are left out.
    """
    if not user.is_authenticated:
        return Certificate.objects.none()
    # cross-partnership: the user's own certificates, issued here or to their record here
    return (
        _certificates()
        .filter(Q(partnership=partnership) | Q(booking__person__partnership=partnership))
        .filter(booking__person__user=user, revoked_at__isnull=True)
        .order_by("-attended_on", "-id")
    )


def certificate_for_download(
    partnership: Partnership, user: "_User", roles: Iterable[str], number: str
) -> Certificate:
    """A certificate ``user`` may download; raises ``Certificate.DoesNotExist`` otherwise.

    Coordinators get any the partnership issued; everyone else only their own.
    """
    if Role.COORDINATOR in set(roles):
        return issued_certificate(partnership, number)
    return certificates_of_user(user, partnership).get(number=number)


def issued_certificate(partnership: Partnership, number: str) -> Certificate:
    """A certificate the partnership issued; raises ``Certificate.DoesNotExist`` otherwise."""
    return (
        Certificate.objects.for_partnership(partnership)
        .select_related("booking__session", "booking__person")
        .get(number=number)
    )


def certificates_of_session(session: Session) -> QuerySet[Certificate]:
    """The certificates a closed register issued, by name."""
    return (
        Certificate.objects.for_partnership(session.partnership)
        .filter(booking__session=session)
        .order_by("person_name")
    )


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with this number, for the public verification page, or None."""
    # cross-partnership: verification is public and a number is unique across partnerships
    return Certificate.objects.filter(number=number).first()

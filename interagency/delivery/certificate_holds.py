"""Holds on handing a certificate to its learner, added by apps above delivery.

A closed register issues every certificate at once; an app that depends on
delivery may ask that a learner gets theirs only after something else (the
evaluation app: after answering the end-of-course questionnaire). Importing
it here would make a cycle, so it registers a hold from its
``AppConfig.ready()``, as the catalogue's course page panels are registered.

A hold is a callable ``hold(certificates)`` answering, for those of the
given certificates it holds back, a :class:`CertificateHold` by certificate
id: why, in words for the learner, and a link to what releases it. It is
called once per list, so a page's queries stay fixed. A held certificate is
still issued (its number verifies; coordinators see and download it); its
learner sees the reason instead of the download until no hold answers it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from interagency.delivery.models import Certificate


@dataclass(frozen=True)
class CertificateHold:
    reason: str
    link: str = ""
    link_text: str = ""


Hold = Callable[[Sequence[Certificate]], dict[int, CertificateHold]]

_HOLDS: dict[str, Hold] = {}


def register(name: str, hold: Hold) -> None:
    """Add ``hold`` under ``name`` (registering a name again replaces it)."""
    _HOLDS[name] = hold


def unregister(name: str) -> Hold:
    """Remove the hold registered as ``name`` and return it (KeyError if there is none)."""
    return _HOLDS.pop(name)


def holds_on(certificates: Sequence[Certificate]) -> dict[int, CertificateHold]:
    """The first hold answering each held certificate of ``certificates``, by id."""
    found: dict[int, CertificateHold] = {}
    if not certificates:
        return found
    for hold in _HOLDS.values():
        for pk, reason in hold(certificates).items():
            found.setdefault(pk, reason)
    return found


def with_holds(
    certificates: Sequence[Certificate],
) -> list[tuple[Certificate, CertificateHold | None]]:
    """Each certificate beside its hold, or None where its learner may download it."""
    held = holds_on(certificates)
    return [(certificate, held.get(certificate.pk)) for certificate in certificates]

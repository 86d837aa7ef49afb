"""A partnership's local authorities: chosen by name or GSS code, checked against the lookup.

The rates divide by the children of these authorities, so an unknown name or
a mistyped code is refused line by line instead of stored to read as "not
available" for ever after. Codes a reorganisation replaced are accepted: the
rates bridge them (``bridging.py``).
"""

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.local_statistics.models import Authority, AuthorityChange
from interagency.tenancy.models import Partnership

# A partnership covers one area, at most a county's districts and their county.
MOST_AUTHORITIES = 30


def known_authorities() -> dict[str, str]:
    """Every code the lookup or the list of changes knows, to its name (two queries)."""
    known: dict[str, str] = {}
    fields = ("gss_code", "name", "upper_tier_code", "upper_tier_name")
    for authority in Authority.objects.only(*fields):
        known[authority.upper_tier_code] = authority.upper_tier_name
        known[authority.gss_code] = authority.name
    for change in AuthorityChange.objects.only("old_code", "old_name", "new_code", "new_name"):
        known.setdefault(change.old_code, change.old_name)
        known.setdefault(change.new_code, change.new_name)
    return known


def codes_from_lines(text: str, known: dict[str, str]) -> list[str]:
    """The codes of the authorities ``text`` names, one per line by name or code, or the
    problem with each line that names none."""
    by_name = {name.casefold(): code for code, name in sorted(known.items(), reverse=True)}
    codes: list[str] = []
    problems: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        code = line.upper() if line.upper() in known else by_name.get(line.casefold())
        if code is None:
            problems.append(
                f"Line {number}: {line[:60]!r} is not a local authority we know. Write its "
                "name as the ONS writes it (Camden) or its GSS code (E09000007)."
            )
        elif code not in codes:
            codes.append(code)
    if problems:
        raise ServiceError(field_errors={"authorities": problems})
    if len(codes) > MOST_AUTHORITIES:
        raise ServiceError(
            f"Name at most {MOST_AUTHORITIES} local authorities.", field="authorities"
        )
    return codes


def set_local_authorities(*, partnership: Partnership, text: str, by) -> list[str]:
    """Store the authorities ``text`` names as the partnership's (audited); their codes."""
    codes = codes_from_lines(text, known_authorities())
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        before = list(locked.local_authority_codes or [])
        if before == codes:
            return codes
        locked.local_authority_codes = codes
        locked.save(update_fields=["local_authority_codes"])
        record_event(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            subject=locked,
            changes={"local_authority_codes": [before, codes]},
            partnership=locked,
        )
    partnership.local_authority_codes = codes
    return codes

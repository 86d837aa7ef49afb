"""Pages read the member's partnership, roles and actions from one typed object.

``partnership_view`` hands every page a ``PartnershipRequest`` whose ``access``
(a ``PartnershipAccess``) the type checker knows; nothing reaches for an
attribute set ad hoc on a plain ``HttpRequest`` and silences the checker.
"""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
SILENCED_REQUEST_ATTRIBUTE = re.compile(r"\brequest\.\w+.*# type: ignore\[attr-defined\]")


def test_no_request_attribute_is_read_or_set_past_the_type_checker():
    offending = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.relative_to(PACKAGE).parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SILENCED_REQUEST_ATTRIBUTE.search(line)
    ]
    assert offending == []


def test_the_check_finds_a_silenced_request_attribute():
    line = "    partnership = request.partnership  # type: ignore[attr-defined]"
    assert SILENCED_REQUEST_ATTRIBUTE.search(line)

"""A machine check of the tenancy rule, in the spirit of Zulip's semgrep rules.

Views and API modules never touch a model manager: they call selectors and
services. Selectors and services reach partnership-owned rows only through
``for_partnership(...)`` (inserts name it explicitly), unless a comment
``# cross-partnership: <reason>`` on the line or the one above says why, e.g.
"the partnerships this user belongs to".
"""

import re
from pathlib import Path

from django.apps import apps

PACKAGE = Path(__file__).resolve().parents[2]


def tenant_owned_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label != "contenttypes"
        and any(field.name == "partnership" for field in model._meta.get_fields())
    }


def modules(*names: str) -> list[Path]:
    """Modules called ``name.py``, and every module of packages called ``name/``."""
    found: set[Path] = set()
    for name in names:
        found.update(PACKAGE.rglob(f"{name}.py"))
        for package in PACKAGE.rglob(name):
            if package.is_dir():
                found.update(package.rglob("*.py"))
    return sorted(path for path in found if not {"tests", "migrations"} & set(path.parts))


# Where partnership-owned rows are read and written outside models and seeding.
SCOPED_MODULES = (
    "selectors",
    "services",
    "notices",
    "visibility",
    "needs",
    "importing",
    "sending",
    "reminders",
    "calendar",
    "rendering",
)


def statement_preamble(lines: list[str], number: int) -> str:
    """The two lines above line ``number``: where a chained statement's comment sits."""
    return "\n".join(lines[max(number - 3, 0) : number - 1])


def test_views_and_api_modules_use_no_model_manager():
    offences = []
    for path in modules("views", "api", "api_posts"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\.objects\b", line):
                offences.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offences, "Call a selector or service instead:\n" + "\n".join(offences)


def test_selectors_and_services_scope_partnership_owned_rows():
    pattern = re.compile(
        r"\b(" + "|".join(sorted(tenant_owned_model_names())) + r")\.objects\b(.*)"
    )
    offences = []
    for path in modules(*SCOPED_MODULES):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            match = pattern.search(line)
            if not match:
                continue
            # The scope may follow on the next line of a chained call.
            window = line + (lines[number] if number < len(lines) else "")
            previous = statement_preamble(lines, number)
            if "for_partnership(" in window or "# cross-partnership:" in previous + line:
                continue
            # Inserts name their partnership explicitly; an empty queryset reads nothing.
            if re.match(r"\.(create|bulk_create|none)\(", match.group(2)):
                continue
            offences.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offences, (
        "Scope with .for_partnership(...) or explain with '# cross-partnership: why':\n"
        + "\n".join(offences)
    )


def test_the_checks_read_modules_inside_packages():
    checked_views = {
        path.relative_to(PACKAGE).as_posix() for path in modules("views", "api", "api_posts")
    }
    checked_reads = {path.relative_to(PACKAGE).as_posix() for path in modules(*SCOPED_MODULES)}
    assert "people/views/agencies.py" in checked_views
    assert "delivery/api/bookings.py" in checked_views
    assert "people/api_posts.py" in checked_views
    assert "delivery/selectors/bookings.py" in checked_reads
    assert "delivery/services/waiting_list.py" in checked_reads
    assert "notifications/sending.py" in checked_reads
    assert not any("/tests/" in path for path in checked_views | checked_reads)


def test_the_check_knows_the_partnership_owned_models():
    assert {"Membership", "AuditEvent"} <= tenant_owned_model_names()

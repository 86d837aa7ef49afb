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
    return sorted(
        path for name in names for path in PACKAGE.rglob(name) if "tests" not in path.parts
    )


def test_views_and_api_modules_use_no_model_manager():
    offences = []
    for path in modules("views.py", "api.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\.objects\b", line):
                offences.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offences, "Call a selector or service instead:\n" + "\n".join(offences)


def test_selectors_and_services_scope_partnership_owned_rows():
    pattern = re.compile(
        r"\b(" + "|".join(sorted(tenant_owned_model_names())) + r")\.objects\b(.*)"
    )
    offences = []
    for path in modules("selectors.py", "services.py"):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            match = pattern.search(line)
            if not match:
                continue
            # The scope may follow on the next line of a chained call.
            window = line + (lines[number] if number < len(lines) else "")
            previous = lines[number - 2] if number > 1 else ""
            if "for_partnership(" in window or "# cross-partnership:" in previous + line:
                continue
            # Inserts name their partnership explicitly.
            if re.match(r"\.(create|bulk_create)\(", match.group(2)):
                continue
            offences.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offences, (
        "Scope with .for_partnership(...) or explain with '# cross-partnership: why':\n"
        + "\n".join(offences)
    )


def test_the_check_knows_the_partnership_owned_models():
    assert {"Membership", "AuditEvent"} <= tenant_owned_model_names()

"""The apps' dependency table (docs/architecture.md), checked against their imports.

Arrows point from domain apps towards ``tenancy`` and ``core``, never back and
never in a cycle: an app imports only the apps its row names, and never one
that depends on it. Every ``import`` and ``from ... import`` of
``interagency/<app>/**/*.py`` counts, those inside functions too; tests and
migrations do not. An app that must reach upwards does it through an extension
point owned by the app below (the catalogue's course page panels, delivery's
``register_closed`` signal), never by importing it.

Two modules put every app together and so sit above them all, outside any app:
``interagency/urls.py`` (the pages) and ``interagency/api.py`` (the API's
routers). No app imports either.
"""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"

# What each app may import: the "depends on" column of docs/architecture.md.
DEPENDS_ON: dict[str, set[str]] = {
    "core": set(),
    "audit": {"core", "tenancy"},  # tenancy: its pages, see MUTUAL
    "tenancy": {"core", "audit"},
    "accounts": {"core", "tenancy", "audit"},
    "catalogue": {"core", "tenancy"},
    "people": {"core", "tenancy", "audit", "catalogue"},
    "records": {"core", "tenancy", "audit", "catalogue", "people", "notifications"},
    # Not delivery: an outbox row keeps nullable keys to delivery's rows (by model label).
    "notifications": {"core", "tenancy", "audit"},
    "delivery": {"core", "tenancy", "audit", "catalogue", "people", "records", "notifications"},
    # Plans name catalogue courses and delivery sessions; codes name bookings. Invitations
    # go through the outbox; paper returns are read by the people import's readers.
    "evaluation": {
        "core",
        "tenancy",
        "audit",
        "catalogue",
        "people",
        "notifications",
        "delivery",
    },
    # Official statistics per local authority; its rates count delivery's sessions.
    "local_statistics": {"core", "tenancy", "audit", "delivery"},
    # Budgets and costs read delivery's sessions, registers and no-show charges.
    "finance": {"core", "tenancy", "audit", "catalogue", "people", "delivery"},
    # A region's benchmarks read each app's own per-partnership selectors, aggregates only.
    "regional": {
        "core",
        "tenancy",
        "audit",
        "records",
        "evaluation",
        "local_statistics",
        "finance",
    },
    # The board's annual report reads every app's figures through their selectors.
    "annual_reports": {
        "core",
        "tenancy",
        "audit",
        "catalogue",
        "people",
        "records",
        "delivery",
        "evaluation",
        "local_statistics",
        "finance",
    },
    # Synthetic data, above every domain app ("which never depend on it").
    "demo": {
        "core",
        "tenancy",
        "audit",
        "accounts",
        "catalogue",
        "people",
        "records",
        "notifications",
        "delivery",
        "evaluation",
        "finance",
    },
}

# Pairs allowed to import each other, and why.
MUTUAL: dict[frozenset[str], str] = {
    # Every app's writes (tenancy's role changes included) call audit's record_event,
    # and audit's own trail pages are partnership pages behind tenancy's access
    # check, like every other page (and its API behind the same access_for). The model
    # and record_event import nothing of tenancy's; only audit/views.py and api.py do.
    frozenset({"audit", "tenancy"}): "audit's trail pages use tenancy's partnership_view",
}

# The modules above every app that put them together; no app imports them.
COMPOSITION_MODULES = {"interagency.urls", "interagency.api"}


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """``[(module, line), ...]`` for every ``interagency...`` module the module imports."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "interagency":
                names = [f"interagency.{alias.name}" for alias in node.names]
        else:
            continue
        found.extend((name, node.lineno) for name in names if name.startswith("interagency."))
    return found


def imported_apps(path: Path) -> list[tuple[str, int]]:
    """``[(app, line), ...]`` for every ``interagency.<app>`` the module imports."""
    return [
        (parts[1], line)
        for name, line in imported_modules(path)
        if (parts := name.split("."))[1] in DEPENDS_ON
    ]


def app_modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (PACKAGE / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    )


def depends_on_transitively(app: str) -> set[str]:
    seen: set[str] = set()
    todo = list(DEPENDS_ON[app])
    while todo:
        other = todo.pop()
        if other not in seen:
            seen.add(other)
            todo.extend(DEPENDS_ON[other])
    return seen


def test_every_app_is_in_the_table():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps == set(DEPENDS_ON)


def test_apps_import_only_the_apps_they_depend_on():
    wrong = []
    for app, allowed in DEPENDS_ON.items():
        for path in app_modules(app):
            for other, line in imported_apps(path):
                if other != app and other not in allowed:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {other}")
    assert wrong == []


def test_no_app_imports_the_modules_that_put_the_apps_together():
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for app in DEPENDS_ON
        for path in app_modules(app)
        for module, line in imported_modules(path)
        if any(module == top or module.startswith(f"{top}.") for top in COMPOSITION_MODULES)
    ]
    assert wrong == []


def test_the_composition_modules_sit_outside_the_apps():
    for module in COMPOSITION_MODULES:
        path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        assert path.is_file(), module
        assert path.parent == PACKAGE, module


def test_no_app_depends_on_an_app_that_depends_on_it():
    cycles = sorted(
        f"{app} -> {other}"
        for app, allowed in DEPENDS_ON.items()
        for other in allowed
        if app in depends_on_transitively(other) and frozenset({app, other}) not in MUTUAL
    )
    assert cycles == []


def test_the_table_matches_docs_architecture():
    """Each row's "depends on" names (before any aside in brackets) are the table's."""
    rows = {}
    for line in ARCHITECTURE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and (name := re.fullmatch(r"`(\w+)`", cells[0])):
            rows[name.group(1)] = set(re.findall(r"`(\w+)`", cells[2].split("(")[0]))
    assert set(rows) == set(DEPENDS_ON)
    for app, named in rows.items():
        if app == "demo":  # in words: "all domain apps"
            continue
        assert named == DEPENDS_ON[app], app

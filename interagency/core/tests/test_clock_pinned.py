"""Every test that reads "now" pins it (the root conftest's ``clock``; decision 0016).

This reads the suite's own source. A test reads "now" when its body, a
fixture it asks for or a helper of the test packages it calls reads the
clock: ``timezone.now()``, ``timezone.localdate()``, ``date.today()``,
``datetime.now()``, ``time.time()`` and the like, or a factory that dates
from today (``SessionFactory`` puts a session two weeks ahead). It is pinned
when it is marked ``clock`` (itself, its class or its module's
``pytestmark``), asks for the ``clock`` fixture, or travels with
``time_machine.travel`` in its body or in a fixture of its module. A read at
import (a ``parametrize`` value, a module constant) comes before any pin, so
it is refused wherever it is.

What this cannot see is "now" read by the application code a test calls;
the ``--clock`` runs of ``./run test`` are the check on that.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Left on the real clock, each for its reason.
UNPINNED = (
    # Chromium, a process of its own, keeps the cookies and runs the pages' scripts by it.
    "tests/browser",
    # Its web servers are processes of their own (Gunicorn, whose arbiter times its
    # workers by the real clock): the session they book is dated by the real clock too.
    "interagency/notifications/tests/test_several_hosts.py",
)

NOW_METHODS = {"now", "today", "utcnow"}
NOW_OWNERS = {"timezone", "datetime", "date", "dt"}
# Called with no argument these read the clock; given a value they only convert it.
LOCAL_READERS = {"timezone.localdate", "timezone.localtime", "localdate", "localtime"}
TIME_READERS = {"time.time", "time.time_ns", "time.localtime", "time.gmtime"}
# Imported by name (``from django.utils.timezone import now``).
IMPORTED_READERS = {("django.utils.timezone", "now"), ("time", "time"), ("time", "time_ns")}


def dotted(node: ast.AST) -> str:
    """``timezone.now`` for that attribute chain; '' for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def reads_clock(node: ast.AST) -> bool:
    """Whether this node reads the clock, or hands a clock reader on (``LazyFunction``)."""
    if isinstance(node, ast.Attribute) and node.attr in NOW_METHODS:
        return dotted(node.value).rsplit(".", 1)[-1] in NOW_OWNERS
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        return dotted(node.func) in LOCAL_READERS | TIME_READERS
    return False


def is_clock_mark(node: ast.AST) -> bool:
    """``pytest.mark.clock`` or ``pytest.mark.clock(tick=True)``."""
    return dotted(node.func if isinstance(node, ast.Call) else node) == "pytest.mark.clock"


def asks_for_clock(decorators: list[ast.expr]) -> bool:
    """Marked ``clock``, or ``@pytest.mark.usefixtures("clock")``."""
    return any(
        is_clock_mark(decorator)
        or (
            isinstance(decorator, ast.Call)
            and dotted(decorator.func) == "pytest.mark.usefixtures"
            and any(isinstance(a, ast.Constant) and a.value == "clock" for a in decorator.args)
        )
        for decorator in decorators
    )


def fixture_kind(node: ast.stmt) -> str:
    """'autouse', 'fixture' or '' for a function that is not a fixture."""
    if not isinstance(node, ast.FunctionDef):
        return ""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if dotted(call.func if call else decorator) == "pytest.fixture":
            autouse = call is not None and any(
                k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in call.keywords
            )
            return "autouse" if autouse else "fixture"
    return ""


def walk(node: ast.AST, *, into_lambdas: bool) -> Iterator[ast.AST]:
    """``ast.walk``, leaving out lambdas' bodies if asked (they run later, if at all)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if into_lambdas or not isinstance(child, ast.Lambda):
            yield from walk(child, into_lambdas=into_lambdas)


def at_import(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a statement that run when its module is imported."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        defaults = [d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None]
        for part in [*node.decorator_list, *defaults]:
            yield from at_import(part)
        return
    if isinstance(node, ast.Lambda):
        return
    yield node
    for child in ast.iter_child_nodes(node):
        yield from at_import(child)


@dataclass
class Uses:
    """What part of a definition reads and names: with its lambdas, or without them."""

    reads: bool = False
    names: set[str] = field(default_factory=set)


@dataclass
class Definition:
    """A top-level function, class or constant of a test file."""

    name: str
    node: ast.stmt
    all: Uses  # everything it may do when used
    eager: Uses  # what it does when called, leaving aside the lambdas it holds
    travels: bool


def defined_names(statement: ast.stmt) -> list[str]:
    """The names a top-level statement defines: a function, a class, or constants (CASES = ...)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [statement.name]
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return [statement.target.id] if isinstance(statement.target, ast.Name) else []
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    return [target.id for target in targets if isinstance(target, ast.Name)]


def uses(statement: ast.stmt, *, into_lambdas: bool) -> Uses:
    """Whether a statement reads the clock itself, and the names it loads or asks for."""
    found = Uses()
    stored: set[str] = set()
    arguments: set[str] = set()
    for node in walk(statement, into_lambdas=into_lambdas):
        found.reads |= reads_clock(node)
        if isinstance(node, ast.Name):
            (found.names if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments |= {a.arg for a in node.args.args + node.args.kwonlyargs}
    # Its own variables are not the module's names; its arguments are fixtures.
    found.names = (found.names - stored) | arguments
    return found


@dataclass
class SourceFile:
    path: Path
    module: str
    tree: ast.Module
    definitions: dict[str, Definition] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, name)

    @property
    def marked_clock(self) -> bool:
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign) and "pytestmark" in defined_names(statement):
                value = statement.value
                marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                return any(is_clock_mark(mark) for mark in marks)
        return False


def parse(path: Path, root: Path) -> SourceFile:
    tree = ast.parse(path.read_text(), filename=str(path))
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    found = SourceFile(path, module, tree)
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module:
            for alias in statement.names:
                found.imported[alias.asname or alias.name] = (statement.module, alias.name)
        for name in defined_names(statement):
            found.definitions[name] = Definition(
                name,
                statement,
                all=uses(statement, into_lambdas=True),
                eager=uses(statement, into_lambdas=False),
                travels=any(
                    isinstance(node, ast.Call) and dotted(node.func) == "time_machine.travel"
                    for node in ast.walk(statement)
                ),
            )
    return found


class Suite:
    """Every file of test code, and which of their definitions read the clock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        paths = [root / "conftest.py", *root.glob("tests/**/*.py")]
        paths += root.glob("interagency/**/tests/**/*.py")
        self.unpinned = {
            path
            for path in paths
            if any(path.is_relative_to(root / unpinned) for unpinned in UNPINNED)
        }
        self.files = {f.module: f for f in (parse(path, root) for path in sorted(set(paths)))}
        self.conftests = [f for f in self.files.values() if f.path.name == "conftest.py"]
        self.readers = self.clock_readers(eager=False)
        self.eager_readers = self.clock_readers(eager=True)

    def resolve(self, source: SourceFile, names: set[str]) -> set[tuple[str, str]]:
        """What names used in a file are: its own, an import's, or a conftest's fixture."""
        conftests = [c for c in self.conftests if source.path.is_relative_to(c.path.parent)]
        found = set()
        for name in names:
            if name in source.definitions:
                found.add((source.module, name))
            elif name in source.imported:
                found.add(source.imported[name])
            else:
                found |= {(c.module, name) for c in conftests if name in c.definitions}
        return found

    def clock_readers(self, *, eager: bool) -> set[tuple[str, str]]:
        """(module, name) of every definition that reads the clock, itself or through others."""
        uses = {}
        for module, source in self.files.items():
            for name, definition in source.definitions.items():
                used = definition.eager if eager else definition.all
                uses[module, name] = (used.reads, self.resolve(source, used.names - {name}))
        readers = {key for key, (reads, _) in uses.items() if reads} | IMPORTED_READERS
        changed = True
        while changed:
            found = {key for key, (_, names) in uses.items() if names & readers}
            changed = not found <= readers
            readers |= found
        return readers


def pinned_by_travel(source: SourceFile, definition: Definition) -> bool:
    """Whether the test, or a fixture of its module it asks for or uses always, travels."""
    waiting = [definition] + [
        d for d in source.definitions.values() if fixture_kind(d.node) == "autouse"
    ]
    seen: set[str] = set()
    while waiting:
        current = waiting.pop()
        if current.travels:
            return True
        for name in current.all.names - seen:
            seen.add(name)
            local = source.definitions.get(name)
            if local is not None and fixture_kind(local.node):
                waiting.append(local)
    return False


def held_tests(definition: Definition) -> Iterator[tuple[str, list[ast.expr]]]:
    """(name, decorators) of each test a top-level definition holds."""
    node = definition.node
    if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                yield f"{node.name}.{item.name}", [*node.decorator_list, *item.decorator_list]
    elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
        yield node.name, node.decorator_list


def reads_at_import(suite: Suite, source: SourceFile) -> Iterator[int]:
    """The lines where a file reads the clock as it is imported."""
    for node in at_import(source.tree):
        if isinstance(node, ast.Call) and (
            reads_clock(node)
            or reads_clock(node.func)
            or suite.resolve(source, {dotted(node.func).split(".")[0]}) & suite.eager_readers
        ):
            yield node.lineno


def unpinned_reads(root: Path = ROOT) -> list[str]:
    """One line per test that reads "now" unpinned, and per read of it at import."""
    suite = Suite(root)
    problems = []
    for module, source in suite.files.items():
        if source.path in suite.unpinned:
            continue
        where = source.path.relative_to(root)
        problems += [
            f"{where}:{line}: reads the clock at import" for line in reads_at_import(suite, source)
        ]
        if not source.path.name.startswith("test_"):
            continue
        for name, definition in source.definitions.items():
            if (module, name) not in suite.readers:
                continue
            for test, decorators in held_tests(definition):
                pinned = (
                    source.marked_clock
                    or asks_for_clock(decorators)
                    or "clock" in definition.all.names
                    or pinned_by_travel(source, definition)
                )
                if not pinned:
                    problems.append(f"{where}::{test} reads the clock but does not pin it")
    return sorted(set(problems))


def test_every_test_that_reads_now_pins_it():
    assert unpinned_reads() == []


def test_the_check_sees_a_read_through_a_helper_and_one_at_import(tmp_path):
    """The check itself: it finds what it is there to find, and passes what is pinned."""
    package = tmp_path / "interagency" / "things" / "tests"
    package.mkdir(parents=True)
    (tmp_path / "conftest.py").write_text("")
    (package / "factories.py").write_text(
        "from django.utils import timezone\n"
        "def dated():\n"
        "    return timezone.localdate()\n"
        "def later():\n"
        "    return dated()\n"
        "LATER = [lambda: later()]\n"
        "class SessionFactory:\n"
        "    when = timezone.now\n"
    )
    (package / "test_things.py").write_text(
        "import pytest, time_machine\n"
        "from django.utils import timezone\n"
        "from django.utils.timezone import now\n"
        "from interagency.things.tests.factories import LATER, SessionFactory, later\n"
        "WHEN = timezone.now()\n"
        "LATEST = list(LATER)\n"
        "SESSION = SessionFactory.create()\n"
        "def test_unpinned():\n"
        "    later()\n"
        "@pytest.mark.clock(tick=True)\n"
        "def test_marked():\n"
        "    later()\n"
        "def test_travels():\n"
        "    with time_machine.travel(0):\n"
        "        later()\n"
        "def test_asks_for_it(clock):\n"
        "    later()\n"
        "def test_converts(thing):\n"
        "    timezone.localtime(thing)\n"
        "def test_through_a_lambda():\n"
        "    LATEST[0]()\n"
        "def test_now_by_name():\n"
        "    now()\n"
    )
    where = "interagency/things/tests/test_things.py"
    assert unpinned_reads(tmp_path) == [
        f"{where}:5: reads the clock at import",
        f"{where}:7: reads the clock at import",
        f"{where}::test_now_by_name reads the clock but does not pin it",
        f"{where}::test_through_a_lambda reads the clock but does not pin it",
        f"{where}::test_unpinned reads the clock but does not pin it",
    ]

"""Modules under 500 lines and functions under 60, in the app code (tests and migrations aside).

A long module or function is split by meaning: one module per step or
concern, one function per act. The modules and functions that are still too
long are listed below; the list only shrinks. A listed one that has been
brought under its limit (or no longer exists) fails the test until its entry
is removed, so the list always says exactly what is left to split.

A function's length is that of its ``def`` statement, from the ``def`` line
(decorators aside) to its last line, as ``ast`` reports them; a method or a
nested function is named by its qualified name, like ``Form.__init__``.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

# Still too long: (module, relative to the package).
LONG_MODULES: set[str] = set()

# Still too long: (module, qualified name of the function).
LONG_FUNCTIONS: set[tuple[str, str]] = set()


def app_modules() -> list[Path]:
    """Every module of the app code: not tests, not migrations."""
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    )


def name_of(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """``(qualified name, lines)`` of every function and method, nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.")
        else:
            yield from functions(node, prefix)


def module_lengths() -> dict[str, int]:
    return {name_of(path): len(path.read_text().splitlines()) for path in app_modules()}


def function_lengths() -> dict[tuple[str, str], int]:
    lengths: dict[tuple[str, str], int] = {}
    for path in app_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for name, lines in functions(tree):
            key = (name_of(path), name)
            lengths[key] = max(lines, lengths.get(key, 0))  # a name defined twice: the longer
    return lengths


def test_no_module_is_longer_than_500_lines():
    lengths = module_lengths()
    too_long = {name for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    new = sorted(too_long - LONG_MODULES)
    assert not new, "Split these modules by meaning: " + ", ".join(
        f"{name} ({lengths[name]} lines)" for name in new
    )


def test_no_function_is_longer_than_60_lines():
    lengths = function_lengths()
    too_long = {key for key, lines in lengths.items() if lines > MAX_FUNCTION_LINES}
    new = sorted(too_long - LONG_FUNCTIONS)
    assert not new, "Split these functions: " + ", ".join(
        f"{module} {name} ({lengths[module, name]} lines)" for module, name in new
    )


def test_the_lists_of_long_modules_and_functions_only_shrink():
    module_lines = module_lengths()
    function_lines = function_lengths()
    short_modules = sorted(
        name for name in LONG_MODULES if module_lines.get(name, 0) <= MAX_MODULE_LINES
    )
    short_functions = sorted(
        key for key in LONG_FUNCTIONS if function_lines.get(key, 0) <= MAX_FUNCTION_LINES
    )
    assert not short_modules and not short_functions, (
        "Now within the limits (or gone): remove them from the lists in this test: "
        + ", ".join([*short_modules, *(f"{module} {name}" for module, name in short_functions)])
    )


def test_the_measure_counts_a_function_from_def_to_its_last_line():
    source = (
        "@decorator\ndef long():\n"
        + "    x = 1\n" * 60
        + "\n\nclass C:\n    def m(self):\n        def inner():\n            pass\n"
    )
    found = dict(functions(ast.parse(source)))
    assert found == {"long": 61, "C.m": 3, "C.m.inner": 2}

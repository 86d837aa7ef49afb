"""Cells written to files a spreadsheet opens (CSV and XLSX downloads).

A cell starting with one of these characters is run as a formula when the file
is opened (OWASP "CSV injection"); every download that carries text a user
typed passes its cells through :func:`neutralise`.
"""

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet could run as a formula gets a leading apostrophe; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on text read back from a file this application wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value

"""The rejected rows of a check, kept to download, correct and upload again.

The check keeps each rejected row's cells and reasons (:func:`keep_rejected`)
beside the import, so the download and the API's list are what the preview
reported, read back rather than made by checking the file again, and they
stay after the import is applied (when the file itself is no longer kept).
The download has the file's own columns between a "Row" and a "Problems"
column; uploading the corrected download leaves those two unmapped.
"""

from __future__ import annotations

import csv
import io
import json
import zlib

from interagency.core.spreadsheets import neutralise
from interagency.people.importing.checking import Plan


def keep_rejected(headers: list[str], plan: Plan) -> bytes:
    """The plan's rejected rows (number, cells, problems) as compressed JSON."""
    problems: dict[int, list[dict]] = {}
    for problem in plan.problems:
        if problem.level == "error":
            problems.setdefault(problem.row, []).append(problem.as_dict())
    rows = [
        [number, plan.rejected_cells.get(number, []), problems.get(number, [])]
        for number in plan.rejected_rows
    ]
    text = json.dumps({"headers": headers, "rows": rows}, separators=(",", ":"))
    return zlib.compress(text.encode(), 1)


def _load(kept: bytes | memoryview | None) -> dict:
    if not kept:
        return {"headers": [], "rows": []}
    return json.loads(zlib.decompress(bytes(kept)))


def rejected_problems(kept: bytes | memoryview | None) -> list[dict]:
    """Every problem that rejected a row: ``{row, column, value, reason}``, in row order."""
    return [
        {"row": p["row"], "column": p["column"], "value": p["value"], "reason": p["message"]}
        for _, _, problems in _load(kept)["rows"]
        for p in problems
    ]


def rejected_rows_csv(kept: bytes | memoryview | None) -> str:
    """The rejected rows as they were in the file, with the row number and the reasons."""
    data = _load(kept)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c) for c in ["Row", *data["headers"], "Problems"]])
    for number, cells, problems in data["rows"]:
        reasons = "; ".join(f"{p['column']}: {p['message']}" for p in problems)
        writer.writerow([neutralise(cell) for cell in [str(number), *cells, reasons]])
    return out.getvalue()


def rejected_rows_file_name(file_name: str) -> str:
    """A safe download name for the rejected rows of ``file_name``."""
    stem = file_name.rsplit(".", 1)[0][:80] or "import"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)
    return f"{safe}-rejected-rows.csv"

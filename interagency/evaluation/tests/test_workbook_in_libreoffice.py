"""The results workbook opens in LibreOffice Calc with its charts and its numbers.

LibreOffice converts the workbook to OpenDocument headless; the .ods must hold
one chart object per scale and every number of the data sheets. CI installs
LibreOffice Calc (``.ci/run``), so there the test never skips; elsewhere it
skips only when ``soffice`` is not installed.
"""

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree  # type: ignore[import-untyped]

from interagency.evaluation.exports.workbook import evaluation_workbook
from interagency.evaluation.tests.test_exports import answered_plan

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "chart": "urn:oasis:names:tc:opendocument:xmlns:chart:1.0",
}
DATA_SHEETS = ("Raw data", "Scores", "Summary", "Change")
# A run of empty rows or cells LibreOffice writes as one repeated element; never data.
MANY = 1000


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is missing on CI: .ci/run installs libreoffice-calc-nogui.")
    pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui).")


def converted_to_ods(workbook: bytes, directory: Path) -> Path:
    """The workbook as LibreOffice saves it in OpenDocument, with a profile of its own."""
    source = directory / "results.xlsx"
    source.write_bytes(workbook)
    profile = directory / "profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "ods",
            "--outdir",
            str(directory),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return directory / "results.ods"


def cell_value(cell) -> object:
    kind = cell.get(f"{{{NS['office']}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(f"{{{NS['office']}}}value"))
    if kind == "string":
        return "\n".join("".join(p.itertext()) for p in cell.findall("text:p", NS))
    return None


def ods_sheets(content: bytes) -> dict[str, list[list[object]]]:
    """Each sheet's rows of values, repeated rows and cells expanded, trailing blanks dropped."""
    sheets = {}
    for table in ElementTree.fromstring(content).iter(f"{{{NS['table']}}}table"):
        rows: list[list[object]] = []
        for row in table.iter(f"{{{NS['table']}}}table-row"):
            values: list[object] = []
            for cell in row:
                repeat = int(cell.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
                values.extend([cell_value(cell)] * min(repeat, MANY))
            while values and values[-1] is None:
                values.pop()
            repeat = int(row.get(f"{{{NS['table']}}}number-rows-repeated", "1"))
            rows.extend([values] * (1 if repeat >= MANY else repeat))
        while rows and not rows[-1]:
            rows.pop()
        sheets[table.get(f"{{{NS['table']}}}name")] = rows
    return sheets


def xlsx_sheets(workbook: bytes) -> dict[str, list[list[object]]]:
    """The same, as the workbook itself holds them (numbers as floats; blanks, and the empty
    text a spreadsheet shows as blank, as None)."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheets = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            values = [float(v) if isinstance(v, int | float) else (v or None) for v in row]
            while values and values[-1] is None:
                values.pop()
            rows.append(values)
        while rows and not rows[-1]:
            rows.pop()
        sheets[sheet.title] = rows
    return sheets


def mismatches(found: list[list[object]], expected: list[list[object]]) -> list[str]:
    """Where LibreOffice's values differ from the workbook's (numbers to 1e-9)."""
    wrong = [f"{len(found)} rows, not {len(expected)}"] if len(found) != len(expected) else []
    for number, (got, want) in enumerate(zip(found, expected, strict=False), start=1):
        same = len(got) == len(want) and all(
            abs(a - b) <= 1e-9 * max(1.0, abs(b))
            if isinstance(a, float) and isinstance(b, float)
            else a == b
            for a, b in zip(got, want, strict=True)
        )
        if not same:
            wrong.append(f"row {number}: {got!r} is not {want!r}")
    return wrong


def test_the_workbook_opens_in_libreoffice_with_a_chart_per_scale_and_its_numbers(
    partnership, tmp_path
):
    plan = answered_plan(partnership)
    workbook = evaluation_workbook(plan)
    ods = converted_to_ods(workbook, tmp_path)
    with zipfile.ZipFile(ods) as package:
        content = package.read("content.xml")
        root = ElementTree.fromstring(content)
        objects = [
            frame.find("draw:object", NS).get(f"{{{NS['xlink']}}}href").removeprefix("./")
            for frame in root.iter(f"{{{NS['draw']}}}frame")
            if frame.find("draw:object", NS) is not None
        ]
        charts = [
            ElementTree.fromstring(package.read(f"{name}/content.xml")).find(".//chart:chart", NS)
            for name in objects
        ]
    # One line chart of the means per scale (confidence and knowledge), each titled.
    assert len(charts) == 2
    assert all(chart.get(f"{{{NS['chart']}}}class") == "chart:line" for chart in charts)
    titles = ["".join(chart.find("chart:title", NS).itertext()) for chart in charts]
    assert titles == [
        "Confidence: mean by wave with 95 % interval",
        "Knowledge: mean by wave with 95 % interval",
    ]
    found, expected = ods_sheets(content), xlsx_sheets(workbook)
    for name in DATA_SHEETS:
        assert mismatches(found[name], expected[name]) == [], name
    start = next(row for row in found["Summary"] if row[:1] == ["At the start of the course"])
    assert start[1] == 6.0
    waves = [row[1] for row in found["Raw data"] if len(row) > 1]
    assert waves.count("At the start of the course") == waves.count("At the end of the course") == 6

"""Opening an uploaded workbook defensively: sizes checked before openpyxl parses it."""

import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook import limits
from interagency.catalogue.workbook.sheets import whole_file


class Refused(Exception):
    """The file was not opened; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def open_workbook(data: bytes) -> Any:
    """The workbook in ``data``, opened read-only; raises :class:`Refused` instead."""
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise Refused(
            whole_file(
                "The workbook could not be opened: it may be damaged. Save it again as .xlsx."
            )
        ) from None


def check_archive(data: bytes) -> None:
    """Refuse, before parsing, anything that is not a plausible XLSX of a framework's size."""
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise Refused(limits.too_large(len(data)))
    not_xlsx = whole_file(
        "The file is not an Excel workbook (.xlsx). Save it as .xlsx, or upload a JSON export."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(not_xlsx) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise Refused(not_xlsx)
        unpacked = sum(member.file_size for member in members)
        if len(members) > limits.MAX_ZIP_MEMBERS or unpacked > limits.MAX_UNPACKED_BYTES:
            raise Refused(
                whole_file(
                    "The workbook unpacks to far more than a framework needs: it was not opened.",
                    f"{unpacked:,} bytes in {len(members)} parts",
                )
            )

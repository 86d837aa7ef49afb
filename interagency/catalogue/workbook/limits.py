"""How large a file the import opens, and how much of a workbook it reads."""

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook.sheets import whole_file

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A workbook's parts unpacked: Competence Matters unpacks to about 100 KB, so
# this is generous, and small enough that a zip bomb cannot exhaust memory.
# zipfile never reads past a member's declared size, so the declared sizes bind.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 5000
MAX_COLUMNS = 40


def too_large(size: int) -> Problem:
    """The problem of a file over :data:`MAX_UPLOAD_BYTES`."""
    return whole_file(
        f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", f"{size:,} bytes"
    )

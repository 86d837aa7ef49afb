"""A framework document as a file: an XLSX workbook or JSON, and back.

The *document* is the plain structure :mod:`interagency.catalogue.interchange`
exports, validates and builds from (the shape of the files in ``data/``). This
package only converts: it never touches the database. Every complaint about a
file is a :class:`~interagency.catalogue.interchange.Problem` naming the sheet,
the spreadsheet row (row 1 is the header, so row 2 is the first data row), the
column letter with its header, and the value, so that a coordinator can find
and fix every mistake in one go. :func:`locate` moves the problems that
validation finds in the document onto the cells they came from.

Sheets (``sheets``): ``framework`` (key and value rows), ``tiers``, ``courses``
(one row per course), ``pathways`` (one row per item of a role's pathway),
``equivalences`` and ``questions``. A list sits in one cell, one item a line
(or separated by " | "). A pathway item the framework's catalogue does not have
is kept as the source wrote it; the document lists such names under the
pathway's ``unmatched`` key (``unmatched`` = yes on its row), so an export
imports again while an unknown name that nobody declared is refused
(``checking``).

Untrusted files are opened defensively (``opening``): the upload and its
unpacked size are capped before parsing (openpyxl parses with defusedxml, which
refuses entity expansion bombs), rows and columns read are bounded (the limits
are in ``limits``, read from there when a file comes in), formulas are refused
(``cells``), and text a spreadsheet could take for a formula is exported with a
leading apostrophe (OWASP's advice against formula injection, ``writing``),
which the import removes (``reading``, ``tables``).
"""

from interagency.catalogue.workbook.checking import declare_unmatched, import_problems
from interagency.catalogue.workbook.json_files import document_to_json, json_to_document
from interagency.catalogue.workbook.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_MEMBERS,
)
from interagency.catalogue.workbook.locating import Located, locate
from interagency.catalogue.workbook.reading import ReadResult, read_workbook, workbook_to_document
from interagency.catalogue.workbook.writing import document_to_workbook, pathway_rows

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_ZIP_MEMBERS",
    "Located",
    "ReadResult",
    "declare_unmatched",
    "document_to_json",
    "document_to_workbook",
    "import_problems",
    "json_to_document",
    "locate",
    "pathway_rows",
    "read_workbook",
    "workbook_to_document",
]

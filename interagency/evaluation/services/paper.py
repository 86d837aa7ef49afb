"""Paper returns: forms entered by a coordinator, or a file of them imported all at once."""

from typing import TYPE_CHECKING

from django.db import transaction

from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import ResponseSource, Wave
from interagency.evaluation.paper_import import check_table
from interagency.evaluation.services.responses import submit_response
from interagency.people.importing.reading import ImportFileError, read_table

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def import_paper_returns(
    *, wave: Wave, content: bytes, file_name: str, entered_by: "_User | None"
) -> int:
    """Save every form in the CSV or XLSX file as a response to ``wave``; returns how many.

    All or nothing: a problem on any row refuses the file, naming each row and
    column. Each row's idempotency key is the file's fingerprint and its row
    number, so importing the same file again adds nothing.
    """
    try:
        table = read_table(content, file_name)
    except ImportFileError as error:
        raise EvaluationError(str(error), errors={"file": str(error)}) from None
    checked = check_table(wave, table, content=content)
    if checked.problems:
        raise EvaluationError(
            "The file has problems to fix; no forms were saved.", errors=checked.problems
        )
    with transaction.atomic():
        for row in checked.rows:
            try:
                submit_response(
                    wave=wave,
                    answers=row.answers,
                    idempotency_key=row.key,
                    consented=True,
                    code=row.code or None,
                    source=ResponseSource.IMPORT,
                    entered_by=entered_by,
                )
            except EvaluationError as error:
                # Answered since the check (another coordinator): refuse the whole file.
                raise EvaluationError(
                    "The file has problems to fix; no forms were saved.",
                    errors={f"Row {row.number}": str(error)},
                ) from None
    return len(checked.rows)

"""Paper returns from a file: one row per form, a ``code`` column and one column per item.

Every row is checked before anything is saved, and every problem is named by
its row and column: an unknown code, a code used twice in the file or already
answered, an answer out of its item's range, a column that is no item of the
version. A file with any problem saves nothing.
"""

import hashlib
from dataclasses import dataclass, field

from interagency.evaluation.models import Item, Respondent, Response, ResponseCode, Wave
from interagency.evaluation.services.plans import normalise_code
from interagency.evaluation.services.responses import checked_answer
from interagency.people.importing.reading import Table

CODE_COLUMN = "code"
# The most problems listed: past this a file is plainly for another questionnaire.
MOST_PROBLEMS = 100


@dataclass
class PaperRow:
    """One form read from the file: its row number, code and answers (item key to text)."""

    number: int
    code: str
    answers: dict[str, str]
    key: str


@dataclass
class CheckedFile:
    rows: list[PaperRow] = field(default_factory=list)
    # "Row 3, column k2" (or "Column x", "Row 4") to what is wrong there.
    problems: dict[str, str] = field(default_factory=dict)


def check_table(wave: Wave, table: Table, *, content: bytes) -> CheckedFile:
    """Each row of ``table`` as answers to ``wave``'s learner questionnaire, or its problems."""
    items = {item.key: item for item in Item.objects.filter(version=wave.instrument_version)}
    headers = [header.strip() for header in table.headers]
    checked = CheckedFile()
    linked = wave.plan.links_waves
    for header in headers:
        if header and header.lower() != CODE_COLUMN and header not in items:
            checked.problems[f"Column {header}"] = "is not a question of this questionnaire."
    if linked and CODE_COLUMN not in [header.lower() for header in headers]:
        checked.problems["Column code"] = "is missing: each form's response code goes there."
    if checked.problems:
        return checked
    fingerprint = hashlib.sha256(content).hexdigest()[:40]
    for offset, cells in enumerate(table.rows):
        number = table.first_row_number + offset
        values = dict(zip(headers, cells, strict=False))
        code = normalise_code(next((v for h, v in values.items() if h.lower() == "code"), ""))
        answers = {key: values.get(key, "").strip() for key in items}
        _check_row(checked, number, answers, items)
        checked.rows.append(PaperRow(number, code, answers, f"import:{fingerprint}:{number}"))
        if len(checked.problems) >= MOST_PROBLEMS:
            break
    if linked:
        _check_codes(checked, wave)
    if not checked.rows:
        checked.problems["File"] = "has no forms in it."
    return checked


def _check_row(checked: CheckedFile, number: int, answers: dict[str, str], items) -> None:
    if not any(answers.values()):
        checked.problems[f"Row {number}"] = "has no answers."
    for key, value in answers.items():
        if value:
            _answer, problem = checked_answer(items[key], value)
            if problem:
                checked.problems[f"Row {number}, column {key}"] = f"the answer {value!r} {problem}"


def _check_codes(checked: CheckedFile, wave: Wave) -> None:
    partnership = wave.plan.partnership
    typed = {row.code for row in checked.rows if row.code}
    known = set(
        ResponseCode.objects.for_partnership(partnership)
        .filter(plan=wave.plan, code__in=typed)
        .values_list("code", flat=True)
    )
    # Code to the key its response was saved with: this file's own row, imported
    # before, is the same form again, not a second answer.
    answered = dict(
        Response.objects.for_partnership(partnership)
        .filter(wave=wave, respondent=Respondent.LEARNER, response_code__code__in=typed)
        .values_list("response_code__code", "idempotency_key")
    )
    first_row: dict[str, int] = {}
    for row in checked.rows:
        where = f"Row {row.number}, column code"
        if not row.code:
            checked.problems[where] = "is empty: enter the form's response code."
        elif row.code not in known:
            checked.problems[where] = f"{row.code} is not a response code of this evaluation."
        elif row.code in first_row:
            checked.problems[where] = (
                f"{row.code} is used twice: also on row {first_row[row.code]}."
            )
        elif answered.get(row.code, row.key) != row.key:
            checked.problems[where] = f"{row.code} has already answered this questionnaire."
        first_row.setdefault(row.code, row.number)

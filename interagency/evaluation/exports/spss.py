"""SPSS .sav: one case per response, items and scale scores with variable and value labels.

Written by pyreadstat from a pandas DataFrame. Numbers stay numbers (missing
is system-missing), value labels say what each number means (agree-disagree
wording, a choice's text, yes and no), and each variable's label is its
question. Free-text answers are string variables.
"""

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from interagency.evaluation.exports.table import ResponseTable, response_table, scores_by_response
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import Respondent

if TYPE_CHECKING:
    import pandas as pd

# SPSS caps a variable label at 256 bytes; longer questions are cut on a word.
LABEL_BYTES = 256


def _label(text: str) -> str:
    if len(text.encode()) <= LABEL_BYTES:
        return text
    cut = text.encode()[: LABEL_BYTES - 3].decode(errors="ignore")
    return cut.rsplit(" ", 1)[0] + "..."


def sav_frame(table: ResponseTable, scales, scores) -> "tuple[pd.DataFrame, dict, dict]":
    """The DataFrame, variable labels and value labels of the .sav."""
    # pandas and pyreadstat are imported when a .sav is asked for: at import they would
    # be most of the time every server process takes to start.
    import pandas as pd

    waves = {row.wave: row.wave_label for row in table.rows}
    wave_numbers = {key: number for number, key in enumerate(waves, start=1)}
    respondents = {value: number for number, value in enumerate(Respondent.values, start=1)}
    data: dict[str, list] = {
        "response": [row.response for row in table.rows],
        "wave": [wave_numbers[row.wave] for row in table.rows],
        "respondent": [respondents[row.respondent] for row in table.rows],
        "code": [row.code for row in table.rows],
        "version": [row.version for row in table.rows],
        "submitted": [timezone.localtime(row.submitted_at).isoformat() for row in table.rows],
    }
    labels = {
        "response": "Response number",
        "wave": "Wave",
        "respondent": "Who answered",
        "code": "Response code",
        "version": "Instrument version answered",
        "submitted": "When submitted (Europe/London)",
    }
    value_labels: dict[str, dict[int | float, str]] = {
        "wave": {number: waves[key] for key, number in wave_numbers.items()},
        "respondent": {n: str(Respondent(value).label) for value, n in respondents.items()},
    }
    if table.named:
        data["name"] = [row.name for row in table.rows]
        labels["name"] = "Name"
    for column in table.columns:
        values = [row.answers.get(column.key) for row in table.rows]
        if column.is_text:
            data[column.variable] = [value or "" for value in values]
        else:
            data[column.variable] = [float("nan") if v is None else float(v) for v in values]
            if column.labels:
                labelled: dict[int | float, str] = {}
                for number, text in column.labels.items():
                    labelled[number] = text
                value_labels[column.variable] = labelled
        labels[column.variable] = _label(column.text)
    taken = {name.lower() for name in data}
    for key, name in scales:
        variable = f"score_{key}".replace("-", "_")[:64]
        while variable.lower() in taken:
            variable += "_"
        taken.add(variable.lower())
        data[variable] = [
            float("nan") if (s := scores.get(row.response, {}).get(key)) is None else s
            for row in table.rows
        ]
        labels[variable] = _label(f"Score: {name}")
    return pd.DataFrame(data), labels, value_labels


def evaluation_sav(plan, only: ResultsFilter | None = None) -> bytes:
    """The plan's responses (those ``only`` keeps) as the bytes of an SPSS .sav file."""
    import pyreadstat

    scales, scores = scores_by_response(plan, only)
    frame, labels, value_labels = sav_frame(response_table(plan, only), scales, scores)
    with tempfile.TemporaryDirectory(prefix="interagency-sav-") as directory:
        path = Path(directory) / "evaluation.sav"
        pyreadstat.write_sav(
            frame,
            path,
            file_label=_label(str(plan))[:64],
            column_labels=labels,
            variable_value_labels=value_labels,
        )
        return path.read_bytes()

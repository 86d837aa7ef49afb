"""Downloads: long CSV, the XLSX workbook with its charts, an SPSS .sav read back with labels."""

import csv
import io
import zipfile

import openpyxl
import pyreadstat
import pytest

from interagency.evaluation.exports.long_csv import long_csv_download
from interagency.evaluation.exports.spss import evaluation_sav
from interagency.evaluation.exports.workbook import evaluation_workbook
from interagency.evaluation.models import EvaluationPlan, ResponseMode, WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import code_for, full_answers, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

HOSTILE = '=HYPERLINK("http://example.com","click")'


def answered_plan(partnership, mode=ResponseMode.PSEUDONYMOUS, people=6) -> EvaluationPlan:
    """``people`` learners answering start and end; the first comments with a formula."""
    plan = make_plan(partnership, mode=mode)
    for number in range(people):
        code = code_for(plan)
        for kind, lift in ((WaveKind.START, 0), (WaveKind.END, 1)):
            answers = full_answers(c1=min(5, 2 + lift + number % 3), c2=3 + lift, c5=None)
            if number == 0 and kind == WaveKind.END:
                answers["comment"] = HOSTILE
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=answers,
                idempotency_key=f"{kind}-{number}",
                consented=True,
                code=code,
            )
    return plan


def test_the_long_csv_has_a_line_per_answer_and_no_formula(partnership):
    plan = answered_plan(partnership)
    response = long_csv_download(plan)
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(lines) == 6 * 2 * 6 + 1  # six answers each, and one comment
    assert "name" not in lines[0]  # pseudonymous: codes only
    comment = next(line for line in lines if line["item"] == "comment")
    assert comment["text"] == "'" + HOSTILE and comment["value"] == ""
    c3 = next(line for line in lines if line["item"] == "c3")
    assert (c3["scale"], c3["value"], c3["wave"]) == ("confidence", "2", "start")


def test_a_named_evaluation_puts_the_name_in_the_csv(partnership):
    plan = answered_plan(partnership, mode=ResponseMode.NAMED, people=1)
    lines = list(csv.DictReader(io.StringIO(long_csv_download(plan).content.decode())))
    assert lines[0]["name"]


def test_the_workbook_has_its_sheets_numbers_and_native_charts(partnership):
    content = evaluation_workbook(answered_plan(partnership))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "About",
        "Raw data",
        "Scores",
        "Summary",
        "Change",
        "Reliability",
        "Knowledge and attrition",
    ]
    raw = list(book["Raw data"].iter_rows(values_only=True))
    header = raw[0]
    assert header[:4] == ("Response", "Wave", "Respondent", "Code")
    comments = [row[header.index("comment")] for row in raw[1:13] if row[header.index("comment")]]
    assert comments == ["'" + HOSTILE]
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0][0] == "Confidence (level 2b)"
    assert summary[2][:3] == ("At registration", 0, None)  # nobody answered: blank, not 0
    assert summary[3][:2] == ("At the start of the course", 6)
    change = list(book["Change"].iter_rows(values_only=True))
    start_to_end = next(row for row in change if row[:3] == ("Confidence", "start", "end"))
    assert start_to_end[3] == 6 and start_to_end[6] > 0
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        charts = [name for name in package.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 2  # confidence and knowledge
        assert b"<c:errBars>" in package.read(charts[0])
        drawing = package.read("xl/drawings/drawing1.xml").decode()
        assert 'descr="Line chart of the mean Confidence score by wave' in drawing


def test_the_sav_reads_back_with_variable_and_value_labels(partnership, tmp_path):
    path = tmp_path / "evaluation.sav"
    path.write_bytes(evaluation_sav(answered_plan(partnership)))
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 12
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["c1"] == "I can refer."
    assert labels["score_confidence"] == "Score: Confidence"
    value_labels = meta.variable_value_labels
    assert value_labels["c1"] == {
        1.0: "Strongly disagree",
        2.0: "Disagree",
        3.0: "Neither agree nor disagree",
        4.0: "Agree",
        5.0: "Strongly agree",
    }
    assert value_labels["k2"] == {1.0: "Wait", 2.0: "Tell the lead", 3.0: "Ask the parent"}
    assert value_labels["wave"] == {
        1.0: "At the start of the course",
        2.0: "At the end of the course",
    }
    assert frame["c5"].isna().all()  # unanswered stays missing
    assert frame.loc[0, "c3"] == 2.0
    # c1..c4 answered of five: 80 %, so each has a score; c3 is recoded 6 - 2.
    assert frame.loc[0, "score_confidence"] == pytest.approx((2 + 3 + 4 + 3) / 4)
    # SPSS runs no formulas: the text is kept as typed.
    assert HOSTILE in set(frame["comment"])

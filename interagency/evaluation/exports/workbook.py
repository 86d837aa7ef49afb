"""An XLSX workbook per evaluation: raw data, scores, summary tables and native Excel charts.

Written with XlsxWriter. Every text cell is written as text (never parsed as
a formula) and neutralised as every download is (``core.spreadsheets``).
Each chart sits beside the table of its numbers and carries a description
for screen readers. A filtered workbook (the results page's filters) holds
only the filtered responses, every wave alike, and names the filter on its
About and Summary sheets.
"""

import io
from typing import Any

import xlsxwriter
from django.utils import timezone

from interagency.core.dates import govuk_datetime
from interagency.core.spreadsheets import neutralise
from interagency.evaluation.analysis import EvaluationResults, analyse
from interagency.evaluation.analysis.reliability import Reliability
from interagency.evaluation.analysis.statistics import PairedChange, TooFew
from interagency.evaluation.exports.table import ResponseTable, response_table, scores_by_response
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import ResponseMode
from interagency.evaluation.selectors import evaluation_data

CONVENTIONS = (
    "Reverse-keyed items are recoded (maximum + minimum - answer).",
    "A scale score is the mean of the answered items, only when at least the scale's share "
    "(80 % unless set) of its items is answered; else it is missing. Knowledge is the percent "
    "correct of the answered items; an unanswered item is missing, not wrong.",
    "n, mean and standard deviation (n - 1) per scale and wave, with the 95 % t interval.",
    "Change between waves over the people with both scores: mean difference with its 95 % t "
    "interval, paired t-test, Wilcoxon signed-rank test (zero differences dropped, average "
    "ranks for ties, normal approximation with tie correction, no continuity correction), "
    "effect sizes d_z (mean difference / SD of differences) and d_av (mean difference / mean "
    "of the two SDs), after Lakens (2013).",
    "Fewer than 5 people: the figure is not shown.",
    "Reliability: Cronbach's alpha (KR-20 for right-or-wrong items) over the rows that "
    "answered every item, corrected item-total correlations, alpha if the item is deleted.",
)

CHANGE_HEADERS = [
    "Scale", "From", "To", "n", "Mean before", "Mean after", "Mean difference",
    "95 % low", "95 % high", "t", "df", "p (t-test)", "Wilcoxon W+", "Wilcoxon W-",
    "Wilcoxon z", "p (Wilcoxon)", "d_z", "d_av",
]  # fmt: skip


class Sheet:
    """A worksheet written row by row; text neutralised, None left blank."""

    def __init__(self, book, name: str, formats: dict[str, Any]) -> None:
        self.sheet = book.add_worksheet(name)
        self.formats = formats
        self.row = 0

    def write(self, values: list[Any], style: str | None = None) -> int:
        cell_format = self.formats.get(style) if style else None
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                self.sheet.write_string(self.row, column, neutralise(value), cell_format)
            else:
                self.sheet.write_number(self.row, column, value, cell_format)
        self.row += 1
        return self.row - 1

    def skip(self, rows: int = 1) -> None:
        self.row += rows


def evaluation_workbook(
    plan, only: ResultsFilter | None = None, filtered: tuple[str, ...] = ()
) -> bytes:
    """The workbook's bytes for ``plan``: about, raw data, scores, summary, reliability, more.

    ``only`` keeps the responses the results page's filters keep; ``filtered`` names them in
    words (``filters.described``) on the About and Summary sheets."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    formats = {
        "heading": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bottom": 1}),
        "number": book.add_format({"num_format": "0.00"}),
    }
    table = response_table(plan, only)
    results = analyse(evaluation_data(plan, only=only))
    _about(Sheet(book, "About", formats), plan, results, filtered)
    _raw_data(Sheet(book, "Raw data", formats), table)
    _scores(Sheet(book, "Scores", formats), table, *scores_by_response(plan, only))
    _summary(book, Sheet(book, "Summary", formats), results, filtered)
    _changes(Sheet(book, "Change", formats), results)
    _reliability(Sheet(book, "Reliability", formats), results)
    _knowledge_and_attrition(Sheet(book, "Knowledge and attrition", formats), results)
    book.close()
    return output.getvalue()


def _filter_line(filtered: tuple[str, ...]) -> str:
    return "Only the responses of: " + "; ".join(filtered) if filtered else "Every response"


def _about(sheet: Sheet, plan, results: EvaluationResults, filtered: tuple[str, ...]) -> None:
    sheet.write([str(plan)], "heading")
    sheet.write(["Partnership", str(plan.partnership)])
    sheet.write(["Responses", str(ResponseMode(plan.response_mode).label)])
    sheet.write(["Filtered", _filter_line(filtered)])
    sheet.write(["Waves", ", ".join(label for _, label in results.waves)])
    sheet.write(["Made", govuk_datetime(timezone.now())])
    sheet.skip()
    sheet.write(["How the figures are computed"], "header")
    for line in CONVENTIONS:
        sheet.write([line])
    sheet.sheet.set_column(0, 0, 24)
    sheet.sheet.set_column(1, 1, 80)


def _identity_headers(table: ResponseTable) -> list[str]:
    headers = ["Response", "Wave", "Respondent", "Code"]
    return [*headers, "Name"] if table.named else headers


def _identity(table: ResponseTable, row) -> list[Any]:
    values: list[Any] = [row.response, row.wave_label, row.respondent, row.code]
    return [*values, row.name] if table.named else values


def _raw_data(sheet: Sheet, table: ResponseTable) -> None:
    extra = ["Session", "Version", "Submitted"]
    sheet.write([*_identity_headers(table), *extra, *(c.key for c in table.columns)], "header")
    for row in table.rows:
        submitted = timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M")
        answers = [row.answers.get(column.key) for column in table.columns]
        sheet.write([*_identity(table, row), row.session, row.version, submitted, *answers])
    sheet.skip()
    sheet.write(["Item", "Scale", "Question", "Values"], "header")
    for column in table.columns:
        values = "; ".join(f"{n} = {text}" for n, text in column.labels.items())
        sheet.write([column.key, column.scale, column.text, values or "text"])
    sheet.sheet.freeze_panes(1, 0)


def _scores(sheet: Sheet, table: ResponseTable, scales, scores) -> None:
    sheet.write([*_identity_headers(table), *(name for _, name in scales)], "header")
    for row in table.rows:
        mine = scores.get(row.response, {})
        sheet.write([*_identity(table, row), *(mine.get(key) for key, _ in scales)])
    sheet.sheet.freeze_panes(1, 0)


def _summary(book, sheet: Sheet, results: EvaluationResults, filtered: tuple[str, ...]) -> None:
    """Per scale: a table of each wave's figures and a line chart of the means with intervals."""
    labels = dict(results.waves)
    if filtered:
        sheet.write([_filter_line(filtered)], "header")
        sheet.skip()
    for scale in results.scales:
        sheet.write([f"{scale.name} (level {scale.level})"], "heading")
        header = sheet.write(
            ["Wave", "n", "Mean", "SD", "95 % low", "95 % high", "Below mean", "Above mean"],
            "header",
        )
        for wave, summary in scale.by_wave.items():
            below = above = None
            mean, low, high = summary.mean, summary.ci_low, summary.ci_high
            if mean is not None and low is not None and high is not None:
                below, above = mean - low, high - mean
            sheet.write(
                [labels[wave], summary.n, summary.mean, summary.sd, summary.ci_low,
                 summary.ci_high, below, above],
            )  # fmt: skip
        first, last = header + 1, sheet.row - 1
        _means_chart(book, sheet, scale, first, last)
        sheet.skip(max(2, 16 - (last - header)))
    sheet.sheet.set_column(0, 0, 30)


def _means_chart(book, sheet: Sheet, scale, first: int, last: int) -> None:
    name = sheet.sheet.name

    def cells(column: int) -> list[Any]:
        return [name, first, column, last, column]

    chart = book.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": scale.name,
            "categories": cells(0),
            "values": cells(2),
            "marker": {"type": "circle", "size": 7},
            "y_error_bars": {
                "type": "custom",
                "plus_values": cells(7),
                "minus_values": cells(6),
            },
        }
    )
    chart.set_title({"name": f"{scale.name}: mean by wave with 95 % interval"})
    chart.set_legend({"none": True})
    means = ", ".join(
        f"{wave} {summary.mean:.1f} (n {summary.n})"
        for wave, summary in scale.by_wave.items()
        if summary.mean is not None
    )
    sheet.sheet.insert_chart(
        first - 2,
        9,
        chart,
        {"description": f"Line chart of the mean {scale.name} score by wave: {means}."},
    )


def _changes(sheet: Sheet, results: EvaluationResults) -> None:
    sheet.write(CHANGE_HEADERS, "header")
    for scale in results.scales:
        for change in scale.changes:
            sheet.write([scale.name, change.from_wave, change.to_wave, *_change(change.result)])
        if scale.double_baseline is not None:
            comparison = scale.double_baseline.during_against_before
            sheet.write(
                [scale.name, "change before the course", "change during it", *_change(comparison)]
            )
    sheet.sheet.freeze_panes(1, 0)
    sheet.sheet.set_column(0, 2, 24)


def _change(result: PairedChange | TooFew) -> list[Any]:
    if isinstance(result, TooFew):
        return [result.n, result.message]
    rank = result.signed_rank
    return [
        result.n, result.mean_before, result.mean_after, result.mean_difference, result.ci_low,
        result.ci_high, result.t, result.df, result.p,
        rank.w_plus if rank else None, rank.w_minus if rank else None,
        rank.z if rank else None, rank.p if rank else None, result.d_z, result.d_av,
    ]  # fmt: skip


def _reliability(sheet: Sheet, results: EvaluationResults) -> None:
    sheet.write(["Scale", "Wave", "n", "Alpha", "Item", "Corrected item-total", "Alpha if deleted"],
                "header")  # fmt: skip
    for scale in results.scales:
        for wave, found in scale.reliability.items():
            if isinstance(found, TooFew):
                sheet.write([scale.name, wave, found.n, found.message])
            elif isinstance(found, Reliability):
                name = "KR-20" if found.kr20 else "Cronbach's alpha"
                sheet.write([scale.name, wave, found.n, found.alpha, name])
                for item in found.items:
                    sheet.write(
                        [None, None, None, None, item.key, item.corrected_item_total,
                         item.alpha_if_deleted],
                    )  # fmt: skip


def _knowledge_and_attrition(sheet: Sheet, results: EvaluationResults) -> None:
    waves = [key for key, _ in results.waves]
    sheet.write(["Knowledge item", *(f"% correct {w}" for w in waves), "Falls between"], "header")
    for item in results.knowledge_items:
        percents = [item.by_wave[w].percent_correct if w in item.by_wave else None for w in waves]
        falls = ", ".join(f"{a} to {b}" for a, b in item.falls)
        sheet.write([item.key, *percents, falls])
    sheet.skip()
    sheet.write(["Wave", "Present", "% of first wave", "Stayed from the wave before", "%"],
                "header")  # fmt: skip
    for step in results.attrition:
        sheet.write(
            [step.wave, step.present, step.percent_of_first, step.retained, step.percent_retained]
        )

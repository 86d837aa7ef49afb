"""The annual report as an accessible PDF: tagged, PDF/UA-1, by WeasyPrint (decision 0033).

The same template body as the page, so the headings, tables (with their
header cells) and charts (images whose text alternative is the chart's
description) come in the page's order; the document's language is en-GB and
its title the report's. Only ``data:`` addresses are fetched: the charts.
"""

from django.template.loader import render_to_string

from interagency.annual_reports.charts import report_charts
from interagency.annual_reports.selectors.report import ReportFigures


def report_pdf(figures: ReportFigures) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "annual_reports/report_pdf.html",
        {"figures": figures, "charts": report_charts(figures)},
    )
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def file_name(figures: ReportFigures) -> str:
    return f"annual-report-{figures.year}-{figures.year + 1}.pdf"

from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    name = "interagency.annual_reports"
    label = "annual_reports"
    verbose_name = "The board's annual report"

    def ready(self) -> None:
        # A board member's start page shows the year's key figures beside last year's.
        from interagency.annual_reports import start_page

        start_page.register()

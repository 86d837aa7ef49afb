from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "interagency.regional"
    label = "regional"
    verbose_name = "Regional benchmarks"

    def ready(self) -> None:
        # The start page links to the benchmarks and the sharing choice without tenancy
        # importing this app.
        from interagency.regional import start_page

        start_page.register()

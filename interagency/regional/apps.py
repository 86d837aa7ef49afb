from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "interagency.regional"
    label = "regional"
    verbose_name = "Regional benchmarks"

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "interagency.records"
    label = "records"
    verbose_name = "Training records"

from django.apps import AppConfig


class LocalStatisticsConfig(AppConfig):
    name = "interagency.local_statistics"
    label = "local_statistics"
    verbose_name = "Official statistics per local authority"

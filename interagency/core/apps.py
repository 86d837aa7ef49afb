from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "interagency.core"
    label = "core"
    verbose_name = "Core"

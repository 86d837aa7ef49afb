from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "interagency.tenancy"
    label = "tenancy"

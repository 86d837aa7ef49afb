from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "interagency.finance"
    label = "finance"
    verbose_name = "Costs and funding"

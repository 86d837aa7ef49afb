from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "interagency.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

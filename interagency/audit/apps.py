from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "interagency.audit"
    label = "audit"

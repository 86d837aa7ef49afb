from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    """Values the GOV.UK shell needs on every page."""
    return {
        "service_name": "Interagency",
        "current_partnership": getattr(request, "partnership", None),
        "partnership_actions": getattr(request, "partnership_actions", frozenset()),
        "debug": settings.DEBUG,
    }

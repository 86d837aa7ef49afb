"""Template tags for GOV.UK Design System components used across apps."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page: Page) -> dict:
    """GOV.UK pagination: numbered pages (elided), every filter kept in the links."""
    return {
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2)),
        "request": context.get("request"),
    }

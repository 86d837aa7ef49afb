"""``{% choice_search form "name" %}``: a searched choice's box, Find button and matches."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("includes/choice_search.html", takes_context=True)
def choice_search(context: Any, form: Any, name: str, hint: str = "") -> dict[str, Any]:
    """The search step of ``form``'s field ``name`` (core/choice_search.py)."""
    request = context.get("request")
    return {
        "choice": form.choice_options(name),
        "hint": hint,
        "path": request.path if request is not None else "",
    }

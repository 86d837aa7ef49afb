"""Template filters for the public catalogue pages, and the tag that renders a course panel."""

from decimal import Decimal

from django import template

from interagency.catalogue.panels import Panel

register = template.Library()


def _number(value: Decimal | int | float) -> str:
    number = Decimal(value)
    return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number)


@register.filter
def hours(value: Decimal | int | float | None, is_minimum: bool = False) -> str:
    """``6`` → "6 hours", ``0.5`` → "0.5 hours", minimum → "at least 3 hours"."""
    if value is None:
        return ""
    number = _number(value)
    text = f"{number} hour{'' if Decimal(value) == 1 else 's'}"
    return f"at least {text}" if is_minimum else text


@register.filter
def months(value: int | None) -> str:
    """``24`` → "24 months", ``1`` → "1 month"."""
    if value is None:
        return ""
    return f"{value} month{'' if value == 1 else 's'}"


@register.simple_tag(takes_context=True)
def course_panel(context: template.Context, panel: Panel) -> str:
    """Render a :class:`Panel` as ``{% include %}`` would: in the page's context (the
    context processors are not run again) with the panel's own context on top."""
    assert context.template is not None
    found = context.template.engine.get_template(panel.template_name)
    with context.push(panel.context):
        return found.render(context)

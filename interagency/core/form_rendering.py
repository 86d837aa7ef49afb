"""Form rendering: Django's templates, except select boxes, which are written in Python.

Django renders a select box by including one template per option. A county
partnership's forms offer 1,250 agencies and 2,463 services, and those
includes took most of a page's time (the add-a-person form: 475 ms of its
server time, nearly all in the agency list). ``render_select`` writes the same
markup as Django's ``select.html``, ``select_option.html`` and ``attrs.html``
without a template per option; any other widget, or an option with its own
template, still goes through the templates.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``)."""

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and widget and plain_options(widget):
            return mark_safe(render_select(widget))  # noqa: S308 - every part escaped below
        return super().render(template_name, context, request=request)


def plain_options(widget: dict) -> bool:
    """Every option uses Django's own option template (so writing it here is the same)."""
    return all(
        option["template_name"] == OPTION_TEMPLATE
        for _name, options, _index in widget["optgroups"]
        for option in options
    )


def render_select(widget: dict) -> str:
    """The markup of Django's ``select.html`` for ``widget``, whitespace and all (the
    option template's file ends in a newline, so every option does)."""
    parts = [f'<select name="{text(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{formatted(option["value"])}"'
                f"{attributes(option['attrs'])}>{text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def text(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    return str(conditional_escape(localize(value)))


def formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the string form, escaped unless already safe."""
    shown = str(value)
    return shown if isinstance(value, SafeData) else str(conditional_escape(shown))


def attributes(attrs: dict) -> str:
    """``attrs.html``: ``True`` writes the bare name, ``False`` leaves the attribute out."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        written.append(f" {text(name)}" if value is True else f' {text(name)}="{formatted(value)}"')
    return "".join(written)

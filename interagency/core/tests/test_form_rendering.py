"""Select boxes written in Python show exactly the markup Django's templates would."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from interagency.core.form_rendering import FormRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Choose one"), ("a", "Tom & Jerry's <b>"), (3, 3)])
    grouped = forms.ChoiceField(
        required=False,
        choices=[
            ("Health", [("gp", "GP surgery"), ("nhs", 'NHS "trust"')]),
            ("Police", [("met", "Metropolitan")]),
            ("x", "Ungrouped"),
        ],
        widget=forms.Select(attrs={"class": "govuk-select", "aria-describedby": "hint"}),
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    answer = forms.NullBooleanField()
    safe = forms.ChoiceField(choices=[(mark_safe("a&amp;b"), mark_safe("<i>safe</i>"))])


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "a", "grouped": "nhs", "many": ["1", "3"], "answer": "true"}],
    ids=["empty", "chosen"],
)
def test_every_select_matches_django_templates(data):
    form = Everything(data)
    for name in form.fields:
        field = form[name]
        ours = field.as_widget()
        form.renderer = DjangoTemplates()
        djangos = field.as_widget()
        form.renderer = FormRenderer()
        assert ours == djangos, name


def test_the_chosen_option_is_marked_selected():
    form = Everything({"plain": "a"}, renderer=FormRenderer())
    html = str(form["plain"])
    assert '<option value="a" selected>Tom &amp; Jerry&#x27;s &lt;b&gt;</option>' in html
    assert '<option value="">Choose one</option>' in html


def test_the_site_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)

"""The questionnaire as a form: one field per item, drawn by its response format.

Every answer field is optional text: an unanswered item is missing, never
zero, and the range of each answer is checked once, by the response service,
whose refusals are put back beside their items. The form only carries them.
"""

import uuid
from dataclasses import dataclass

from django import forms

from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.formats import ResponseFormat, answer_range, value_labels
from interagency.evaluation.models import Item, Scale
from interagency.evaluation.services.responses import checked_answer

PREFIX = "item-"
# Formats answered by choosing one option; the others are typed (numbers or text).
CHOSEN = (
    ResponseFormat.AGREE_5,
    ResponseFormat.AGREE_7,
    ResponseFormat.YES_NO,
    ResponseFormat.MULTIPLE_CHOICE,
)


@dataclass
class Question:
    """One item as the template draws it."""

    item: Item
    field: forms.BoundField
    widget: str  # "radios", "number" or "text"
    options: list[tuple[str, str]]
    hint: str
    preamble: Scale | None = None

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the input, or the first radio."""
        return self.field.auto_id


class QuestionnaireForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    consented = forms.BooleanField(required=False)

    def __init__(
        self,
        *args,
        items: list[Item],
        ask_code: bool = False,
        compact: bool = False,
        consent_message: str = "Tick the box to say you agree before you send your answers",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consent_message = consent_message
        self.items = items
        self.compact = compact
        if ask_code:
            self.fields["code"] = forms.CharField(max_length=20, required=False)
        for item in items:
            limit = 5_000 if item.response_format == ResponseFormat.FREE_TEXT else 10
            self.fields[PREFIX + item.key] = forms.CharField(
                required=False, max_length=limit, strip=True
            )
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def answers(self) -> dict[str, str]:
        """Item key to what was sent (empty: unanswered)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {item.key: data.get(PREFIX + item.key, "") for item in self.items}

    def show(self, error: EvaluationError) -> None:
        """Put the service's refusal beside each item it names, the rest at the top."""
        named = False
        for key, message in error.errors.items():
            field = PREFIX + key if PREFIX + key in self.fields else key
            if field in self.fields:
                text = error.message if field == "code" else _sentence(self, field, message)
                self.add_error(field, text)
                named = True
        if not named:
            self.add_error(None, error.message)

    def check(self, *, consent_needed: bool = True) -> bool:
        """Whether every answer is in range (and consent given), each problem beside its item.

        The service would refuse at the first kind of problem; checking here
        first lets one page show them all.
        """
        for item in self.items:
            value = self.cleaned_data.get(PREFIX + item.key, "")
            if value:
                _answer, problem = checked_answer(item, value)
                if problem:
                    self.add_error(PREFIX + item.key, _sentence(self, PREFIX + item.key, problem))
        if consent_needed and not self.cleaned_data.get("consented"):
            self.add_error("consented", _sentence(self, "consented", ""))
        if "code" in self.fields and not self.cleaned_data.get("code"):
            self.add_error("code", "Enter the response code from your letter or email")
        return not self.errors

    def questions(self, preambles: dict[int, Scale] | None = None) -> list[Question]:
        preambles = preambles or {}
        return [self._question(item, preambles.get(item.pk)) for item in self.items]

    def _question(self, item: Item, preamble: Scale | None) -> Question:
        field = self[PREFIX + item.key]
        if item.response_format == ResponseFormat.FREE_TEXT:
            return Question(item, field, "text", [], "", preamble)
        low, high = answer_range(item.response_format, item.choices)
        labels = value_labels(item.response_format, item.choices)
        if item.response_format in CHOSEN and not self.compact:
            values = range(low, high + 1)
            options = [(str(value), labels.get(value, str(value))) for value in values]
            return Question(item, field, "radios", options, "", preamble)
        hint = f"Enter a whole number from {low} to {high}"
        if self.compact and labels:
            hint += ": " + ", ".join(f"{value} {text}" for value, text in labels.items())
        elif labels:
            hint += f", where {labels.get(low, low)} and {labels.get(high, high)}"
        return Question(item, field, "number", [], hint + ".", preamble)

    def error_links(self, questions: list[Question]) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the page."""
        links = [("main-form", str(error)) for error in self.non_field_errors()]
        for name in ("code", "consented"):
            if name in self.fields:
                links += [(self[name].auto_id, str(error)) for error in self[name].errors]
        for question in questions:
            links += [(question.anchor, str(error)) for error in question.field.errors]
        return links


def _sentence(form: QuestionnaireForm, field: str, message: str) -> str:
    """The service says "must be a whole number…"; a person reads the question's number."""
    if field == "consented":
        return form.consent_message
    number = next(
        (index for index, item in enumerate(form.items, start=1) if PREFIX + item.key == field),
        None,
    )
    return f"Question {number}: the answer {message}" if number else message

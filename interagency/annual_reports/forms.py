from typing import Any

from django import forms

from interagency.annual_reports.models import NARRATIVE_MAX
from interagency.core.validation import CleanTextForm

HINTS = {
    "priorities": "What the board set out to achieve through training this year.",
    "lessons": "What local child safeguarding practice reviews taught, and how training answered.",
    "plans": "What the partnership will change in its training next year.",
}


class NarrativeForm(CleanTextForm):
    priorities = forms.CharField(
        label="The board's priorities", required=False, max_length=NARRATIVE_MAX,
        help_text=HINTS["priorities"], widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    lessons = forms.CharField(
        label="Lessons from local reviews", required=False, max_length=NARRATIVE_MAX,
        help_text=HINTS["lessons"], widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    plans = forms.CharField(
        label="Plans for next year", required=False, max_length=NARRATIVE_MAX,
        help_text=HINTS["plans"], widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["max_length"] = (
                f"{field.label} must be {NARRATIVE_MAX:,} characters or fewer."
            )
            field.widget.attrs.setdefault("id", f"id_{name}")

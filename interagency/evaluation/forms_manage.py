"""Forms of the coordinator's and trainer's evaluation pages."""

from collections.abc import Iterable
from typing import Any

from django import forms

from interagency.core.validation import CleanTextForm
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.instrument_templates import shipped_templates
from interagency.evaluation.models import (
    FOLLOW_UP_WEEKS,
    SUMMARY_LENGTH,
    EvaluationPlan,
    InstrumentVersion,
    ResponseMode,
    Wave,
    WaveKind,
)
from interagency.evaluation.services.plans import TEXT_LENGTH, WavePlan

FIXED_WAVES = (WaveKind.REGISTRATION, WaveKind.START, WaveKind.END)
FOLLOW_UPS = 2


def show_error(form: forms.Form, error: EvaluationError) -> None:
    """Put a service's refusal on the form: each field's message beside it, the rest on top."""
    unplaced = []
    for name, message in error.errors.items():
        if name in form.fields:
            form.add_error(name, message)
        else:
            unplaced.append(f"{name}: {message}")
    if unplaced or not error.errors:
        form.add_error(None, " ".join([error.message, *unplaced]))


def set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class TemplateInstrumentForm(CleanTextForm):
    name = forms.CharField(
        max_length=200,
        label="Name of the questionnaire",
        error_messages={"required": "Enter a name for the questionnaire."},
    )
    templates = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        label="Templates to ask, in this order",
        error_messages={"required": "Choose at least one template."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self.fields["templates"], [(t.key, t.name) for t in shipped_templates().values()]
        )


def version_choices(versions: Iterable[InstrumentVersion]) -> list[tuple[str, str]]:
    return [("", "Not asked")] + [(str(v.pk), str(v)) for v in versions]


class PlanTextsForm(CleanTextForm):
    response_mode = forms.ChoiceField(
        choices=ResponseMode.choices,
        widget=forms.RadioSelect,
        label="How are answers kept?",
        error_messages={"required": "Choose how answers are kept."},
    )
    consent_text = forms.CharField(
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Consent statement",
        help_text="What respondents agree to before they answer.",
        error_messages={"required": "Enter the consent statement."},
    )
    privacy_text = forms.CharField(
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Privacy notice",
        help_text="Who sees the answers and how long they are kept.",
        error_messages={"required": "Enter the privacy notice."},
    )


class PlanForm(PlanTextsForm):
    """A new plan: what it evaluates, how answers are kept, and the version each wave asks."""

    applies_to = forms.ChoiceField(
        choices=[("course", "Every session of a course"), ("session", "One session")],
        widget=forms.RadioSelect,
        label="What does this plan evaluate?",
        error_messages={"required": "Choose a course or a session."},
    )
    course = forms.TypedChoiceField(coerce=int, required=False, label="Course", choices=())
    session = forms.TypedChoiceField(coerce=int, required=False, label="Session", choices=())

    field_order = ["applies_to", "course", "session", "response_mode"]

    def __init__(self, *args: Any, courses=(), sessions=(), versions=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in versions}
        self.courses = {c.pk: c for c in courses}
        self.sessions = {s.pk: s for s in sessions}
        set_choices(
            self.fields["course"],
            [("", "Choose a course")]
            + [(str(c.pk), getattr(c, "shown_title", c.title)) for c in courses],
        )
        set_choices(
            self.fields["session"],
            [("", "Choose a session")] + [(str(s.pk), str(s)) for s in sessions],
        )
        choices = version_choices(versions)
        for kind in FIXED_WAVES:
            self.fields[f"wave_{kind}"] = forms.ChoiceField(
                choices=choices, required=False, label=str(WaveKind(kind).label)
            )
        for number in range(1, FOLLOW_UPS + 1):
            self.fields[f"follow_up_{number}_weeks"] = forms.IntegerField(
                required=False,
                min_value=FOLLOW_UP_WEEKS.minimum,
                max_value=FOLLOW_UP_WEEKS.maximum,
                label=f"Follow-up {number}: weeks after the end of the course",
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )
            self.fields[f"follow_up_{number}_version"] = forms.ChoiceField(
                choices=choices, required=False, label=f"Follow-up {number}: the learner answers"
            )
            self.fields[f"follow_up_{number}_line_manager"] = forms.ChoiceField(
                choices=[("", "The line manager is not asked"), *choices[1:]],
                required=False,
                label=f"Follow-up {number}: the line manager answers (optional)",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        applies_to = cleaned.get("applies_to")
        if applies_to == "course" and cleaned.get("course") not in self.courses:
            self.add_error("course", "Choose the course the plan evaluates.")
        if applies_to == "session" and cleaned.get("session") not in self.sessions:
            self.add_error("session", "Choose the session the plan evaluates.")
        for number in range(1, FOLLOW_UPS + 1):
            weeks = cleaned.get(f"follow_up_{number}_weeks")
            if cleaned.get(f"follow_up_{number}_version") and weeks is None:
                self.add_error(f"follow_up_{number}_weeks", "Enter the weeks after the course.")
        if not self.waves():
            self.add_error(None, "Choose the questionnaire for at least one wave.")
        return cleaned

    def version(self, value: str | None) -> InstrumentVersion | None:
        return self.versions.get(int(value)) if value else None

    def waves(self) -> list[WavePlan]:
        data = getattr(self, "cleaned_data", {})
        waves = []
        for kind in FIXED_WAVES:
            version = self.version(data.get(f"wave_{kind}"))
            if version is not None:
                waves.append(WavePlan(kind=kind, instrument_version=version))
        for number in range(1, FOLLOW_UPS + 1):
            version = self.version(data.get(f"follow_up_{number}_version"))
            weeks = data.get(f"follow_up_{number}_weeks")
            if version is not None and weeks is not None:
                waves.append(
                    WavePlan(
                        kind=WaveKind.FOLLOW_UP,
                        instrument_version=version,
                        weeks_after_end=weeks,
                        line_manager_version=self.version(
                            data.get(f"follow_up_{number}_line_manager")
                        ),
                    )
                )
        return waves

    def target(self) -> dict[str, Any]:
        if self.cleaned_data["applies_to"] == "course":
            return {"course": self.courses[self.cleaned_data["course"]]}
        return {"session": self.sessions[self.cleaned_data["session"]]}


class PlanChangeForm(PlanTextsForm):
    """An attached plan: its texts, its mode, and the version each of its waves asks."""

    def __init__(self, *args: Any, plan: EvaluationPlan, versions=(), **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "response_mode": plan.response_mode,
                "consent_text": plan.consent_text,
                "privacy_text": plan.privacy_text,
            },
        )
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in versions}
        choices = version_choices(versions)[1:]
        self.waves: list[Wave] = sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
        for wave in self.waves:
            self.fields[f"wave_{wave.pk}"] = forms.ChoiceField(
                choices=choices, label=wave.label, initial=str(wave.instrument_version_id)
            )
            if wave.kind == WaveKind.FOLLOW_UP:
                self.fields[f"wave_{wave.pk}_line_manager"] = forms.ChoiceField(
                    choices=[("", "The line manager is not asked"), *choices],
                    required=False,
                    label=f"{wave.label}: the line manager answers",
                    initial=str(wave.line_manager_version_id or ""),
                )

    def wave_versions(self) -> dict[int, tuple[InstrumentVersion, InstrumentVersion | None]]:
        data = self.cleaned_data
        found = {}
        for wave in self.waves:
            manager = data.get(f"wave_{wave.pk}_line_manager")
            found[wave.pk] = (
                self.versions[int(data[f"wave_{wave.pk}"])],
                self.versions[int(manager)] if manager else None,
            )
        return found


class TrainerSummaryForm(CleanTextForm):
    went_well = forms.CharField(
        max_length=SUMMARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What went well",
        error_messages={"required": "Say what went well."},
    )
    to_change = forms.CharField(
        max_length=SUMMARY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What to change next time (optional)",
    )

"""Forms of the records' sources: a declaration, its decision, a completions file, a move."""

from typing import Any

from django import forms

from interagency.core.validation import HOURS, CleanTextForm, SafeDateInputField
from interagency.records.evidence import MAX_EVIDENCE_BYTES


def course_label(course: Any) -> str:
    title = course.shown_title
    return f"{title} – Level {course.level}" if course.level else title


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return course_label(obj)


YES_NO = [("yes", "Yes"), ("no", "No")]


class DeclarationForm(CleanTextForm):
    course = CourseChoiceField(
        queryset=None,
        required=False,
        label="Which course did you complete?",
        empty_label="Choose a course",
        error_messages={"invalid_choice": "Choose a course from the list."},
    )
    external_title = forms.CharField(
        label="If it is not in the list, what was the training called?",
        required=False,
        max_length=200,
        help_text="As on your certificate. Whoever approves it decides which course it counts as.",
    )
    completed_on = SafeDateInputField(
        label="When did you complete it?",
        help_text="For example, 27 3 2026",
        require_all_fields=False,
    )
    hours = forms.DecimalField(
        label="How many hours did it take?",
        max_digits=5,
        decimal_places=1,
        min_value=HOURS.minimum,
        max_value=HOURS.maximum,
        help_text="For example, 3 or 1.5",
        error_messages={"required": "Enter how many hours it took."},
    )
    provider = forms.CharField(
        label="Who ran the training?",
        max_length=200,
        help_text="The organisation, and where it took place.",
        error_messages={"required": "Enter who ran the training."},
    )
    inter_agency = forms.ChoiceField(
        label="Was it inter-agency training?",
        help_text="Yes if people from several agencies trained together.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it was inter-agency training."},
    )
    evidence = forms.FileField(
        label="Upload your certificate",
        help_text=(
            "A PDF, a PNG or JPEG image, or an office document (Word, Excel, PowerPoint), "
            f"smaller than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB."
        ),
        error_messages={"required": "Select your certificate."},
    )

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].error_messages["required"] = "Enter the date you completed it."
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("course")
            and not data.get("external_title")
            and not self.has_error("course")
        ):
            self.add_error(
                "course", "Choose the course you completed, or say what the training was called."
            )
        elif data.get("course") and data.get("external_title"):
            self.add_error(
                "external_title",
                "Choose a course from the list or say what the training was called, not both.",
            )
        return data


COUNTS_FOR_NONE = "none"


class DecisionForm(CleanTextForm):
    """Approve or reject; for training described in words, also the course it counts as
    (``counts_as``: a course id, or ``none``) and, for a coordinator, whether to save that
    for later declarations of the same training."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: add it to their training record"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or reject."},
    )
    counts_as = forms.ChoiceField(
        label="Which course does it count as?",
        required=False,
        help_text="Its record counts for this course. Needed only when you approve.",
        error_messages={"invalid_choice": "Choose a course from the list."},
    )
    save_equivalence = forms.BooleanField(
        label="Suggest this course for later declarations of training with the same name",
        required=False,
    )
    reason = forms.CharField(
        label="Why are you rejecting it?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person reads this. Needed only when you reject.",
    )

    def __init__(self, *args: Any, courses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counts_as"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a course"),
            (COUNTS_FOR_NONE, "No course: it counts for none"),
            *((str(course.pk), course_label(course)) for course in courses),
        ]


class CompletionsFileForm(CleanTextForm):
    file = forms.FileField(
        label="Upload a file of completions",
        help_text="A CSV or Excel (.xlsx) file, one row per completion.",
        error_messages={"required": "Select a CSV or Excel file."},
    )


class MoveInForm(CleanTextForm):
    email = forms.EmailField(
        label="The person's work email",
        max_length=254,
        error_messages={
            "required": "Enter the person's work email.",
            "invalid": "Enter a work email like name@example.org.",
        },
    )
    code = forms.CharField(
        label="Their share code",
        max_length=20,
        help_text="For example, ABCD-EFGH-JKMN",
        error_messages={"required": "Enter the share code the person gave you."},
    )

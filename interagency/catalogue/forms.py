"""Forms for the coordinator's catalogue pages (GOV.UK markup through crispy-forms-gds).

Forms only read what the coordinator typed; the services decide whether it
is allowed and their messages are shown through ``core.errors.show_on_form``.
"""

from collections.abc import Iterable
from typing import Any

from django import forms

from interagency.catalogue.models import Course, DeliveryMode, Tier
from interagency.core.validation import COURSE_HOURS, MONTHS, CleanTextForm

MAX_MONTHS = MONTHS.maximum


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Tier) -> str:
        return f"{obj.framework.name}: {obj.name}"


class CourseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = getattr(obj, "shown_title", obj.title)
        return (
            f"{title} – Level {obj.level} ({obj.tier.name})"
            if obj.level
            else f"{title} ({obj.tier.name})"
        )


class TailorCourseForm(CleanTextForm):
    hidden = forms.BooleanField(
        required=False,
        label="Hide this course: the partnership does not run it",
    )
    local_title = forms.CharField(
        required=False,
        max_length=200,
        label="Local title (optional)",
        help_text="Leave blank to use the framework's title.",
    )
    local_duration_hours = forms.DecimalField(
        required=False,
        min_value=COURSE_HOURS.minimum,
        max_value=COURSE_HOURS.maximum,
        max_digits=5,
        decimal_places=1,
        label="Local duration in hours (optional)",
        help_text="Leave blank to use the framework's duration. For example, 4.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _commas(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class LocalCourseForm(CleanTextForm):
    """A course the partnership adds, shaped like the framework's own courses."""

    tier = TierChoiceField(
        queryset=Tier.objects.none(),
        label="Framework and tier",
        empty_label="Choose a tier",
        error_messages={"required": "Choose the tier the course belongs to."},
    )
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="Without “Level 1” or “Level 2”: choose the level below.",
        error_messages={"required": "Enter the course title."},
    )
    category = forms.ChoiceField(
        choices=Course.Category.choices,
        widget=forms.RadioSelect,
        label="Category",
        error_messages={"required": "Choose introduction, core or specialist."},
    )
    level = forms.TypedChoiceField(
        choices=[("", "No level"), *[(str(v), label) for v, label in Course.Level.choices]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label="Level",
    )
    duration_text = forms.CharField(
        max_length=60,
        label="Duration",
        help_text="As you would write it, like “3 hours”, “½ day or 3 hours” or “minimum 2 hours”.",
        error_messages={"required": "Enter the duration."},
    )
    aims = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}), label="Aims"
    )
    outcomes = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Learning outcomes",
        help_text="One outcome per line.",
    )
    topics = forms.CharField(
        required=False,
        max_length=500,
        label="Topics",
        help_text="Separate topics with commas, like “neglect, domestic abuse”.",
    )
    delivery_modes = forms.MultipleChoiceField(
        choices=DeliveryMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="How it is delivered",
        help_text="Select all that apply.",
    )
    prerequisites = CourseChoiceField(
        queryset=Course.objects.none(),
        required=False,
        label="Prerequisites",
        help_text="Courses to complete first. A Level 2 course needs its Level 1.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    prerequisite_note = forms.CharField(
        required=False,
        max_length=200,
        label="Equivalent prerequisite (optional)",
        help_text="Training that counts instead, like “Level 1 or an equivalent course”.",
    )

    def __init__(self, *args, tiers: Iterable[Tier], courses: Iterable[Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]
        self.fields["prerequisites"].queryset = courses  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "tier": data["tier"],
            "title": data["title"],
            "category": data["category"],
            "level": data["level"],
            "duration_text": data["duration_text"],
            "aims": data["aims"],
            "outcomes": _lines(data["outcomes"]),
            "topics": _commas(data["topics"]),
            "delivery_modes": data["delivery_modes"],
            "prerequisites": list(data["prerequisites"]),
            "prerequisite_note": data["prerequisite_note"],
        }

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        return {
            "tier": course.tier_id,
            "title": course.title,
            "category": course.category,
            "level": "" if course.level is None else str(course.level),
            "duration_text": course.duration_text or f"{course.duration_hours} hours",
            "aims": course.aims,
            "outcomes": "\n".join(course.outcomes),
            "topics": ", ".join(topic.name for topic in course.topics.all()),
            "delivery_modes": course.delivery_modes,
            "prerequisites": [p.pk for p in course.prerequisites.all()],
            "prerequisite_note": course.prerequisite_note,
        }


class LocalRoleForm(CleanTextForm):
    tier = TierChoiceField(
        queryset=Tier.objects.none(),
        label="Framework and tier",
        empty_label="Choose a tier",
        error_messages={"required": "Choose the tier of the role."},
    )
    name = forms.CharField(
        max_length=150, label="Name of the role", error_messages={"required": "Enter a name."}
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description (optional)"
    )

    def __init__(self, *args, tiers: Iterable[Tier], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]


class PathwayForm(CleanTextForm):
    """Required and recommended courses, the window, and a refresher period per course.

    The page lays the checkboxes out by tier, so the template renders them by
    hand from ``groups``; ``refresh_<id>`` fields hold each course's period.
    """

    required = forms.MultipleChoiceField(required=False, label="Required courses")
    recommended = forms.MultipleChoiceField(required=False, label="Recommended courses")
    window_months = forms.IntegerField(
        min_value=1,
        max_value=MAX_MONTHS,
        label="Months to complete the pathway",
        help_text="From starting the role. For example, 24",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the months to complete the pathway."},
    )

    def __init__(self, *args, courses: list[Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(course.pk), course.shown_title) for course in courses]
        self.fields["required"].choices = choices  # type: ignore[attr-defined]
        self.fields["recommended"].choices = choices  # type: ignore[attr-defined]
        self.courses = {course.pk: course for course in courses}
        for course in courses:
            self.fields[f"refresh_{course.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=MAX_MONTHS,
                label=f"Refresh {course.shown_title} every (months, optional)",
                error_messages={
                    "min_value": f"Refresh {course.shown_title}: enter 1 to {MAX_MONTHS} months.",
                    "max_value": f"Refresh {course.shown_title}: enter 1 to {MAX_MONTHS} months.",
                    "invalid": f"Refresh {course.shown_title}: enter a whole number of months.",
                },
            )

    def groups(self) -> list[dict[str, Any]]:
        """Courses grouped by framework and tier, each with its current choices."""
        required = set(self._value("required"))
        recommended = set(self._value("recommended"))
        groups: dict[int, dict[str, Any]] = {}
        for course in self.courses.values():
            group = groups.setdefault(
                course.tier_id,
                {"tier": course.tier, "framework": course.framework, "rows": []},
            )
            field = self[f"refresh_{course.pk}"]
            group["rows"].append(
                {
                    "course": course,
                    "required": str(course.pk) in required,
                    "recommended": str(course.pk) in recommended,
                    "refresh": field,
                }
            )
        return list(groups.values())

    def _value(self, name: str) -> list[str]:
        value = self[name].value() or []
        return [str(v) for v in value]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        required = [self.courses[int(pk)] for pk in data["required"]]
        recommended = [self.courses[int(pk)] for pk in data["recommended"]]
        refreshers = {
            pk: data[f"refresh_{pk}"]
            for pk in self.courses
            if data.get(f"refresh_{pk}") is not None
            and str(pk) in {*data["required"], *data["recommended"]}
        }
        return {
            "required": required,
            "recommended": recommended,
            "window_months": data["window_months"],
            "refreshers": refreshers,
        }

    @staticmethod
    def initial_for(pathway: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "window_months": pathway.window_months if pathway else 24,
            "required": [],
            "recommended": [],
        }
        for item in pathway.items.all() if pathway else []:
            if item.course_id is None:
                continue
            initial[item.kind].append(str(item.course_id))
            if item.repeat_every_months:
                initial[f"refresh_{item.course_id}"] = item.repeat_every_months
        return initial


class FrameworkForm(CleanTextForm):
    name = forms.CharField(
        max_length=200, label="Name", error_messages={"required": "Enter a name."}
    )
    source = forms.CharField(required=False, max_length=300, label="Source (optional)")
    period_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_MONTHS,
        label="Refresher period in months (optional)",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class TierForm(CleanTextForm):
    code = forms.SlugField(
        max_length=40,
        label="Code",
        help_text="Lowercase letters, numbers and hyphens, like “group-a”. It cannot change later.",
        error_messages={"required": "Enter a code."},
    )
    name = forms.CharField(
        max_length=100, label="Name", error_messages={"required": "Enter a name."}
    )
    audience = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Who this tier is for"
    )
    hours_per_period = forms.DecimalField(
        required=False,
        min_value=COURSE_HOURS.minimum,
        max_value=COURSE_HOURS.maximum,
        max_digits=5,
        decimal_places=1,
        label="Learning hours per refresher period (optional)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )


class NewVersionForm(CleanTextForm):
    version = forms.CharField(
        max_length=60,
        label="Name of the new version",
        help_text="For example, 2 or 2025",
        error_messages={"required": "Enter the new version's name."},
    )


class CourseOptionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = getattr(obj, "shown_title", obj.title)
        level = f" – Level {obj.level}" if obj.level else ""
        return f"{title}{level} ({obj.tier.name}, {obj.framework.name})"


class EquivalenceForm(CleanTextForm):
    """A course whose completion counts for another course of the catalogue."""

    course = CourseOptionField(
        queryset=Course.objects.none(),
        label="Course completed",
        empty_label="Choose a course",
        error_messages={"required": "Choose the course that was completed."},
    )
    counts_for = CourseOptionField(
        queryset=Course.objects.none(),
        label="Counts for",
        empty_label="Choose a course",
        error_messages={"required": "Choose the course it counts for."},
    )

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["counts_for"].queryset = courses  # type: ignore[attr-defined]

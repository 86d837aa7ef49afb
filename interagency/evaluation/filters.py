"""Which responses a results page reads: by session, agency, sector, profession and period.

A filter narrows the responses, never the people's pairing: every wave of
the analysis reads the same filter, so a learner in the chosen agency is
paired with themselves as before. Agency, sector and profession come from
the booking behind a response's code (the agency that booked the place, the
person's main role); an anonymous response has no code, so those three
filters leave it out. The period is the dates the session ran.
"""

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet

from interagency.catalogue.models import Course
from interagency.core.dates import govuk_date
from interagency.delivery.models import Booking, Session
from interagency.evaluation.models import Response
from interagency.people.models import Sector

BOOKING = "response_code__booking__"


@dataclass(frozen=True)
class ResultsFilter:
    session: int | None = None
    agency: int | None = None
    sector: str | None = None
    profession: int | None = None
    ran_from: datetime.date | None = None
    ran_to: datetime.date | None = None
    # Which plans: by the catalogue's course category, and by course (results across courses).
    course_type: str | None = None
    course: int | None = None

    @property
    def narrows_people(self) -> bool:
        """Whether the filter needs to know who answered (agency, sector or profession)."""
        return bool(self.agency or self.sector or self.profession)

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def query(self) -> str:
        """The filter as an address's query (``agency=3&ran_from=2027-01-06``): the downloads'."""
        values = {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name in FILTER_FIELDS
            if (value := getattr(self, name))
        }
        return urlencode(values)

    def responses(self, prefix: str = "") -> Q:
        """The condition on ``Response`` (or, with ``prefix``, on a relation to it)."""
        conditions: dict[str, Any] = {}
        if self.session:
            conditions["session_id"] = self.session
        if self.agency:
            conditions[f"{BOOKING}agency_id"] = self.agency
        if self.sector:
            conditions[f"{BOOKING}agency__sector"] = self.sector
        if self.profession:
            conditions[f"{BOOKING}person__role_id"] = self.profession
        if self.ran_from:
            conditions["session__starts_at__date__gte"] = self.ran_from
        if self.ran_to:
            conditions["session__starts_at__date__lte"] = self.ran_to
        return Q(**{f"{prefix}{key}": value for key, value in conditions.items()})


@dataclass(frozen=True)
class FilterOptions:
    sessions: list[tuple[int, str]]
    agencies: list[tuple[int, str]]
    sectors: list[tuple[str, str]]
    professions: list[tuple[int, str]]


def filter_options(responses: QuerySet[Response]) -> FilterOptions:
    """The sessions, agencies, sectors and professions among ``responses``: two queries, one
    over the sessions the responses name and one over the bookings behind their codes."""
    responses = responses.order_by()
    # The ids come from the partnership's own responses (``responses`` is scoped).
    session_rows = Session.objects.filter(pk__in=responses.values("session_id")).values_list(
        "id", "starts_at"
    )
    sessions: dict[int, tuple[datetime.datetime | None, str]] = {
        session: (starts, f"Session {session}" + (f", {govuk_date(starts)}" if starts else ""))
        for session, starts in session_rows
    }
    # As above: the bookings of the places the responses' codes were issued for.
    bookings = Booking.objects.filter(
        pk__in=responses.values("response_code__booking_id")
    ).order_by()
    agencies: dict[int, str] = {}
    sectors: set[str] = set()
    professions: dict[int, str] = {}
    for agency, agency_name, sector, role, role_name in bookings.values_list(
        "agency_id", "agency__name", "agency__sector", "person__role_id", "person__role__name"
    ).distinct():
        if agency is not None:
            agencies[agency] = agency_name
            sectors.add(sector)
        if role is not None:
            professions[role] = role_name
    labels = dict(Sector.choices)
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return FilterOptions(
        sessions=[
            (pk, label)
            for pk, (_, label) in sorted(sessions.items(), key=lambda kv: (kv[1][0] or far, kv[0]))
        ],
        agencies=sorted(agencies.items(), key=lambda kv: kv[1].lower()),
        sectors=sorted(((key, str(labels.get(key, key))) for key in sectors), key=lambda kv: kv[1]),
        professions=sorted(professions.items(), key=lambda kv: kv[1].lower()),
    )


def described(only: ResultsFilter, options: FilterOptions) -> tuple[str, ...]:
    """The filter in words, one line a filter, named as the page's form names the choices."""
    names: dict[str, dict[Any, str]] = {
        "session": dict(options.sessions),
        "agency": dict(options.agencies),
        "sector": dict(options.sectors),
        "profession": dict(options.professions),
        "course_type": dict(Course.Category.choices),
    }
    lines = [
        f"{name.replace('_', ' ').capitalize()}: {names[name].get(value, value)}"
        for name in names
        if (value := getattr(only, name))
    ]
    if only.course:
        lines.append(f"Course: number {only.course}")
    if only.ran_from:
        lines.append(f"Courses run from {govuk_date(only.ran_from)}")
    if only.ran_to:
        lines.append(f"Courses run to {govuk_date(only.ran_to)}")
    return tuple(lines)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


def _choice(label: str, everything: str, options: list[Any], *, coerce: Any = int) -> Any:
    field = forms.TypedChoiceField(coerce=coerce, required=False, label=label, empty_value=None)
    field.choices = [("", everything), *options]
    field.error_messages["invalid_choice"] = f"Choose {label.lower()} from the list."
    return field


class ResultsFilterForm(forms.Form):
    """The results page's filters, read from the address (a GET form, no script)."""

    ran_from = forms.DateField(
        required=False,
        label="Courses run from",
        widget=_date_input(),
        error_messages={"invalid": "Enter the ‘from’ date as a real date."},
    )
    ran_to = forms.DateField(
        required=False,
        label="Courses run to",
        widget=_date_input(),
        error_messages={"invalid": "Enter the ‘to’ date as a real date."},
    )

    def __init__(self, *args: Any, options: FilterOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        extra = {
            "session": _choice("Session", "All sessions", options.sessions),
            "agency": _choice("Agency", "All agencies", options.agencies),
            "sector": _choice("Sector", "All sectors", options.sectors, coerce=str),
            "profession": _choice("Profession", "All professions", options.professions),
        }
        self.fields = {**extra, **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("ran_from"), data.get("ran_to")
        if start and end and end < start:
            self.add_error("ran_to", "The ‘to’ date must be on or after the ‘from’ date.")
        return data

    def chosen(self) -> ResultsFilter:
        """The valid filters; one in error is shown on the form and left out."""
        if not self.is_bound:
            return ResultsFilter()
        self.is_valid()
        data = self.cleaned_data
        if self.has_error("ran_to") and "ran_to" in data:
            data = {**data, "ran_to": None}
        return ResultsFilter(**{name: data.get(name) or None for name in FILTER_FIELDS})


FILTER_FIELDS = (
    "session",
    "agency",
    "sector",
    "profession",
    "ran_from",
    "ran_to",
    "course_type",
    "course",
)


class AcrossFilterForm(ResultsFilterForm):
    """The filters of results across courses: course type and course instead of session."""

    def __init__(
        self, *args: Any, courses: list[tuple[int, str]], options: FilterOptions, **kwargs: Any
    ) -> None:
        super().__init__(*args, options=options, **kwargs)
        del self.fields["session"]
        plans = {
            "course_type": _choice(
                "Course type", "All course types", list(Course.Category.choices), coerce=str
            ),
            "course": _choice("Course", "All courses", courses),
        }
        self.fields = {**plans, **self.fields}


def plan_filter_options(plan: Any) -> FilterOptions:
    """The choices a plan's results page offers: those among its learners' responses."""
    return plans_filter_options(plan.partnership_id, [plan])


def plans_filter_options(partnership: Any, plans: Any) -> FilterOptions:
    """The choices among the learners' responses to ``plans``: one query."""
    return filter_options(
        Response.objects.for_partnership(partnership).filter(
            wave__plan__in=plans, respondent="learner"
        )
    )

"""Training needs analysis: how many places each course needs a year, against those planned.

One module per part: ``counting`` (the reads), ``arithmetic`` (pure functions
over their rows), ``chart`` (the SVG's geometry) and ``workbook`` (the XLSX).

The people who need training are the partnership's current named people with a
role (their role's pathway says which courses they must complete) plus the
staff numbers agencies gave instead of names (``Headcount``: the latest figure
for each agency, service and role or tier). A headcount by tier alone has no
pathway, so it is counted against the tier's core courses.

Places needed in a year, for each required course of a pathway:

* first completion: people × 12 ÷ the pathway's window in months (everyone
  completes within the window, spread evenly), and
* refreshers, for items repeated every N months: people × 12 ÷ N.

The gap is needed minus the places planned for the year (``PlannedPlaces``).

The reads are a fixed handful of aggregate queries whatever the number of
people; the arithmetic is pure functions over their rows, tested on their own.
"""

from interagency.people.needs.arithmetic import (
    DEFAULT_WINDOW_MONTHS,
    CourseNeed,
    Requirement,
    course_needs,
    latest_headcounts,
    places_per_year,
    totals,
    union_requirements,
)
from interagency.people.needs.chart import CHART_COURSES, ChartRow, chart
from interagency.people.needs.counting import (
    NeedsFilter,
    analyse,
    filter_choices,
    headcounts_by_role_and_tier,
    led_agency_ids,
    people_by_role,
    people_by_roles,
    planned_places,
    role_requirements,
    this_year,
    tier_requirements,
)
from interagency.people.needs.workbook import XLSX_TYPE, workbook

__all__ = [
    "CHART_COURSES",
    "DEFAULT_WINDOW_MONTHS",
    "XLSX_TYPE",
    "ChartRow",
    "CourseNeed",
    "NeedsFilter",
    "Requirement",
    "analyse",
    "chart",
    "course_needs",
    "filter_choices",
    "headcounts_by_role_and_tier",
    "latest_headcounts",
    "led_agency_ids",
    "people_by_role",
    "people_by_roles",
    "places_per_year",
    "planned_places",
    "role_requirements",
    "this_year",
    "tier_requirements",
    "totals",
    "union_requirements",
    "workbook",
]

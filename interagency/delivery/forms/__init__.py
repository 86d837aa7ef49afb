"""Forms for the coordinator's session pages (GOV.UK markup through crispy-forms-gds).

One module per part: ``dates`` (London days and times, read and shown),
``session`` (the session's own fields), ``session_rows`` (its repeated part and
sector-hold rows), ``session_forms`` (the whole page as one unit). The
coordinator's other pages, the learner's and the charges pages have their own
modules beside this package (``forms_manage``, ``forms_booking``,
``forms_charges``).
"""

from interagency.delivery.forms.dates import (
    LondonDateField,
    day_of_end,
    day_of_start,
    end_of_day,
    london,
    number_input,
    parse_time,
    start_of_day,
    time_input,
)
from interagency.delivery.forms.session import CourseChoiceField, SessionForm
from interagency.delivery.forms.session_forms import PROBLEM_FIELDS, SessionForms, anchor_of
from interagency.delivery.forms.session_rows import MAX_HOLDS, HoldForm, PartForm

__all__ = [
    "MAX_HOLDS",
    "PROBLEM_FIELDS",
    "CourseChoiceField",
    "HoldForm",
    "LondonDateField",
    "PartForm",
    "SessionForm",
    "SessionForms",
    "anchor_of",
    "day_of_end",
    "day_of_start",
    "end_of_day",
    "london",
    "number_input",
    "parse_time",
    "start_of_day",
    "time_input",
]

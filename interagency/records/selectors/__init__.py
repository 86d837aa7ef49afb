"""Read training records and the training status, always within one partnership.

One module per noun: ``records`` (a person's or a session's records),
``compliance`` (every person's statuses, counted and ordered by the database)
and ``training_status`` (the page's list built on it).
"""

from interagency.records.selectors.compliance import Summary, required_courses
from interagency.records.selectors.records import records_of_person, records_of_session
from interagency.records.selectors.training_status import (
    StatusList,
    status_counts,
    training_status,
)
from interagency.records.statuses import (
    DUE_SOON_MONTHS,
    STATUS_ORDER,
    CourseStatus,
    PersonStatus,
    Status,
    add_months,
    course_status,
)

__all__ = [
    "DUE_SOON_MONTHS",
    "STATUS_ORDER",
    "CourseStatus",
    "PersonStatus",
    "Status",
    "StatusList",
    "Summary",
    "add_months",
    "course_status",
    "records_of_person",
    "records_of_session",
    "required_courses",
    "status_counts",
    "training_status",
]

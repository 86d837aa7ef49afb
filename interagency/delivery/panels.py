"""Delivery's panels on pages of the apps below it (the catalogue's course page)."""

from django.http import HttpRequest

from interagency.catalogue.models import Course
from interagency.catalogue.panels import Panel
from interagency.delivery.selectors.sessions import upcoming_for_course
from interagency.tenancy.models import Partnership


def upcoming_sessions_panel(
    partnership: Partnership, course: Course, request: HttpRequest
) -> Panel:
    """The course's next few dates (one query), linking to the sessions pages."""
    return Panel(
        "delivery/learner/_course_sessions.html",
        {"sessions": upcoming_for_course(partnership, course.pk)},
    )

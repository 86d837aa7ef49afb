"""Panels other apps add to the course page, so the catalogue depends on none of them.

The course page belongs to the catalogue, but some of what a reader wants on it
belongs to apps that depend on the catalogue (the next sessions of the course
are ``delivery``'s). Importing them here would make a cycle, so such an app
registers a panel from its ``AppConfig.ready()`` and the page renders every
registered panel, in the order registered, after its own sections. With none
registered the page is the catalogue's alone.

A panel is a callable ``panel(partnership, course, request)`` returning a
:class:`Panel` (a template and its context, rendered inside the page's context,
like an ``{% include %}``) or ``None`` when it has nothing to show. It reads
through its own app's selectors; its queries count towards the page's budget.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from interagency.catalogue.models import Course
from interagency.tenancy.models import Partnership


@dataclass(frozen=True)
class Panel:
    """What a panel shows: a template, rendered with the page's context plus ``context``."""

    template_name: str
    context: Mapping[str, Any] = field(default_factory=dict)


CoursePanel = Callable[[Partnership, Course, HttpRequest], Panel | None]

_COURSE_PANELS: dict[str, CoursePanel] = {}


def register(name: str, panel: CoursePanel) -> None:
    """Add ``panel`` to the course page under ``name`` (registering a name again replaces it)."""
    _COURSE_PANELS[name] = panel


def unregister(name: str) -> CoursePanel:
    """Remove the panel registered as ``name`` and return it (KeyError if there is none)."""
    return _COURSE_PANELS.pop(name)


def registered() -> list[tuple[str, CoursePanel]]:
    """``[(name, panel), ...]`` in the order the page renders them."""
    return list(_COURSE_PANELS.items())


def course_panels(partnership: Partnership, course: Course, request: HttpRequest) -> list[Panel]:
    """The panels to show on ``course``'s page, in order (those with nothing to show left out)."""
    shown = (panel(partnership, course, request) for panel in _COURSE_PANELS.values())
    return [panel for panel in shown if panel is not None]

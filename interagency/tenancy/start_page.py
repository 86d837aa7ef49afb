"""What apps add to the partnership's start page and menu, so tenancy depends on none of them.

The start page (``/p/<code>/``) is where each member's day begins: a
coordinator's to-do list, a trainer's sessions, a learner's training. That work
belongs to apps above tenancy, so each registers, from its
``AppConfig.ready()``:

- a *section*: a callable ``section(access, request)`` returning a
  :class:`Section` (a template and its context, rendered inside the start
  page) or ``None`` when it has nothing for this member; it reads through its
  own app's selectors with a fixed number of queries;
- a *link*: a :class:`RoleLink`, one page of a role's daily work, shown in the
  menu to members holding one of its roles.

With none registered the start page lists the partnership's areas only.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from interagency.tenancy.access import PartnershipAccess


@dataclass(frozen=True)
class Section:
    """What a section shows: a template, rendered with the page's context plus ``context``."""

    template_name: str
    context: Mapping[str, Any] = field(default_factory=dict)


StartSection = Callable[[PartnershipAccess, HttpRequest], Section | None]


@dataclass(frozen=True)
class RoleLink:
    """A page of a role's daily work in the menu: its label, URL name (taking the
    partnership's ``code``) and the roles it is for."""

    label: str
    url_name: str
    roles: frozenset[str]


_SECTIONS: dict[str, StartSection] = {}
_LINKS: dict[str, RoleLink] = {}


def register_section(name: str, section: StartSection) -> None:
    """Add ``section`` to the start page under ``name`` (registering a name again replaces it)."""
    _SECTIONS[name] = section


def register_link(name: str, link: RoleLink) -> None:
    """Add ``link`` to the menu under ``name`` (registering a name again replaces it)."""
    _LINKS[name] = link


def start_sections(access: PartnershipAccess, request: HttpRequest) -> list[Section]:
    """The sections to show this member, in the order registered (empty ones left out)."""
    shown = (section(access, request) for section in _SECTIONS.values())
    return [section for section in shown if section is not None]


def role_links(roles: frozenset[str]) -> list[RoleLink]:
    """The menu's daily-work pages for a member holding ``roles``, in the order registered."""
    return [link for link in _LINKS.values() if link.roles & roles]

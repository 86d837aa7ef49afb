"""Agencies, their services and people: who works with children and needs training.

Everything here belongs to one partnership. ``Person`` is personal data: it is
changed only through ``services/`` (which audits), and read through
``selectors.py`` with the visibility rules of ``visibility.py`` (agency leads
see their agency, line managers their team, learners themselves). One module
per noun: ``agencies``, ``people`` (people and their further posts),
``planning`` (headcounts, planned places, the mapping survey) and ``imports``.
"""

from interagency.people.models.agencies import Agency, AgencyAlias, Sector, Service
from interagency.people.models.imports import ColumnMapping, ImportSettings, PeopleImport
from interagency.people.models.people import (
    EmploymentType,
    Person,
    PersonQuerySet,
    Post,
    PostQuerySet,
    current_on,
)
from interagency.people.models.planning import Headcount, PlannedPlaces, SurveyRequest

__all__ = [
    "Agency",
    "AgencyAlias",
    "ColumnMapping",
    "EmploymentType",
    "Headcount",
    "ImportSettings",
    "PeopleImport",
    "Person",
    "PersonQuerySet",
    "PlannedPlaces",
    "Post",
    "PostQuerySet",
    "Sector",
    "Service",
    "SurveyRequest",
    "current_on",
]

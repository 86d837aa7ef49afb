"""Reads of headcounts and of the mapping survey, scoped to one partnership.

Lookups by id raise DoesNotExist for another partnership's rows, so views
answer 404. The one read not scoped by partnership is the survey link's: the
token is the credential, and it names exactly one request.
"""

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from interagency.people.models import Agency, SurveyRequest
from interagency.tenancy.models import Partnership

# The survey page's filter for agencies never sent a survey.
NOT_SENT = "not_sent"


def with_survey_status(partnership: Partnership) -> QuerySet[Any]:
    """The partnership's agencies with ``survey_status``: their latest request's status."""
    latest = (
        SurveyRequest.objects.for_partnership(partnership)
        .filter(agency=OuterRef("pk"))
        .order_by("-sent_at", "-pk")
        .values("status")[:1]
    )
    return Agency.objects.for_partnership(partnership).annotate(survey_status=Subquery(latest))


def survey_statuses(partnership: Partnership) -> dict[str, int]:
    """How many agencies have each latest survey status (``NOT_SENT``: never asked)."""
    rows = (
        with_survey_status(partnership)
        .order_by()
        .values("survey_status")
        .annotate(agencies=Count("pk"))
    )
    return {row["survey_status"] or NOT_SENT: row["agencies"] for row in rows}


def latest_headcounts(partnership: Partnership) -> QuerySet[Any]:
    """The newest figure for each agency, service and role or tier, by agency.

    Older figures stay as history; a window function keeps only the newest of
    each group (by date, then the latest entered) in one query.
    """
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from interagency.people.models import Headcount

    return (
        Headcount.objects.for_partnership(partnership)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("agency_id"), F("service_id"), F("role_id"), F("tier_id")],
                order_by=[F("as_of").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
        .select_related("agency", "service", "role", "tier__framework")
        .order_by("agency__name", "service__name", "tier__order", "role__name", "pk")
    )


def headcount_in(partnership: Partnership, pk: int) -> Any:
    """One headcount of the partnership; raises DoesNotExist otherwise."""
    from interagency.people.models import Headcount

    return (
        Headcount.objects.for_partnership(partnership)
        .select_related("agency", "service", "role", "tier")
        .get(pk=pk)
    )


def survey_agencies(partnership: Partnership, *, status: str = "") -> QuerySet[Any]:
    """The partnership's agencies, each with ``surveys`` (its requests, newest first) and
    ``survey_status`` (its latest request's, ``None`` if never sent), narrowed to ``status``
    (``NOT_SENT`` for agencies never asked) when given."""
    agencies = with_survey_status(partnership)
    if status == NOT_SENT:
        agencies = agencies.filter(survey_status__isnull=True)
    elif status:
        agencies = agencies.filter(survey_status=status)
    return agencies.prefetch_related(
        Prefetch(
            "survey_requests",
            queryset=SurveyRequest.objects.for_partnership(partnership).order_by("-sent_at", "-pk"),
            to_attr="surveys",
        )
    ).order_by("name")


def survey_in(partnership: Partnership, pk: int) -> Any:
    """One survey request of the partnership with its agency; raises DoesNotExist otherwise."""
    from interagency.people.models import SurveyRequest

    return (
        SurveyRequest.objects.for_partnership(partnership)
        .select_related("agency", "accepted_by", "partnership")
        .get(pk=pk)
    )


def survey_for_token(token: str) -> Any:
    """The request a survey link's token opens, or None for an unknown or replaced token."""
    from interagency.people.models import SurveyRequest
    from interagency.people.survey import hash_token

    if not token or len(token) > 100:
        return None
    return (
        # cross-partnership: the link's token is the credential and names one request.
        SurveyRequest.objects.select_related("agency", "partnership")
        .filter(token_hash=hash_token(token))
        .first()
    )

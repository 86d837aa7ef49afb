"""Compliance at a financial year's end read from the counts stored for it (decision 0036).

``services.year_end`` stores, for the last year end, what the live ranking
counts by agency, main role and worst status, with how many trained in the
twelve months to it. They are read only while the year end's refresh is
present (the triggers of ``records.year_end`` delete it when a row they
count changes) and was made under the rules of now (the fingerprint of
``standings.rules_fingerprint``); otherwise the caller ranks the year live, so
the figures never depend on which path was taken. Agencies, tiers, roles and
headcounts are joined as they are now, as the live ranking does.
"""

import datetime
from typing import Any

from interagency.records.models import YearEndCount, YearEndRefresh
from interagency.records.selectors.standings import StoredCounts, rules_fingerprint
from interagency.tenancy.models import Partnership


def is_year_end(day: datetime.date) -> bool:
    """Whether ``day`` is a financial year's last day (31 March): only those are stored."""
    return (day.month, day.day) == (3, 31)


def year_ends_holding(partnerships: list[Partnership], day: datetime.date) -> list[int]:
    """The ids of those whose counts for year end ``day`` hold under the rules of now (one
    query, then each one's fingerprint; none at all unless ``day`` is a year end)."""
    if not is_year_end(day) or not partnerships:
        return []
    by_id = {partnership.pk: partnership for partnership in partnerships}
    refreshed = (
        # cross-partnership: only each partnership's year end and fingerprint are read.
        YearEndRefresh.objects.filter(partnership_id__in=list(by_id), year_end=day)
        .values_list("partnership_id", "rules")
        .order_by("partnership_id")
    )
    return [pk for pk, rules in refreshed if rules == rules_fingerprint(by_id[pk])]


def year_end_rows(partnership_ids: list[int], day: datetime.date) -> list[tuple[Any, ...]]:
    """``(partnership, agency, main role, its tier, worst rank, people, trained)`` stored
    for year end ``day`` (one query; only for partnerships whose counts hold)."""
    return list(
        # cross-partnership: counts by agency and role of partnerships already checked.
        YearEndCount.objects.filter(partnership_id__in=partnership_ids, year_end=day)
        .values_list(
            "partnership_id", "agency_id", "role_id", "role__tier_id", "rank", "people", "trained"
        )
        .order_by()
    )


def stored_year_end(partnership: Partnership, day: datetime.date) -> StoredCounts | None:
    """Everyone of the partnership counted at year end ``day`` as ``stored_counts`` counts
    them, from the stored counts; None when they do not hold (then rank it live)."""
    if not year_ends_holding([partnership], day):
        return None
    found = StoredCounts()
    for _partnership, agency_id, role_id, tier_id, rank, people, trained in year_end_rows(
        [partnership.pk], day
    ):
        found.ranks.append((agency_id, tier_id, rank, people))
        if role_id is not None:
            found.trained.append((agency_id, role_id, people, trained))
    return found

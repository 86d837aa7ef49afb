"""Store a partnership's compliance as at the last financial year's end (decision 0036).

The regional benchmarks and the annual report open on the last year that has
ended, as at its 31 March, a day the daily standings (decision 0035) never
hold for, so every partnership was ranked live on each request. This stores
the counts that ranking gives, by agency, main role and worst status with how
many trained in the twelve months to it (no person), once per year end, and
again only when a trigger (``records.year_end``) or a changed rule made them
stale. ``interagency refresh-compliance`` runs it after today's standings.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from interagency.people.models import current_on
from interagency.records.models import TrainingRecord, YearEndCount, YearEndRefresh
from interagency.records.selectors.compliance import ComplianceQuery
from interagency.records.selectors.partnership import partnership_people, trained_since
from interagency.records.selectors.standings import rules_fingerprint
from interagency.records.year_end import REFRESH, last_year_end
from interagency.tenancy.models import Partnership

# A refresh being counted: never a fingerprint, so never read as holding.
PENDING = ""
# (agency, main role, worst rank) of people.
Key = tuple[int, int | None, int]


def year_end_counts(partnership: Partnership, day: datetime.date) -> dict[Key, list[int]]:
    """``[people, trained]`` by agency, main role and worst rank of everyone current on
    ``day``, as the live ranking counts them (two queries)."""
    people = partnership_people(partnership).filter(current_on(day))
    ranked = ComplianceQuery(partnership, people, day).rows(
        "SELECT id, agency_id, role_id, rank FROM chosen", []
    )
    trained = set(
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person__in=people, completed_on__gte=trained_since(day))
        .values_list("person_id", flat=True)
        .distinct()
    )
    counts: dict[Key, list[int]] = {}
    for person_id, agency_id, role_id, rank in ranked:
        found = counts.setdefault((agency_id, role_id, rank), [0, 0])
        found[0] += 1
        found[1] += person_id in trained
    return counts


@dataclass(frozen=True)
class Counted:
    """A year end counted: ``people`` in it; ``stored`` unless a write came meanwhile."""

    people: int
    stored: bool


def refresh_year_end(partnership: Partnership, *, today: datetime.date) -> Counted | None:
    """Count and store the partnership's compliance at the last year end before ``today``
    unless stored counts hold for it under the rules of now (then None). Idempotent.

    Writers are not kept waiting while the year is counted: a pending refresh row (no
    rules) is committed first, once every write in flight has committed (PostgreSQL: a
    lock held for that one statement); the counts are stored only if no trigger deleted
    that row meanwhile, else the next refresh counts again and the year is ranked live.
    """
    day = last_year_end(today)
    rules = rules_fingerprint(partnership)
    refreshes = YearEndRefresh.objects.for_partnership(partnership)
    if refreshes.filter(year_end=day, rules=rules).exists():
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {REFRESH} IN SHARE ROW EXCLUSIVE MODE")
        # cross-partnership: keyed by the partnership itself, one row a year end.
        YearEndRefresh.objects.update_or_create(
            partnership=partnership,
            year_end=day,
            defaults={"rules": PENDING, "people": 0, "refreshed_at": timezone.now()},
        )
    counts = year_end_counts(partnership, day)
    total = sum(people for people, _trained in counts.values())
    with transaction.atomic():
        pending = refreshes.select_for_update().filter(year_end=day, rules=PENDING).first()
        if pending is None:  # a trigger deleted it: a write came while the year was counted
            return Counted(total, stored=False)
        stored = YearEndCount.objects.for_partnership(partnership)
        # This year's counts, and any of a year end whose refresh a trigger deleted.
        stored.filter(year_end=day).delete()
        stored.exclude(year_end__in=refreshes.values("year_end")).delete()
        YearEndCount.objects.bulk_create(
            YearEndCount(
                partnership=partnership,
                year_end=day,
                agency_id=agency_id,
                role_id=role_id,
                rank=rank,
                people=people,
                trained=trained,
            )
            for (agency_id, role_id, rank), (people, trained) in counts.items()
        )
        refreshes.filter(pk=pending.pk).update(
            rules=rules, people=total, refreshed_at=timezone.now()
        )
    return Counted(total, stored=True)

"""Refresh a partnership's stored compliance standings (decision 0035).

The partnership compliance page and API rank people from stored standings
where they hold and live otherwise (``selectors.partnership``), so the figures
never depend on when this last ran; it decides only how fast they come.
``interagency refresh-compliance`` runs it: after midnight (a new day makes
every standing stale) and every few minutes (people whose rows the triggers
deleted).
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from interagency.people.models import Person, current_on
from interagency.records.models import (
    ComplianceRefresh,
    ComplianceStanding,
    StandingCourses,
    TrainingRecord,
)
from interagency.records.selectors.compliance import ComplianceQuery
from interagency.records.selectors.partnership import partnership_people
from interagency.records.selectors.standings import rules_fingerprint
from interagency.records.staleness import STANDING
from interagency.tenancy.models import Partnership

BATCH = 5000


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did: ``people`` ranked and stored, ``everyone`` if all afresh."""

    people: int
    everyone: bool


# Each person's worst rank, then their courses by tier and rank: one ranking for both.
RANKED_SQL = """SELECT 0, id, rank, NULL, 0 FROM chosen
UNION ALL SELECT 1, person_id, rank, tier_id, number FROM tallies"""


def ranks_of(
    partnership: Partnership, people: QuerySet[Person], today: datetime.date
) -> tuple[list[tuple[int, int, datetime.date | None]], list[StandingCourses]]:
    """``(person, worst rank, latest completion)`` of each of ``people`` on ``today``, and
    their required courses counted by tier and status, to store beside."""
    ranked, counts = [], []
    for part, person_id, rank, tier_id, number in ComplianceQuery(partnership, people, today).rows(
        RANKED_SQL, []
    ):
        if part:
            counts.append(
                StandingCourses(
                    partnership=partnership,
                    person_id=person_id,
                    tier_id=tier_id,
                    rank=rank,
                    courses=number,
                )
            )
        else:
            ranked.append((person_id, rank))
    trained = dict(
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person__in=people)
        .values("person_id")
        .annotate(last=Max("completed_on"))
        .values_list("person_id", "last")
        .order_by()
    )
    return [(person_id, rank, trained.get(person_id)) for person_id, rank in ranked], counts


def ranks_of_the_stale(
    partnership: Partnership, people: QuerySet[Person], today: datetime.date
) -> tuple[list[tuple[int, int, datetime.date | None]], list[StandingCourses]]:
    """``ranks_of`` the people of ``people`` without a standing for ``today``, their rows
    of another day (standing and course counts) deleted first."""
    standings = ComplianceStanding.objects.for_partnership(partnership)
    stored_courses = StandingCourses.objects.for_partnership(partnership)
    # By id, a batch at a time: the statement over a "no standing" subquery was planned
    # badly (seconds for a few thousand people).
    stale = list(
        people.exclude(Exists(standings.filter(person_id=OuterRef("pk"), as_of=today))).values_list(
            "pk", flat=True
        )
    )
    ranked, counts = [], []
    for start in range(0, len(stale), BATCH):
        ids = stale[start : start + BATCH]
        standings.filter(person_id__in=ids).delete()  # another day's, if any
        stored_courses.filter(person_id__in=ids).delete()  # left by a deleted standing
        batch_ranked, batch_counts = ranks_of(partnership, people.filter(pk__in=ids), today)
        ranked += batch_ranked
        counts += batch_counts
    return ranked, counts


def refresh_standings(partnership: Partnership, *, today: datetime.date) -> Refreshed:
    """Store the standing on ``today`` of every current person without one (of everyone,
    when the day or the rules changed since the last refresh), with their required courses
    counted by tier and status (``StandingCourses``), in one transaction.

    The table is locked against the triggers' deletes while the people are ranked
    (PostgreSQL; SQLite's immediate transaction locks every writer out already): a
    record or booking written meanwhile waits, then deletes the row just stored.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {STANDING} IN SHARE ROW EXCLUSIVE MODE")
        rules = rules_fingerprint(partnership)
        last = ComplianceRefresh.objects.for_partnership(partnership).first()
        everyone = last is None or last.as_of != today or last.rules != rules
        people = partnership_people(partnership).filter(current_on(today))
        if everyone:
            ComplianceStanding.objects.for_partnership(partnership).delete()
            StandingCourses.objects.for_partnership(partnership).delete()
            ranked, counts = ranks_of(partnership, people, today)
        else:
            ranked, counts = ranks_of_the_stale(partnership, people, today)
        ComplianceStanding.objects.bulk_create(
            (
                ComplianceStanding(
                    partnership=partnership,
                    person_id=person_id,
                    as_of=today,
                    rank=rank,
                    last_trained_on=last_trained_on,
                )
                for person_id, rank, last_trained_on in ranked
            ),
            batch_size=BATCH,
        )
        StandingCourses.objects.bulk_create(counts, batch_size=BATCH)
        # cross-partnership: keyed by the partnership itself, one row each.
        ComplianceRefresh.objects.update_or_create(
            partnership=partnership,
            defaults={
                "as_of": today,
                "rules": rules,
                "people": len(ranked),
                "refreshed_at": timezone.now(),
            },
        )
    return Refreshed(len(ranked), everyone)

"""Stored compliance standings: whether a partnership's hold for a day, and their rules.

A standing (``models.ComplianceStanding``) is a person's worst rank on a day,
written by ``services.standings``. It is used for a day only when the
partnership's last refresh was for that day under the same rules: the
fingerprint of every row the ranking statement reads from the catalogue (the
required courses of each role, the equivalences, the hours rules, the courses'
tiers the stored course counts are grouped by), so a
changed pathway or equivalence makes every standing of the partnership stale
without a trigger on each catalogue table. A person's own changes delete their
row (``staleness.py``). Decision 0035.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.selectors import catalogue_courses, counting_courses, hours_rules
from interagency.people.models import Person, current_on
from interagency.records.models import ComplianceRefresh, ComplianceStanding
from interagency.records.selectors.compliance import ComplianceQuery, compiled, required_courses
from interagency.records.statuses import STATUS_ORDER
from interagency.tenancy.models import Partnership

# Up to this many people without a standing are named by id to the live ranking (within
# SQLite's 32,766 parameters); with more (after a large import, say) everyone is ranked
# live: the statement over "people without a standing" as a subquery was planned badly
# (8.5 s for 5,000 of 100,000 on PostgreSQL, against 0.6 s by id).
STALE_BY_ID = 20_000


def rules_fingerprint(partnership: Partnership) -> str:
    """A digest of the rules the partnership's statuses are ranked under (one query)."""
    needs_sql, needs_params = compiled(required_courses(partnership))
    counting_sql, counting_params = compiled(counting_courses(partnership))
    hourly_sql, hourly_params = compiled(hours_rules(partnership))
    # The courses' tiers too: the stored course counts are by tier.
    tiers_sql, tiers_params = compiled(
        catalogue_courses(partnership, include_hidden=True).values("pk", "tier_id").order_by()
    )
    sql = f"""
WITH n(a, b, c, d) AS ({needs_sql}), q(a, b) AS ({counting_sql}), h(a, b, c, d) AS ({hourly_sql}),
  t(a, b) AS ({tiers_sql})
SELECT 1, a, b, c, d FROM n
UNION ALL SELECT 2, a, b, NULL, NULL FROM q
UNION ALL SELECT 3, a, b, c, d FROM h
UNION ALL SELECT 4, a, b, NULL, NULL FROM t"""  # noqa: S608 (compiled querysets)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*needs_params, *counting_params, *hourly_params, *tiers_params])
        rows = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def standings_hold(partnership: Partnership, today: datetime.date) -> bool:
    """Whether the partnership's stored standings were refreshed for ``today`` under the
    rules that hold now (two queries): if not, every person is ranked live."""
    refresh = (
        ComplianceRefresh.objects.for_partnership(partnership)
        .filter(as_of=today)
        .values_list("rules", flat=True)
        .first()
    )
    return refresh is not None and refresh == rules_fingerprint(partnership)


@dataclass
class StoredCounts:
    """What the stored standings say of some people, and who is left to rank live.

    ``ranks``: ``(agency, tier of the main role, worst rank, people)``; ``trained``:
    ``(agency, main role, people, trained since the day asked)`` of people with a role;
    ``stale``: the people without a standing for the day (None: nobody).
    """

    ranks: list[tuple[Any, ...]] = field(default_factory=list)
    trained: list[tuple[Any, ...]] = field(default_factory=list)
    stale: QuerySet[Person] | None = None


def stored_counts(
    partnership: Partnership,
    people: QuerySet[Person],
    today: datetime.date,
    trained_since: datetime.date,
) -> StoredCounts:
    """Count ``people`` from their standings for ``today`` in one pass (three queries
    with the check that they hold); everyone is stale when they do not."""
    if not standings_hold(partnership, today):
        return StoredCounts(stale=people)
    people_sql, people_params = compiled(people.values("pk", "agency_id", "role_id").order_by())
    adapt = connection.ops.adapt_datefield_value
    sql = f"""
WITH p(id, agency_id, role_id) AS ({people_sql})
SELECT p.agency_id, p.role_id, r.tier_id, s.rank, CASE WHEN s.person_id IS NULL THEN p.id END,
  COUNT(*), SUM(CASE WHEN s.last_trained_on >= %s THEN 1 ELSE 0 END)
FROM p
LEFT JOIN {ComplianceStanding._meta.db_table} s ON s.person_id = p.id AND s.as_of = %s
LEFT JOIN {CatalogueRole._meta.db_table} r ON r.id = p.role_id
GROUP BY p.agency_id, p.role_id, r.tier_id, s.rank,
  CASE WHEN s.person_id IS NULL THEN p.id END"""  # noqa: S608 (compiled, table names)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*people_params, adapt(trained_since), adapt(today)])
        rows = cursor.fetchall()
    found, stale = StoredCounts(), []
    for agency_id, role_id, tier_id, rank, stale_id, number, trained in rows:
        if stale_id is not None:
            stale.append(stale_id)
            continue
        found.ranks.append((agency_id, tier_id, rank, number))
        if role_id is not None:
            found.trained.append((agency_id, role_id, number, int(trained or 0)))
    if len(stale) > STALE_BY_ID:
        return StoredCounts(stale=people)
    if stale:
        found.stale = people.filter(pk__in=stale)
    return found


def people_by_worst_status(
    partnership: Partnership, people: QuerySet[Person], *, today: datetime.date
) -> dict[str, int]:
    """The current people of ``people`` counted by their worst status on ``today`` (the
    ranking's ``Summary.people``; a team's start page needs no more)."""
    counts = dict.fromkeys((str(status.value) for status in STATUS_ORDER), 0)
    for _agency_id, rank, number in ranks_by_agency(partnership, people, today=today):
        counts[str(STATUS_ORDER[rank].value)] += number
    return counts


def ranks_by_agency(
    partnership: Partnership, people: QuerySet[Person], *, today: datetime.date
) -> list[tuple[int, int, int]]:
    """``(agency, worst rank, people)`` of the current people of ``people`` on ``today``
    (a key may come twice): from their stored standings where they hold (one grouped pass,
    three queries with the check), the people without one ranked live (one more query),
    so the counts are those of the live ranking whatever is stored."""
    current = people.filter(current_on(today))
    stale: QuerySet[Person] | None = current
    ranks: list[tuple[int, int, int]] = []
    if standings_hold(partnership, today):
        stale, ranks = stored_ranks(current, today)
    if stale is not None:
        live = ComplianceQuery(partnership, stale, today)
        sql = "SELECT agency_id, rank, COUNT(*) FROM chosen GROUP BY agency_id, rank"
        ranks += [(agency_id, rank, number) for agency_id, rank, number in live.rows(sql, [])]
    return ranks


def stored_ranks(
    people: QuerySet[Person], today: datetime.date
) -> tuple[QuerySet[Person] | None, list[tuple[int, int, int]]]:
    """``(people without a standing for today or None, [(agency, worst rank, people)])``:
    one query; past ``STALE_BY_ID`` people without one, every person is left to rank live."""
    people_sql, people_params = compiled(people.values("pk", "agency_id").order_by())
    # Materialised: SQLite otherwise ran a line manager's visibility filter (a join and an
    # OR) against every standing, 1.9 s for a team of 6 at county scale, 0.5 s once.
    sql = f"""
WITH p(id, agency_id) AS MATERIALIZED ({people_sql})
SELECT p.agency_id, s.rank, CASE WHEN s.person_id IS NULL THEN p.id END, COUNT(*)
FROM p LEFT JOIN {ComplianceStanding._meta.db_table} s ON s.person_id = p.id AND s.as_of = %s
GROUP BY p.agency_id, s.rank, CASE WHEN s.person_id IS NULL THEN p.id END"""  # noqa: S608 (compiled)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*people_params, connection.ops.adapt_datefield_value(today)])
        rows = cursor.fetchall()
    stale = [stale_id for _agency, _rank, stale_id, _number in rows if stale_id is not None]
    if len(stale) > STALE_BY_ID:
        return people, []
    ranks = [(agency, rank, number) for agency, rank, stale_id, number in rows if stale_id is None]
    return (people.filter(pk__in=stale) if stale else None), ranks

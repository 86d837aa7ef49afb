"""Compliance broken down by service, role and tier: one statement for all three.

A line manager's team and an agency lead's agencies read the same ranked
courses the training status page counts (``compliance.ComplianceQuery``), here
grouped by the person's service, their main role, and the course's tier, so
whoever looks sees where the overdue training sits. One query whatever the
number of people.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.models import Tier
from interagency.people.models import Person, Service, current_on
from interagency.records.selectors.compliance import ComplianceQuery, empty_counts
from interagency.records.statuses import STATUS_ORDER
from interagency.tenancy.models import Partnership

GROUPS = ("service", "role", "tier")


@dataclass
class BreakdownRow:
    """One service, role or tier: its people's required courses counted by status."""

    name: str
    courses: dict[str, int] = field(default_factory=empty_counts)

    @property
    def total(self) -> int:
        return sum(self.courses.values())


# The three groupings from the courses counted by tier and rank (``tallies``: ranked live or
# stored with the standing), each row as a page's summary query reads it beside its own
# (``ComplianceQuery.summary_with``): part 2, the group's key, its name, the group's index in
# ``GROUPS``, the rank, the courses.
BREAKDOWN_PART_SQL = """
SELECT 2, p.service_id, MAX(sv.name), 0, c.rank, CAST(SUM(c.number) AS BIGINT)
FROM tallies c JOIN {person} p ON p.id = c.person_id
LEFT JOIN {service} sv ON sv.id = p.service_id
GROUP BY p.service_id, c.rank
UNION ALL
SELECT 2, p.role_id, MAX(r.name), 1, c.rank, CAST(SUM(c.number) AS BIGINT)
FROM tallies c JOIN {person} p ON p.id = c.person_id
LEFT JOIN {role} r ON r.id = p.role_id
GROUP BY p.role_id, c.rank
UNION ALL
SELECT 2, c.tier_id, MAX(t.name), 2, c.rank, CAST(SUM(c.number) AS BIGINT)
FROM tallies c JOIN {tier} t ON t.id = c.tier_id
GROUP BY c.tier_id, c.rank"""


def table_names() -> dict[str, str]:
    return {
        "person": Person._meta.db_table,
        "service": Service._meta.db_table,
        "role": CatalogueRole._meta.db_table,
        "tier": Tier._meta.db_table,
    }


def breakdown_part() -> str:
    """The breakdown as SQL to read with a page's summary, everyone ranked once."""
    return BREAKDOWN_PART_SQL.format(**table_names())


def breakdown_of(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[BreakdownRow]]:
    """The breakdown from the rows ``breakdown_part`` answered, each list in name order."""
    found: dict[str, dict[object, BreakdownRow]] = {group: {} for group in GROUPS}
    for _part, key, name, group, rank, number in rows:
        row = found[GROUPS[group]].setdefault(key, BreakdownRow(name or "None"))
        row.courses[STATUS_ORDER[rank].value] += number
    return {
        group: sorted(rows.values(), key=lambda row: row.name.lower())
        for group, rows in found.items()
    }


def compliance_breakdown(
    partnership: Partnership, people: QuerySet[Person], *, today: datetime.date
) -> dict[str, list[BreakdownRow]]:
    """``people``'s (already visible-filtered) required courses by status, grouped by
    service (``"service"``), main role (``"role"``) and course tier (``"tier"``), each
    list in name order; people without a service or role are grouped as "None"."""
    query = ComplianceQuery(partnership, people.filter(current_on(today)), today)
    return breakdown_of(query.rows(breakdown_part(), []))

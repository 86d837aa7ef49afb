"""The partnership's compliance by sector, agency and tier, and participation by profession.

Each person's worst status and latest completion come from their stored
standing for the day (``standings.stored_counts``: one grouped pass, decision
0035); the people without one are ranked by the one statement
(``compliance.ComplianceQuery``, the same that counts the training status
page) and counted for participation from their records. Then four small reads
(agencies, tiers, roles, headcounts) name the cells. The number of queries
does not grow with the number of people, and the figures do not depend on how
many standings are stored.

A person is **up to date** when none of their requirements is overdue (due
soon, booked, not yet due and done all count); people without a role are
counted apart, since their pathway is unknown.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.models import Tier
from interagency.catalogue.selectors import roles_of, tiers_of
from interagency.people.models import Agency, Person, Sector, current_on
from interagency.people.selectors import latest_headcounts
from interagency.records.models import TrainingRecord
from interagency.records.selectors.compliance import ComplianceQuery
from interagency.records.selectors.standings import StoredCounts, ranks_by_agency, stored_counts
from interagency.records.statuses import STATUS_ORDER, Status, due_before
from interagency.tenancy.models import Partnership

# Months looked back for participation: who trained in the last year.
PARTICIPATION_MONTHS = 12
# A profession is under-represented when its participation is below this share of the
# partnership's overall rate (our choice, shown on the page; no published threshold).
UNDER_REPRESENTED_SHARE = 0.5
NO_TIER = 0
# The heat map's bands of "up to date" (per cent, our display choice, named on the page).
BANDS = ((90, "good", "Good"), (70, "fair", "Fair"), (0, "poor", "Poor"))
# Each rank's status as a plain string: a county's counts read them tens of thousands of times.
STATUS_VALUES = [str(status.value) for status in STATUS_ORDER]


@dataclass
class Cell:
    """People of one agency (or sector, or the partnership) in one tier, by worst status."""

    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_VALUES, 0))

    @property
    def people(self) -> int:
        return sum(self.statuses.values())

    @property
    def with_role(self) -> int:
        return self.people - self.statuses[Status.NO_ROLE]

    @property
    def up_to_date(self) -> int:
        return self.with_role - self.statuses[Status.OVERDUE]

    @property
    def percent(self) -> int | None:
        """Up to date among those with a role, rounded down; None when nobody has one."""
        return (100 * self.up_to_date // self.with_role) if self.with_role else None

    @property
    def band(self) -> tuple[str, str]:
        """The heat map's band, as a class suffix and in words."""
        percent = self.percent
        if percent is None:
            return "none", "No one with a role"
        return next((key, words) for floor, key, words in BANDS if percent >= floor)


@dataclass
class Row:
    """An agency's (or a sector's) cells by tier id (``NO_TIER``: no role), and their total."""

    key: str
    name: str
    sector: str
    agency_id: int | None
    cells: dict[int, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)

    def cell(self, tier_id: int) -> Cell:
        return self.cells.setdefault(tier_id, Cell())


@dataclass
class Profession:
    """One role's participation: named people trained lately against the mapped workforce."""

    role_id: int
    name: str
    tier: str
    people: int
    trained: int
    workforce: int
    under_represented: bool = False

    @property
    def percent(self) -> int | None:
        return (100 * self.trained // self.workforce) if self.workforce else None


@dataclass
class PartnershipCompliance:
    tiers: list[Tier]
    sectors: list[Row]
    agencies: list[Row]
    total: Row
    professions: list[Profession]
    overall_participation: int | None

    def agencies_of(self, sector: str) -> list[Row]:
        return [row for row in self.agencies if row.sector == sector]


@dataclass(frozen=True)
class Scope:
    """The sector, agency and tier a page or API call asks about (empty: all of them)."""

    sector: str = ""
    agency_id: int | None = None
    tier_id: int | None = None

    def people(self, people: QuerySet[Person], today: datetime.date) -> QuerySet[Person]:
        """The current people of ``people`` in this scope (the tier of their main role)."""
        people = people.filter(current_on(today))
        if self.sector:
            people = people.filter(agency__sector=self.sector)
        if self.agency_id is not None:
            people = people.filter(agency_id=self.agency_id)
        if self.tier_id == NO_TIER:
            people = people.filter(role__isnull=True)
        elif self.tier_id is not None:
            people = people.filter(role__tier_id=self.tier_id)
        return people

    def headcounts(self, headcounts: QuerySet[Any]) -> QuerySet[Any]:
        """The headcounts of roles in this scope."""
        headcounts = headcounts.filter(role__isnull=False)
        if self.sector:
            headcounts = headcounts.filter(agency__sector=self.sector)
        if self.agency_id is not None:
            headcounts = headcounts.filter(agency_id=self.agency_id)
        if self.tier_id is not None:
            headcounts = headcounts.filter(role__tier_id=self.tier_id)
        return headcounts


def partnership_compliance(
    partnership: Partnership,
    people: QuerySet[Person],
    *,
    today: datetime.date,
    scope: Scope,
    stored: StoredCounts | None = None,
) -> PartnershipCompliance:
    """Compliance of ``people`` (already visible-filtered) in ``scope`` by sector, agency
    and tier, and the participation of each profession against its mapped workforce.
    ``stored``: the counts of all of them if the caller has them (a stored year end)."""
    people = scope.people(people, today)
    stored = stored or stored_counts(partnership, people, today, trained_since(today))
    counts = counted_by_agency_and_tier(partnership, people, today, stored=stored)
    agencies = {
        agency.pk: agency
        for agency in Agency.objects.for_partnership(partnership).only("pk", "name", "sector")
    }
    tiers = list(tiers_of(partnership))
    rows: dict[int, Row] = {}
    sectors: dict[str, Row] = {}
    total = Row("total", "All agencies", "", None)
    sector_labels = {str(value): str(label) for value, label in Sector.choices}
    for agency_id, tier_id, rank, number in counts:
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        row = rows.get(agency_id) or rows.setdefault(
            agency_id, Row(f"agency-{agency_id}", agency.name, agency.sector, agency_id)
        )
        label = sector_labels.get(agency.sector, agency.sector)
        sector_row = sectors.setdefault(
            agency.sector, Row(f"sector-{agency.sector}", label, agency.sector, None)
        )
        status = STATUS_VALUES[rank]
        for target in (row, sector_row, total):
            target.cell(tier_id or NO_TIER).statuses[status] += number
            target.total.statuses[status] += number
    used = {tier_id for row in rows.values() for tier_id in row.cells}
    professions, overall = participation(partnership, people, today, scope, stored=stored)
    return PartnershipCompliance(
        tiers=[tier for tier in tiers if tier.pk in used],
        sectors=sorted(sectors.values(), key=lambda row: row.name),
        agencies=sorted(rows.values(), key=lambda row: (row.name, row.agency_id or 0)),
        total=total,
        professions=professions,
        overall_participation=overall,
    )


def counted_by_agency_and_tier(
    partnership: Partnership,
    people: QuerySet[Person],
    today: datetime.date,
    *,
    stored: StoredCounts | None = None,
) -> list[tuple[Any, ...]]:
    """``(agency, tier of the main role, worst rank, people)``: from the stored standings
    of the people with one for ``today`` (``stored``, read here if not given), and the one
    ranking statement for the rest. A key may come twice; the caller adds them up."""
    if stored is None:
        stored = stored_counts(partnership, people, today, trained_since(today))
    if stored.stale is None:
        return stored.ranks
    query = ComplianceQuery(partnership, stored.stale, today)
    role_table = CatalogueRole._meta.db_table
    sql = f"""
SELECT w.agency_id, r.tier_id, w.rank, COUNT(*) FROM chosen w
LEFT JOIN {role_table} r ON r.id = w.role_id
GROUP BY w.agency_id, r.tier_id, w.rank"""  # noqa: S608 (a table name from the model)
    return stored.ranks + query.rows(sql, [])


def trained_since(today: datetime.date) -> datetime.date:
    """The first day a completion counts as training in the last year."""
    return due_before(PARTICIPATION_MONTHS, today)


def participation(
    partnership: Partnership,
    people: QuerySet[Person],
    today: datetime.date,
    scope: Scope,
    *,
    stored: StoredCounts | None = None,
) -> tuple[list[Profession], int | None]:
    """Each main role's people, those trained in the last year, and the mapped workforce.

    The workforce of a role in an agency is the larger of its named people and
    the agency's latest headcount for that role (a headcount stands for staff
    the partnership has no names for). A role whose participation is under half
    the partnership's overall rate is marked under-represented. ``stored``: what the
    stored standings say of ``people`` (read here if not given).
    """
    by_key: dict[tuple[int, int], list[int]] = {}
    for agency_id, role_id, named_people, trained_people in trained_by_agency_and_role(
        partnership, people, today, stored=stored
    ):
        counts = by_key.setdefault((agency_id, role_id), [0, 0, 0])
        counts[0] += named_people
        counts[1] += trained_people
    for headcount in scope.headcounts(latest_headcounts(partnership)):
        key = (headcount.agency_id, headcount.role_id)
        by_key.setdefault(key, [0, 0, 0])[2] += headcount.count
    roles = {role.pk: role for role in roles_of(partnership)}
    found: dict[int, Profession] = {}
    for (_agency_id, role_id), (named_people, trained_people, counted) in by_key.items():
        role = roles.get(role_id)
        if role is None:
            continue
        profession = found.setdefault(
            role_id, Profession(role_id, role.name, role.tier.name, 0, 0, 0)
        )
        profession.people += named_people
        profession.trained += trained_people
        profession.workforce += max(named_people, counted)
    workforce = sum(item.workforce for item in found.values())
    trained_all = sum(item.trained for item in found.values())
    overall = (100 * trained_all // workforce) if workforce else None
    for item in found.values():
        # Compared as fractions: the rounded percentages could hide a small shortfall.
        item.under_represented = bool(
            workforce
            and item.workforce
            and item.trained * workforce < UNDER_REPRESENTED_SHARE * trained_all * item.workforce
        )
    return sorted(found.values(), key=lambda item: (item.tier, item.name)), overall


def trained_by_agency_and_role(
    partnership: Partnership,
    people: QuerySet[Person],
    today: datetime.date,
    *,
    stored: StoredCounts | None = None,
) -> list[tuple[Any, ...]]:
    """``(agency, main role, people, trained in the last year)`` of ``people`` with a role:
    from the stored standings' latest completion where they hold, else from the records."""
    since = trained_since(today)
    if stored is None:
        stored = stored_counts(partnership, people, today, since)
    if stored.stale is None:
        return stored.trained
    trained = TrainingRecord.objects.for_partnership(partnership).filter(
        person_id=OuterRef("pk"), completed_on__gte=since
    )
    return stored.trained + list(
        stored.stale.filter(role__isnull=False)
        .annotate(trained=Exists(trained))
        .values_list("agency_id", "role_id")
        .annotate(people=Count("pk"), trained_people=Count("pk", filter=Q(trained=True)))
        .order_by()
    )


def partnership_people(partnership: Partnership) -> QuerySet[Person]:
    """Everyone the partnership's compliance counts (unmerged), names or not: the page shows
    counts to board members and names only through ``people.visibility``."""
    return Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)


@dataclass
class AgencyStanding:
    """An agency's people counted by their worst status (``statuses``, by value)."""

    agency_id: int
    name: str
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_VALUES, 0))


def people_by_agency(
    partnership: Partnership, people: QuerySet[Person], *, today: datetime.date
) -> tuple[dict[str, int], list[AgencyStanding]]:
    """The current people of ``people`` by worst status, in total and by agency (by name):
    from the stored standings (the people without one ranked live), so a fixed number of
    queries whatever the number of people."""
    names = dict(Agency.objects.for_partnership(partnership).values_list("pk", "name"))
    total = dict.fromkeys(STATUS_VALUES, 0)
    agencies: dict[int, AgencyStanding] = {}
    for agency_id, rank, number in ranks_by_agency(partnership, people, today=today):
        if agency_id not in names:
            continue
        agency = agencies.get(agency_id) or agencies.setdefault(
            agency_id, AgencyStanding(agency_id, names[agency_id])
        )
        agency.statuses[STATUS_VALUES[rank]] += number
        total[STATUS_VALUES[rank]] += number
    return total, sorted(agencies.values(), key=lambda row: (row.name, row.agency_id))

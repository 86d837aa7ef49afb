"""Many partnerships' compliance and participation totals read together from stored standings.

A region's benchmarks need, for each partnership, four totals of
``partnership_compliance`` over everyone (no scope): the people with a role,
those up to date, the mapped workforce and those of it trained in the last
year. ``stored_totals`` reads them for every partnership whose standings hold
for the day (``standings.standings_hold``'s test) in six grouped queries
plus the rules' fingerprint of each such partnership, instead of about seven
queries a partnership. A partnership whose standings do not hold,
or in which anyone lacks a standing for the day, is left out: the caller
counts it through ``partnership_compliance``, so the figures never depend on
which path was taken. Decision 0034. At a financial year's end (31 March) the
counts stored for it (``selectors.year_end``, decision 0036) are read first,
in one more query, for every partnership whose year-end counts hold.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber

from interagency.catalogue.models import Adoption
from interagency.catalogue.models import Role as CatalogueRole
from interagency.people.models import Agency, Headcount, Person, current_on
from interagency.records.models import ComplianceRefresh
from interagency.records.selectors.partnership import trained_since
from interagency.records.selectors.standings import rules_fingerprint
from interagency.records.selectors.year_end import year_end_rows, year_ends_holding
from interagency.records.statuses import STATUS_ORDER, Status
from interagency.tenancy.models import Partnership

OVERDUE_RANK = STATUS_ORDER.index(Status.OVERDUE)
NO_ROLE_RANK = STATUS_ORDER.index(Status.NO_ROLE)
# A headcount is newest within these (``people.latest_headcounts``' groups, by partnership).
HEADCOUNT_GROUP = ("partnership_id", "agency_id", "service_id", "role_id", "tier_id")


@dataclass
class ComplianceTotals:
    """One partnership's totals, as ``partnership_compliance`` adds them up over everyone."""

    with_role: int = 0
    up_to_date: int = 0
    workforce: int = 0
    trained: int = 0


def stored_totals(
    partnerships: list[Partnership], today: datetime.date
) -> dict[int, ComplianceTotals]:
    """The totals of each of ``partnerships`` whose stored standings count everyone current
    (unmerged) on ``today``, by partnership id; the others are missing from the answer."""
    at_year_end = year_ends_holding(partnerships, today)
    named = year_end_named(at_year_end, today)
    rest = [partnership for partnership in partnerships if partnership.pk not in at_year_end]
    holding = partnerships_holding(rest, today) if rest else []
    if holding:
        daily = named_people(holding, today)
        named.ranks.update(daily.ranks)
        named.trained.update(daily.trained)
        named.stale = daily.stale
    complete = set(at_year_end) | (set(holding) - named.stale)
    if not complete:
        return {}
    ids = sorted(complete)
    own_agencies = set(
        # cross-partnership: the region's benchmarks read these partnerships' agency ids only.
        Agency.objects.filter(partnership_id__in=ids).values_list("partnership_id", "pk")
    )
    roles = roles_by_partnership(ids)
    headcounts = latest_role_headcounts(ids)
    answer = {}
    for partnership_id in ids:
        totals = ComplianceTotals()
        for (agency_id, _role_id, rank), people in named.ranks[partnership_id].items():
            if (partnership_id, agency_id) in own_agencies and rank != NO_ROLE_RANK:
                totals.with_role += people
                totals.up_to_date += 0 if rank == OVERDUE_RANK else people
        keys = named.trained[partnership_id].keys() | headcounts[partnership_id].keys()
        for key in keys:
            if key[1] not in roles[partnership_id]:
                continue
            people, trained = named.trained[partnership_id].get(key, (0, 0))
            totals.workforce += max(people, headcounts[partnership_id].get(key, 0))
            totals.trained += trained
        answer[partnership_id] = totals
    return answer


def partnerships_holding(partnerships: list[Partnership], today: datetime.date) -> list[int]:
    """The ids of those refreshed for ``today`` under the rules that hold now (one query, then
    each one's fingerprint)."""
    by_id = {partnership.pk: partnership for partnership in partnerships}
    refreshed = (
        # cross-partnership: only each partnership's refresh day and fingerprint are read.
        ComplianceRefresh.objects.filter(partnership_id__in=list(by_id), as_of=today)
        .values_list("partnership_id", "rules")
        .order_by("partnership_id")
    )
    return [pk for pk, rules in refreshed if rules == rules_fingerprint(by_id[pk])]


@dataclass
class Named:
    """The counts of named people by partnership: ``ranks`` by (agency, role, rank);
    ``trained`` (people, trained lately) by (agency, role) of those with a role; ``stale``:
    the partnerships in which someone has no standing for the day."""

    ranks: dict[int, dict[tuple, int]]
    trained: dict[int, dict[tuple, tuple[int, int]]]
    stale: set[int]


def named_people(partnership_ids: list[int], today: datetime.date) -> Named:
    """Everyone current and unmerged in ``partnership_ids``, grouped (one query)."""
    standing_today = Q(compliance_standing__as_of=today)
    rows = (
        # cross-partnership: counted by partnership, agency and role; no person leaves here.
        Person.objects.filter(partnership_id__in=partnership_ids, merged_into__isnull=True)
        .filter(current_on(today))
        .annotate(rank=Case(When(standing_today, then=F("compliance_standing__rank"))))
        .values_list("partnership_id", "agency_id", "role_id", "rank")
        .annotate(
            people=Count("pk"),
            trained=Count(
                "pk",
                filter=standing_today
                & Q(compliance_standing__last_trained_on__gte=trained_since(today)),
            ),
        )
        .order_by()
    )
    found = Named(defaultdict(dict), defaultdict(dict), set())
    for partnership_id, agency_id, role_id, rank, people, trained in rows:
        if rank is None:
            found.stale.add(partnership_id)
            continue
        found.ranks[partnership_id][(agency_id, role_id, rank)] = people
        if role_id is not None:
            before = found.trained[partnership_id].get((agency_id, role_id), (0, 0))
            found.trained[partnership_id][(agency_id, role_id)] = (
                before[0] + people,
                before[1] + trained,
            )
    return found


def year_end_named(partnership_ids: list[int], day: datetime.date) -> Named:
    """The counts stored for year end ``day`` of ``partnership_ids`` (whose counts hold), in
    ``named_people``'s shape (one query; none without partnerships)."""
    found = Named(defaultdict(dict), defaultdict(dict), set())
    if not partnership_ids:
        return found
    for partnership_id, agency_id, role_id, _tier, rank, people, trained in year_end_rows(
        partnership_ids, day
    ):
        ranks = found.ranks[partnership_id]
        ranks[(agency_id, role_id, rank)] = ranks.get((agency_id, role_id, rank), 0) + people
        if role_id is not None:
            before = found.trained[partnership_id].get((agency_id, role_id), (0, 0))
            found.trained[partnership_id][(agency_id, role_id)] = (
                before[0] + people,
                before[1] + trained,
            )
    return found


def roles_by_partnership(partnership_ids: list[int]) -> dict[int, set[int]]:
    """Each partnership's roles (``catalogue.roles_of``: its adopted frameworks' shared roles
    and its own local ones), in two queries for all of them."""
    adopted: dict[int, set[int]] = defaultdict(set)
    # cross-partnership: which frameworks each partnership adopted, nothing else.
    for partnership_id, framework_id in Adoption.objects.filter(
        partnership_id__in=partnership_ids
    ).values_list("partnership_id", "framework_id"):
        adopted[partnership_id].add(framework_id)
    frameworks = {pk for each in adopted.values() for pk in each}
    roles: dict[int, set[int]] = defaultdict(set)
    for pk, framework_id, local_to_id in CatalogueRole.objects.filter(
        framework_id__in=frameworks
    ).values_list("pk", "framework_id", "local_to_id"):
        for partnership_id in partnership_ids:
            mine = local_to_id is None or local_to_id == partnership_id
            if mine and framework_id in adopted[partnership_id]:
                roles[partnership_id].add(pk)
    return roles


def latest_role_headcounts(partnership_ids: list[int]) -> dict[int, dict[tuple, int]]:
    """The newest headcount of each agency, service and role (``people.latest_headcounts``),
    added up by partnership, agency and role (one query)."""
    newest = Window(
        RowNumber(),
        partition_by=[F(name) for name in HEADCOUNT_GROUP],
        order_by=[F("as_of").desc(), F("pk").desc()],
    )
    rows = (
        # cross-partnership: the region's benchmarks add up figures of staff, never names.
        Headcount.objects.filter(partnership_id__in=partnership_ids, role__isnull=False)
        .annotate(newest=newest)
        .filter(newest=1)
        .values_list("partnership_id", "agency_id", "role_id", "count")
    )
    found: dict[int, dict[tuple, int]] = defaultdict(dict)
    for partnership_id, agency_id, role_id, count in rows:
        key = (agency_id, role_id)
        found[partnership_id][key] = found[partnership_id].get(key, 0) + count
    return found

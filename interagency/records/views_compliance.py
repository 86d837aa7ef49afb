"""The partnership compliance page: by sector, agency and tier, as a table and a heat map.

Coordinators and board members (``Action.VIEW_COMPLIANCE``). The counts cover
everyone in the partnership; a cell's named people are shown only to members
``people.visibility`` lets see them (board members see counts only). The
page, its CSV and its XLSX read the same selector with the same filters.
"""

from dataclasses import dataclass
from html import escape

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from interagency.catalogue.selectors import tiers_of
from interagency.core.permissions import Action, role_allows
from interagency.core.spreadsheets import csv_download
from interagency.people.selectors import agency_choices
from interagency.people.visibility import visible_people
from interagency.records.compliance_exports import (
    COMPLIANCE_HEADERS,
    compliance_rows,
    workbook_response,
)
from interagency.records.compliance_forms import ScopeForm
from interagency.records.selectors import training_status
from interagency.records.selectors.partnership import (
    NO_TIER,
    UNDER_REPRESENTED_SHARE,
    Cell,
    PartnershipCompliance,
    Row,
    partnership_compliance,
    partnership_people,
)
from interagency.records.statuses import STATUS_ORDER, Status
from interagency.tenancy.access import PartnershipRequest, partnership_view

NAMED_PER_PAGE = 25
# The heat map's agencies a page (GOV.UK pagination, ``map`` in the address): a county's
# 1,250 agencies made a page of 1.5 MB. The partnership's line is on every page.
AGENCIES_PER_PAGE = 50


@dataclass(frozen=True)
class HeatLine:
    """One row of the heat map: its name and each column's cell, as markup."""

    name: str
    cells: list[SafeString]
    total: bool = False


def heat_cell(cell: Cell, link: str, label: str) -> SafeString:
    """One cell of the heat map: its band as a class and in words, the share up to date
    (a drill-down link where names may be seen) and the people without a role. Written
    here, not by an included template: a county's map has thousands of cells, and an
    include each took most of a second. Every text is escaped (the standard library's
    ``html.escape``, as Django's ``escape`` does, without its lazy-string wrapper); the
    numbers are ints."""
    key, words = cell.band
    no_role = cell.statuses[Status.NO_ROLE.value]
    link, label = escape(link), escape(label)
    without = f'<span class="ia-heat__band">{no_role} without a role</span>' if no_role else ""
    if cell.with_role:
        share = f"{cell.percent}%"
        if link:
            share = (
                f'<a class="govuk-link" href="{link}">{share}'
                f'<span class="govuk-visually-hidden"> up to date, {label}</span></a>'
            )
        inner = (
            f'{share}<span class="ia-heat__band">{escape(words)}: {cell.up_to_date} of '
            f"{cell.with_role}</span>{without}"
        )
    elif cell.people and link:
        inner = (
            f'<a class="govuk-link" href="{link}">{no_role} without a role'
            f'<span class="govuk-visually-hidden">, {label}</span></a>'
        )
    elif cell.people:
        inner = without
    else:
        inner = '<span class="ia-heat__band">None</span>'
    return mark_safe(f'<td class="govuk-table__cell ia-heat ia-heat--{escape(key)}">{inner}</td>')  # noqa: S308 (escaped above)


def agencies_in_map_order(result: PartnershipCompliance) -> list[Row]:
    """The agencies as the heat map lists them: by sector, then by name."""
    return [agency for sector in result.sectors for agency in result.agencies_of(sector.sector)]


def _heat_map(
    result: PartnershipCompliance, drill: str | None, agencies: list[Row]
) -> list[list[HeatLine]]:
    """The heat map's rows in groups: each sector's total then its agencies among
    ``agencies`` (a page of them: a county has over a thousand); then everyone.
    ``drill`` (the page's address, for those who may see names) links each agency's cells."""
    shown = {agency.agency_id for agency in agencies}
    columns = [(tier.pk, tier.name) for tier in result.tiers] + [(NO_TIER, "no role")]

    def line(row: Row, name: str, *, total: bool) -> HeatLine:
        cells = []
        for tier_id, tier_name in [*columns, (None, "all tiers")]:
            cell = row.total if tier_id is None else row.cells.get(tier_id, Cell())
            link = ""
            if drill is not None and row.agency_id is not None and cell.people:
                # Ids are ints: no quoting needed (urlencode per cell was a tenth of the page).
                tier = "" if tier_id is None else f"&tier={int(tier_id)}"
                link = f"{drill}?agency={int(row.agency_id)}{tier}#people"
            cells.append(heat_cell(cell, link, f"{name}, {tier_name}"))
        return HeatLine(name, cells, total)

    groups = [
        [line(sector, f"{sector.name} (all agencies)", total=True)]
        + [line(agency, agency.name, total=False) for agency in sector_agencies]
        for sector in result.sectors
        if (
            sector_agencies := [
                agency for agency in result.agencies_of(sector.sector) if agency.agency_id in shown
            ]
        )
    ]
    return [*groups, [line(result.total, "All sectors", total=True)]]


def _read(request: PartnershipRequest) -> tuple[ScopeForm, PartnershipCompliance]:
    partnership = request.access.partnership
    form = ScopeForm(request.GET, agencies=agency_choices(partnership), tiers=tiers_of(partnership))
    result = partnership_compliance(
        partnership,
        partnership_people(partnership),
        today=timezone.localdate(),
        scope=form.scope(),
    )
    return form, result


@require_GET
@partnership_view(Action.VIEW_COMPLIANCE)
def compliance(request: PartnershipRequest) -> HttpResponse:
    """The table and heat map; with an agency chosen, its people by name where allowed."""
    access = request.access
    form, result = _read(request)
    scope = form.scope()
    may_name = role_allows(access.roles, Action.VIEW_PEOPLE)
    named = None
    if scope.agency_id is not None and may_name:
        people = scope.people(
            visible_people(access.partnership, request.user, access.roles), timezone.localdate()
        )
        found = training_status(access.partnership, people, today=timezone.localdate())
        found.read_page(request.GET.get("page"), NAMED_PER_PAGE)
        named = Paginator(found, NAMED_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    heat_page = Paginator(agencies_in_map_order(result), AGENCIES_PER_PAGE).get_page(
        request.GET.get("map")
    )
    map_query = request.GET.copy()
    map_query.pop("map", None)
    return render(
        request,
        "records/compliance.html",
        {
            "form": form,
            "result": result,
            "scope": scope,
            "may_name": may_name,
            "named": named,
            "query": query.urlencode(),
            "under_represented_share": int(UNDER_REPRESENTED_SHARE * 100),
            "heat_map": _heat_map(
                result, request.path if may_name else None, list(heat_page.object_list)
            ),
            "heat_page": heat_page,
            "map_query": map_query.urlencode(),
            "status_labels": [status.label for status in STATUS_ORDER],
            "by_status": [
                (sector.name, [sector.total.statuses[status.value] for status in STATUS_ORDER])
                for sector in result.sectors
            ],
        },
    )


@require_GET
@partnership_view(Action.VIEW_COMPLIANCE)
def compliance_csv(request: PartnershipRequest) -> HttpResponse:
    """The table as CSV: one row per agency and tier, with agency, sector and overall totals."""
    _form, result = _read(request)
    name = f"compliance-{request.access.partnership.code}.csv"
    return csv_download(name, COMPLIANCE_HEADERS, compliance_rows(result))


@require_GET
@partnership_view(Action.VIEW_COMPLIANCE)
def compliance_xlsx(request: PartnershipRequest) -> HttpResponse:
    """The table and participation by profession as a workbook of two sheets."""
    _form, result = _read(request)
    return workbook_response(f"compliance-{request.access.partnership.code}.xlsx", result)

"""An import whose agency comes from the file: each row's organisation column names its agency.

A partnership-wide staff list (an NHS trust's list across its services, a
council's across its schools) says who employs each person. The organisation
is matched to one of the partnership's agencies by its name, its code or an
alias remembered from an earlier import (``AgencyAlias``), ignoring case and
spacing. Names that match none are listed on the preview with their rows,
for the importer to choose the agency (remembered as an alias when the import
is applied) or to reject those rows. The rows are then checked agency by
agency (``checking.plan_import`` on the rows of each), so people are matched
within their own agency, and the plans joined into one for the preview.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from interagency.people.importing import checking
from interagency.people.importing.confirming import SAMPLE_ROWS, Choices, Confirmer
from interagency.people.importing.reading import Table
from interagency.people.models import Agency, AgencyAlias
from interagency.tenancy.models import Partnership

# What the importer may choose for an unknown organisation besides one of the agencies.
REJECT = "reject"


def organisation_key(text: str) -> str:
    """The form an organisation's name is matched and remembered in: any case, any spacing."""
    return " ".join(text.split()).casefold()


class OrganisationMatcher:
    """The agency each organisation names, noting the unknown ones for the preview."""

    def __init__(
        self,
        partnership: Partnership,
        *,
        chosen: dict[str, str],
        allowed_agency_ids: set[int] | None,
    ) -> None:
        agencies = list(Agency.objects.for_partnership(partnership))
        self.by_pk = {agency.pk: agency for agency in agencies}
        self.by_key: dict[str, Agency] = {}
        aliases = AgencyAlias.objects.for_partnership(partnership).values_list("text", "agency_id")
        for text, agency_id in aliases:
            self.by_key[text] = self.by_pk[agency_id]
        for agency in agencies:  # an agency's own code and name win over any alias
            if agency.code:
                self.by_key[organisation_key(agency.code)] = agency
            self.by_key[organisation_key(agency.name)] = agency
        self.chosen = chosen
        self.allowed = allowed_agency_ids
        self.unknown: dict[str, dict] = {}

    def agency(self, text: str, row: int) -> tuple[Agency | None, str]:
        """``(agency, "")`` for the organisation ``text``, or ``(None, reason)`` to reject."""
        key = organisation_key(text)
        if not key:
            return None, (
                "Enter the organisation or employer: without it the person's agency is unknown."
            )
        agency = self.by_key.get(key)
        if agency is None:
            entry = self.unknown.setdefault(key, {"text": text.strip(), "rows": 0, "sample": []})
            entry["rows"] += 1
            if len(entry["sample"]) < SAMPLE_ROWS:
                entry["sample"].append(row)
            choice = self.chosen.get(key, "")
            if choice == REJECT:
                return None, f"You chose on the preview to reject the rows naming '{text}'."
            agency = self.by_pk.get(int(choice)) if choice.isdigit() else None
            if agency is None:
                return None, (
                    f"No agency of the partnership is called '{text}': choose its agency, or to "
                    "reject these rows, in the table of organisations on the preview."
                )
        if self.allowed is not None and agency.pk not in self.allowed:
            return None, (
                f"'{text}' is {agency.name}, which you do not lead: you may import people only "
                "into the agencies you lead."
            )
        return agency, ""


def plan_by_organisation(
    *,
    partnership: Partnership,
    table: Table,
    columns: dict[str, str],
    roles: Iterable,
    required: frozenset[str],
    choices: Choices,
    allowed_agency_ids: set[int] | None,
    today: datetime.date | None = None,
    on_progress: Callable[[int], None] | None = None,
    tiers: Iterable = (),
) -> checking.Plan:
    """Check every row within the agency its organisation names; one plan for the preview,
    with each agency's own plan in ``parts`` for applying."""
    header = columns["organisation"]
    at = table.headers.index(header)
    matcher = OrganisationMatcher(
        partnership, chosen=choices.organisations, allowed_agency_ids=allowed_agency_ids
    )
    plan = checking.Plan(rows_total=sum(1 for row in table.rows if row))
    confirmer = Confirmer(list(roles), choices, tiers)
    rows_of: dict[int, list[list[str]]] = {}
    for index, (number, row) in enumerate(table.numbered_rows()):
        if not row:
            continue
        agency, reason = matcher.agency(row[at] if at < len(row) else "", number)
        if agency is None:
            value = row[at] if at < len(row) else ""
            plan.problems.append(checking.Problem(number, header, value, reason))
            plan.rejected_rows.append(number)
            plan.rejected_cells[number] = row
            _note_for_review(confirmer, table.headers, columns, row, number)
            continue
        # Each agency checks a copy of the file with the other rows blank (numbers kept).
        rows_of.setdefault(agency.pk, [[]] * len(table.rows))[index] = row
    done = len(plan.rejected_rows)
    for agency_id, rows in sorted(rows_of.items()):
        agency = matcher.by_pk[agency_id]
        part = checking.plan_import(
            agency=agency,
            table=dataclasses.replace(table, rows=rows),
            columns=columns,
            roles=(),
            full_staff_list=False,
            today=today,
            on_progress=_offset(on_progress, done),
            required=required,
            choices=choices,
            confirmer=confirmer,
        )
        done += part.rows_total
        _join(plan, part)
        plan.parts.append((agency, part))
    plan.problems.sort(key=lambda problem: problem.row)
    plan.rejected_rows.sort()
    plan.review = {**confirmer.review.as_dict(), "organisations": matcher.unknown}
    plan.new_roles = dict(confirmer.new_roles)
    return plan


def _note_for_review(
    confirmer: Confirmer, headers: list[str], columns: dict[str, str], row: list[str], number: int
) -> None:
    """Note a held-back row's contract word and role, so the preview asks every question at
    once rather than one more each time an organisation is chosen."""
    for name, note in (("employment_type", confirmer.employment_type), ("role", confirmer.role)):
        header = columns.get(name)
        if header in headers:
            text = " ".join(row[headers.index(header)].split())
            if text:
                note(text, number)


def _offset(on_progress: Callable[[int], None] | None, base: int):
    """Progress of one agency's rows reported as rows of the whole file."""
    if on_progress is None:
        return None

    def report(done: int) -> None:
        on_progress(base + done)

    return report


def _join(plan: checking.Plan, part: checking.Plan) -> None:
    plan.creates.extend(part.creates)
    plan.updates.extend(part.updates)
    plan.unchanged += part.unchanged
    plan.rejected_rows.extend(part.rejected_rows)
    plan.rejected_cells.update(part.rejected_cells)
    plan.problems.extend(part.problems)
    plan.new_services.extend(part.new_services)
    plan.line_managers.extend(part.line_managers)
    plan.post_creates.extend(part.post_creates)
    plan.post_updates.extend(part.post_updates)

"""Every change to a partnership's money: one transaction each, audited.

A refusal is a ``ServiceError`` naming the field at fault; nothing is stored
half-written.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.core.validation import MONEY
from interagency.finance.models import (
    COST_FIELDS,
    COST_PARTS,
    BudgetCategory,
    BudgetLine,
    Entry,
    FinanceSettings,
    SessionCost,
)
from interagency.finance.rules import (
    checked_amount,
    financial_year_of,
    refuse_if_closed,
)
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.delivery.models import Session
    from interagency.people.models import Agency

PENNY = Decimal("0.01")
# A costs file is a few hundred rows; the people import's reader refuses more than its limit.
MAX_COSTS_FILE_BYTES = 5 * 1024 * 1024


def rates_of(partnership: Partnership) -> FinanceSettings:
    """The partnership's in-kind rates, or unsaved zero rates."""
    found = FinanceSettings.objects.for_partnership(partnership).first()
    return found or FinanceSettings(partnership=partnership)


def set_rates(
    *,
    partnership: Partnership,
    trainer_day_rate: Decimal,
    venue_day_rate: Decimal,
    changed_by: "_User",
) -> FinanceSettings:
    """Set what a trainer's day and a venue's day given in kind are worth (from now on)."""
    checked_amount(trainer_day_rate, field="trainer_day_rate", label="A trainer's day")
    checked_amount(venue_day_rate, field="venue_day_rate", label="A venue's day")
    with transaction.atomic():
        rates = rates_of(partnership)
        before = [str(rates.trainer_day_rate), str(rates.venue_day_rate)]
        rates.trainer_day_rate, rates.venue_day_rate = trainer_day_rate, venue_day_rate
        rates.full_clean()
        rates.save()
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CHANGED,
            subject=rates,
            partnership=partnership,
            changes={
                "trainer_day_rate": [before[0], str(trainer_day_rate)],
                "venue_day_rate": [before[1], str(venue_day_rate)],
            },
        )
    return rates


def add_budget_line(
    *,
    partnership: Partnership,
    year: int,
    category: str,
    description: str,
    planned: Decimal,
    agency: "Agency | None" = None,
    added_by: "_User",
) -> BudgetLine:
    """Plan a line of income or spending for a financial year."""
    _check_line(partnership, year, planned, agency)
    line = BudgetLine(
        partnership=partnership,
        year=year,
        category=category,
        description=description,
        planned=planned,
        agency=agency,
    )
    line.full_clean()
    with transaction.atomic():
        line.save()
        record_event(
            actor=added_by,
            action=AuditEvent.Action.CREATED,
            subject=line,
            partnership=partnership,
            changes={"year": year, "category": category, "planned": str(planned)},
        )
    return line


def _check_line(
    partnership: Partnership, year: int, planned: Decimal, agency: "Agency | None"
) -> None:
    checked_amount(planned, field="planned", label="The planned amount")
    if agency is not None and agency.partnership_id != partnership.pk:
        raise ServiceError("Choose one of the partnership's agencies.", field="agency")
    refuse_if_closed(partnership, year, what="budget lines")


def change_budget_line(
    *,
    line: BudgetLine,
    category: str,
    description: str,
    planned: Decimal,
    agency: "Agency | None" = None,
    changed_by: "_User",
) -> BudgetLine:
    """Change a line's kind, description, agency or planned amount. Audited."""
    _check_line(line.partnership, line.year, planned, agency)
    before: dict[str, object] = {"category": line.category, "description": line.description}
    before |= {"planned": str(line.planned), "agency": line.agency_id}
    line.category, line.description, line.planned = category, description, planned
    line.agency = agency
    line.full_clean()
    after: dict[str, object] = {"category": category, "description": description}
    after |= {"planned": str(planned), "agency": line.agency_id}
    with transaction.atomic():
        line.save()
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CHANGED,
            subject=line,
            partnership=line.partnership,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        )
    return line


def remove_budget_line(*, line: BudgetLine, removed_by: "_User") -> None:
    """Remove a line and the entries recorded on it. Audited with what it held."""
    refuse_if_closed(line.partnership_id, line.year, what="budget lines")
    with transaction.atomic():
        entries = list(Entry.objects.for_partnership(line.partnership_id).filter(line=line))
        record_event(
            actor=removed_by,
            action=AuditEvent.Action.DELETED,
            subject=line,
            partnership=line.partnership,
            changes={
                "year": line.year,
                "category": line.category,
                "description": line.description,
                "planned": str(line.planned),
                "entries": len(entries),
                "entries_amount": str(sum((e.amount for e in entries), Decimal("0.00"))),
            },
        )
        line.delete()


def in_kind_value(days: Decimal, rate: Decimal, *, field: str) -> Decimal:
    """``days`` at ``rate``, to the penny, within the bounds of money."""
    value = (days * rate).quantize(PENNY, ROUND_HALF_UP)
    if value > MONEY.maximum:
        raise ServiceError(
            f"{days} days at £{rate:,} a day is more than £{MONEY.maximum:,}: "
            "enter them in smaller parts.",
            field=field,
        )
    return value


def record_entry(
    *,
    line: BudgetLine,
    on: datetime.date,
    amount: Decimal | None = None,
    days: Decimal | None = None,
    description: str = "",
    recorded_by: "_User",
) -> Entry:
    """Record money received or spent on a line, or days given in kind (valued at the rates)."""
    checked_amount(amount, field="amount", label="The amount")
    refuse_if_closed(line.partnership_id, line.year, what="entries")
    if financial_year_of(on) != line.year:
        raise ServiceError(
            f"The date must be in this line's financial year, 1 April {line.year} to "
            f"31 March {line.year + 1}.",
            field="on",
        )
    if line.is_in_kind:
        if days is None:
            raise ServiceError("Enter the number of days given.", field="days")
        rates = rates_of(line.partnership)
        rate = (
            rates.trainer_day_rate
            if line.category == BudgetCategory.TRAINER_DAYS
            else rates.venue_day_rate
        )
        amount = in_kind_value(days, rate, field="days")
    elif amount is None:
        raise ServiceError("Enter the amount in pounds.", field="amount")
    else:
        days = None
    entry = Entry(
        partnership=line.partnership,
        line=line,
        on=on,
        amount=amount,
        days=days,
        description=description,
        recorded_by=recorded_by,
    )
    entry.full_clean(exclude=["recorded_by"])
    with transaction.atomic():
        entry.save()
        record_event(
            actor=recorded_by,
            action=AuditEvent.Action.CREATED,
            subject=entry,
            partnership=line.partnership,
            changes={"line": line.pk, "on": on.isoformat(), "amount": str(amount)},
        )
    return entry


def set_session_cost(
    *,
    session: "Session",
    costs: dict[str, Decimal | None],
    trainer_days_in_kind: Decimal = Decimal("0.0"),
    venue_days_in_kind: Decimal = Decimal("0.0"),
    changed_by: "_User",
) -> SessionCost:
    """Set a session's planned and actual costs; days in kind are valued at today's rates."""
    unknown = sorted(set(costs) - set(COST_FIELDS))
    if unknown:
        raise ServiceError(f"Unknown cost: {', '.join(unknown)}.", field=unknown[0])
    labels = {
        f"{part}_{stage}": f"{label}, {stage},"
        for part, label, _ in COST_PARTS
        for stage in ("planned", "actual")
    }
    for name, amount in costs.items():
        checked_amount(amount, field=name, label=f"{labels[name]} in £")
    if session.starts_at is not None:
        year = financial_year_of(timezone.localtime(session.starts_at).date())
        refuse_if_closed(session.partnership_id, year, what="session costs")
    rates = rates_of(session.partnership)
    value = in_kind_value(
        trainer_days_in_kind, rates.trainer_day_rate, field="trainer_days_in_kind"
    ) + in_kind_value(venue_days_in_kind, rates.venue_day_rate, field="venue_days_in_kind")
    if value > MONEY.maximum:
        raise ServiceError(
            f"The days given in kind are worth more than £{MONEY.maximum:,}.",
            field="trainer_days_in_kind",
        )
    with transaction.atomic():
        cost = SessionCost.objects.for_partnership(session.partnership).filter(
            session=session
        ).first() or SessionCost(partnership=session.partnership, session=session)
        before = {name: _text(getattr(cost, name)) for name in COST_FIELDS}
        for name, amount in costs.items():
            setattr(cost, name, amount)
        cost.trainer_days_in_kind = trainer_days_in_kind
        cost.venue_days_in_kind = venue_days_in_kind
        cost.in_kind_value = value
        cost.updated_by = changed_by
        cost.full_clean(exclude=["session", "updated_by"])
        created = cost.pk is None
        cost.save()
        after = {name: _text(getattr(cost, name)) for name in COST_FIELDS}
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
            subject=cost,
            partnership=session.partnership,
            changes={
                name: [before[name], after[name]]
                for name in COST_FIELDS
                if before[name] != after[name]
            }
            | {"in_kind_value": str(value)},
        )
    return cost


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def import_session_costs(
    *, partnership: Partnership, content: bytes, file_name: str, imported_by: "_User"
) -> int:
    """Set the costs of every session a CSV or XLSX file names: all its rows, or none.

    Every problem is reported by row and column; a session that is not one of
    the partnership's own is a problem of its row.
    """
    from interagency.delivery.selectors.sessions import sessions_of
    from interagency.finance.cost_import import read_cost_rows

    if len(content) > MAX_COSTS_FILE_BYTES:
        raise ServiceError("The selected file must be smaller than 5 MB.", field="file")
    rows, problems = read_cost_rows(content, file_name)
    sessions = sessions_of(partnership).in_bulk([row.session_id for row in rows])
    for row in rows:
        if row.session_id not in sessions:
            problems.append(
                ("file", f"Row {row.row}, column session: no session {row.session_id} here.")
            )
    if problems:
        raise ServiceError.of_problems(problems, code="import_invalid")
    with transaction.atomic():
        for row in rows:
            set_session_cost(
                session=sessions[row.session_id],
                costs=row.costs,
                changed_by=imported_by,
                **row.days,
            )
    return len(rows)

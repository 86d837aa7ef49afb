"""The session form with its part and sector-hold rows, bound or not, as one unit.

The parts and sector holds are repeated sub-forms whose number travels in a
hidden field, so "Add another part" works without JavaScript: the page comes
back with one more empty row. The forms check what was typed; the services
decide what is allowed, and their problems are put back on the fields they
name (:meth:`SessionForms.show_error`).
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from interagency.core.errors import ServiceError, show_on_form
from interagency.delivery.forms.session import SessionForm
from interagency.delivery.forms.session_rows import MAX_HOLDS, HoldForm, PartForm
from interagency.delivery.services.session_rules import MAX_PARTS, TrainerEntry

# Where a service's problem goes on the page.
PROBLEM_FIELDS = {
    "booking_opens_at": "booking_opens_on",
    "booking_closes_at": "booking_closes_on",
    "cancellation_cutoff": "cancellation_cutoff_on",
}


def _count(data, name: str, default: int, limit: int) -> int:
    try:
        count = int(data.get(name, default))
    except (TypeError, ValueError):
        count = default
    return max(1, min(count, limit))


class SessionForms:
    """The session form with its part and sector-hold rows, bound or not, as one unit."""

    def __init__(
        self,
        data=None,
        *,
        courses,
        venues,
        trainers: Sequence[Any],
        more_trainers: bool = False,
        session=None,
        default_charge: Decimal = Decimal("0.00"),
    ) -> None:
        self.adding = ""
        # More trainers match than are listed: the page offers the search to find them.
        self.more_trainers = more_trainers
        # The form edits one named trainer or provider; any more (added through
        # the API) are kept as they are, never dropped by saving the form.
        named = [t for t in session.trainers.all() if t.user_id is None] if session else []
        self.kept_trainers = [
            TrainerEntry(name=t.name, provider_name=t.provider_name) for t in named[1:]
        ]
        if data is not None:
            part_count = _count(data, "parts", 1, MAX_PARTS)
            hold_count = _count(data, "holds", 1, MAX_HOLDS)
            if "add_part" in data and part_count < MAX_PARTS:
                part_count += 1
                self.adding = "part"
            if "add_hold" in data and hold_count < MAX_HOLDS:
                hold_count += 1
                self.adding = "hold"
            if "find_trainers" in data:
                self.adding = "trainers"
            self.form = SessionForm(data, courses=courses, venues=venues, trainers=trainers)
            self.parts = [PartForm(data, number=n) for n in range(1, part_count + 1)]
            self.holds = [HoldForm(data, number=n) for n in range(1, hold_count + 1)]
            for form in self.all_forms():
                # Another row asked for: show what was typed, judge nothing yet.
                # Empty rows are left out, so they show no errors either.
                if self.adding or (form is not self.form and form.is_blank()):  # type: ignore[attr-defined]
                    _quiet(form)
        else:
            initial = (
                SessionForm.initial_for(session) if session else {"no_show_charge": default_charge}
            )
            self.form = SessionForm(
                initial=initial, courses=courses, venues=venues, trainers=trainers
            )
            parts = list(session.parts.all()) if session else []
            holds = list(session.sector_holds.all()) if session else []
            self.parts = [
                PartForm(number=n, initial=PartForm.initial_for(part))
                for n, part in enumerate(parts, start=1)
            ] or [PartForm(number=1)]
            self.holds = [
                HoldForm(number=n, initial=HoldForm.initial_for(hold))
                for n, hold in enumerate(holds, start=1)
            ] or [HoldForm(number=1)]

    def all_forms(self) -> list[forms.Form]:
        return [self.form, *self.parts, *self.holds]

    def _filled(self, rows: Iterable[Any]) -> list[Any]:
        return [row for row in rows if not row.is_blank()]

    def is_valid(self) -> bool:
        if self.adding:
            return False
        valid = self.form.is_valid()
        parts = self._filled(self.parts)
        if not parts:
            self.parts[0].add_error("day", "Enter the date of part 1.")
            valid = False
        for row in [*parts, *self._filled(self.holds)]:
            valid = row.is_valid() and valid
        return valid

    def service_arguments(self) -> dict[str, Any]:
        return {
            "course": self.form.cleaned_data["course"],
            "parts": [row.period() for row in self._filled(self.parts)],
            "trainers": [*self.form.trainer_entries(), *self.kept_trainers],
            "sector_holds": [row.entry() for row in self._filled(self.holds)],
            **self.form.service_fields(),
        }

    def show_error(self, error: ServiceError) -> None:
        """Put a service's problems on the fields they name, or on the whole form."""
        show_on_form(self.form, error, fields=PROBLEM_FIELDS)

    def errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order."""
        found: list[tuple[str, str]] = []
        for form in self.all_forms():
            for error in form.non_field_errors():
                found.append(("session-form", str(error)))
            for bound in form:
                for error in bound.errors:
                    found.append((anchor_of(bound), str(error)))
        return found


def _quiet(form: forms.Form) -> None:
    """Treat ``form`` as checked and without errors (errors may still be added)."""
    form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}


def anchor_of(bound) -> str:
    """The id of the first input of a field: a date input's day box, a radio's first item."""
    if isinstance(bound.field, forms.MultiValueField):
        return f"{bound.auto_id}_0"
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_1"  # crispy-forms-gds numbers choices from 1
    return bound.auto_id

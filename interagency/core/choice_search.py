"""One choice among thousands, found by a search step instead of a select box.

A county partnership has 1,250 agencies, 2,463 services and 100,000 people: a
select box of any of them made pages of hundreds of KiB that took most of their
time to build and send, and is hard to use with a screen reader. Instead the
form has a search box and a Find button; without JavaScript, Find sends the
form back (nothing saved, nothing checked) with up to 20 matches as radios.
With htmx the same address answers only the matches as the member types, so
the one page works both ways.

A form declares :class:`SearchedChoiceField` fields and mixes in
:class:`ChoiceSearchMixin`; the view sets each field's ``rows`` (what the member
may choose, already scoped to the partnership) and reads the request with
:func:`form_data`. Templates render a field with ``{% choice_search form "name" %}``
(``core/templatetags/choice_search.py``). Each field costs two queries at most
(the chosen row and the first matches), whatever the number of rows.
"""

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

MATCHES_SHOWN = 20
NONE = "none"
# What is searched for: longer text is cut, so any length answers normally.
SEARCH_LENGTH = 100


def name_matches(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    """The rows whose name holds ``text`` (the default search)."""
    return rows.filter(name__icontains=text)


@dataclass(frozen=True)
class Match:
    """One radio: the row's id, its name and a hint that tells it from its namesakes."""

    pk: int
    label: str
    hint: str


class SearchedChoiceField(forms.CharField):
    """The id of a row chosen among the matches of a search; cleans to the row or ``None``.

    ``rows``: what may be chosen (set by the form or view). ``find``: how the rows
    are searched. ``label_of``/``hint_of``: what each radio says. ``none_label``:
    the radio for no choice (an optional field). ``search_name``/``find_name``:
    the search box's and the Find button's names, ``NAME_search`` and
    ``find_NAME`` unless given.
    """

    def __init__(
        self,
        *,
        search_label: str,
        search_help: str = "Type the first letters of the name, then select Find.",
        none_label: str = "",
        find: Callable[[QuerySet[Any], str], QuerySet[Any]] = name_matches,
        label_of: Callable[[Any], str] = str,
        hint_of: Callable[[Any], str] = lambda row: "",
        search_name: str = "",
        find_name: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.search_label = search_label
        self.search_help = search_help
        self.none_label = none_label
        self.find = find
        self.label_of = label_of
        self.hint_of = hint_of
        self.search_name = search_name
        self.find_name = find_name
        self.rows: QuerySet[Any] | None = None
        self.found: dict[int, Any] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> "SearchedChoiceField":
        # Each form gets its own copy of a declared field: never share rows found.
        copied = super().__deepcopy__(memo)
        copied.found = {}
        return copied

    def row(self, pk: int) -> Any:
        """The row ``pk`` among ``rows`` (one query, remembered), else ``None``."""
        if pk not in self.found:
            rows = self.rows
            self.found[pk] = rows.filter(pk=pk).first() if rows is not None else None
        return self.found[pk]

    def clean(self, value: Any) -> Any:
        raw = str(super().clean(value) or "").strip()
        if raw in ("", NONE):
            return None
        if not raw.isdigit():
            raise ValidationError(self.not_among())
        row = self.row(int(raw))
        if row is None:
            raise ValidationError(self.error_messages.get("invalid_choice", self.not_among()))
        return row

    def not_among(self) -> str:
        noun = noun_of(self)
        return f"Choose the {noun} from the list of matches: search again if it is not there."


class ChoiceSearchMixin:
    """Adds a search box to each :class:`SearchedChoiceField` and the search-only mode.

    ``finding``: the form was sent only to search (Find, or htmx as the member
    types): nothing is validated, so no error shows for fields not filled in yet.
    ``must_choose``: text left in a search box with nothing chosen is an error
    (forms that save); a filter form leaves it be.
    """

    must_choose = True
    fields: dict[str, forms.Field]
    data: Any
    initial: MutableMapping[str, Any]
    is_bound: bool
    error_class: type[ErrorList]
    _errors: ErrorDict | None
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, finding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finding = finding
        for name, field in self.searched_fields().items():
            self.fields[search_name_of(name, field)] = forms.CharField(
                required=False,
                label=field.search_label,
                help_text=field.search_help,
            )

    def searched_fields(self) -> dict[str, SearchedChoiceField]:
        return {
            name: field
            for name, field in self.fields.items()
            if isinstance(field, SearchedChoiceField)
        }

    def full_clean(self) -> None:
        if self.finding:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound:
            return
        for name, field in self.searched_fields().items():
            self.check_search(name, field)

    def check_search(self, name: str, field: SearchedChoiceField) -> None:
        """A choice missing shows on the search box (the one thing there is to fill in)."""
        assert self._errors is not None
        search = search_name_of(name, field)
        self.cleaned_data.pop(search, None)
        raw = self.raw(name)
        if name in self._errors and not raw:
            self._errors[search] = self._errors.pop(name)
        elif self.must_choose and self.raw(search) and not raw and name not in self._errors:
            self._errors[search] = self.error_class([unchosen_message(field)])
        if self._errors.get(name) or self._errors.get(search):
            self.cleaned_data.pop(name, None)

    def raw(self, name: str) -> str:
        """What the address or form holds for ``name`` (the initial value when unbound)."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), "") or "").strip()  # type: ignore[attr-defined]
        value = self.initial.get(name)
        if isinstance(value, Model):
            value = value.pk
        return "" if value is None else str(value)

    def chosen_row(self, name: str, field: SearchedChoiceField, raw: str) -> Any:
        """The row chosen now (a form may override it, to keep a row no longer offered)."""
        return field.row(int(raw)) if raw.isdigit() else None

    def choice_options(self, name: str) -> dict[str, Any]:
        """What the field's radios offer: the chosen row, then up to 20 matches.

        Two queries at most, whatever the number of rows: the chosen row, and the
        first matches (one more than shown, to say there are more).
        """
        field = self.searched_fields()[name]
        search_name = search_name_of(name, field)
        raw = self.raw(name)
        search = self.raw(search_name)[:SEARCH_LENGTH]
        chosen = self.chosen_row(name, field, raw)
        found: list[Any] = []
        if search and field.rows is not None:
            rows = field.find(field.rows, search)
            if chosen is not None:
                rows = rows.exclude(pk=chosen.pk)
            found = list(self.exclude_from_matches(name, rows)[: MATCHES_SHOWN + 1])
        errors = self.errors.get(name) if self.is_bound else None  # type: ignore[attr-defined]
        return {
            "name": name,
            "field": self[name],  # type: ignore[index]
            "search_field": self[search_name],  # type: ignore[index]
            "find_name": field.find_name or f"find_{name}",
            "search": search,
            "chosen": as_match(field, chosen) if chosen is not None else None,
            "none_label": field.none_label,
            "none_chosen": raw == NONE or (field.none_label and not raw and chosen is None),
            "matches": [as_match(field, row) for row in found[:MATCHES_SHOWN]],
            "more": len(found) > MATCHES_SHOWN,
            "shown": bool(search or chosen or raw or errors),
        }

    def exclude_from_matches(self, name: str, rows: QuerySet[Any]) -> QuerySet[Any]:
        """Rows never offered (a form may leave out, say, the person themselves)."""
        return rows


def noun_of(field: forms.Field) -> str:
    """The field's label as a noun in a sentence: "Service (optional)" is "service"."""
    return str(field.label).lower().removesuffix(" (optional)")


def unchosen_message(field: SearchedChoiceField) -> str:
    """Text left in the search box with no match chosen: say what to do."""
    return " ".join(
        [
            "Select Find and choose the",
            noun_of(field),
            "from the matches, or clear the search box.",
        ]
    )


def search_name_of(name: str, field: SearchedChoiceField) -> str:
    return field.search_name or f"{name}_search"


def as_match(field: SearchedChoiceField, row: Any) -> Match:
    return Match(pk=row.pk, label=field.label_of(row), hint=field.hint_of(row))


def form_data(
    request: HttpRequest, form_class: type[ChoiceSearchMixin]
) -> tuple[QueryDict | None, bool]:
    """The data a saving form is bound to, and whether it is only a search.

    A POST is a search when a Find button sent it; a GET from htmx with a search
    box's text asks for matches as the member types; any other GET is a blank form.
    """
    fields = {
        name: field
        for name, field in form_class.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, SearchedChoiceField)
    }
    if request.method == "POST":
        finding = any(
            (field.find_name or f"find_{name}") in request.POST for name, field in fields.items()
        )
        return request.POST, finding
    if htmx_search(request, fields):
        return request.GET, True
    return None, False


def htmx_search(request: HttpRequest, fields: dict[str, SearchedChoiceField]) -> str:
    """The field whose matches htmx asks for as the member types, else ``""``."""
    if not getattr(request, "htmx", False):
        return ""
    for name, field in fields.items():
        if search_name_of(name, field) in request.GET:
            return name
    return ""


def matches_response(request: HttpRequest, form: ChoiceSearchMixin) -> HttpResponse | None:
    """Only the matches of the field htmx searches, or ``None`` for the whole page."""
    name = htmx_search(request, form.searched_fields())
    if not name:
        return None
    return render(
        request, "includes/choice_search.html#matches", {"choice": form.choice_options(name)}
    )

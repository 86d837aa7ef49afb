"""Duplicate people: the same professional listed by two agencies, and merging them.

Only coordinators see the whole partnership's people, so only they merge.
A merge keeps every record (the others point at the kept one), so training
history recorded against any of them is never lost.
"""

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.models import Person
from interagency.people.services.merging import merge_people
from interagency.tenancy.access import PartnershipRequest, partnership_view

GROUPS_PER_PAGE = 25


@partnership_view(Action.MANAGE_AGENCIES)
def duplicates(request: PartnershipRequest) -> HttpResponse:
    """Groups of people sharing a work email or a registration number, a page at a time."""
    partnership = request.access.partnership
    page = Paginator(selectors.duplicate_keys(partnership), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    groups = selectors.duplicate_groups_of(partnership, list(page.object_list))
    return render(request, "people/duplicates/index.html", {"groups": groups, "page": page})


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label="Which record should be kept?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the record to keep"},
    )

    def __init__(self, *args, people: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["keep"]).choices = [
            (person.pk, f"{person.full_name}, {person.agency}") for person in people
        ]


@partnership_view(Action.MANAGE_AGENCIES)
def merge(request: PartnershipRequest, person_id: int) -> HttpResponse:
    """Choose which of a person's records to keep; the others are merged into it."""
    partnership = request.access.partnership
    try:
        people = selectors.duplicates_of(partnership, person_id)
    except Person.DoesNotExist:
        raise Http404("No such person in this partnership.") from None
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"keep": person_id},
    )
    if len(people) < 2:
        messages.info(request, "This person has no duplicates left to merge.")
        return redirect("people:duplicates", code=partnership.code)
    if request.method == "POST" and form.is_valid():
        keep = next(person for person in people if person.pk == form.cleaned_data["keep"])
        others = [person for person in people if person.pk != keep.pk]
        try:
            merge_people(partnership=partnership, keep=keep, others=others, merged_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{len(others) + 1} records merged into {keep.full_name}'s.")
            return redirect("people:duplicates", code=partnership.code)
    return render(request, "people/duplicates/merge.html", {"form": form, "people": people})

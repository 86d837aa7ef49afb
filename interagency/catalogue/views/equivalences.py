"""Coordinator pages for equivalences: a course whose completion counts for another.

``Action.MANAGE_CATALOGUE`` in the partnership of the address; the
partnership's own equivalences are found through its selectors, so another
partnership's is a 404. Writes go through ``catalogue.services.equivalences``.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interagency.catalogue import selectors, services
from interagency.catalogue.forms import EquivalenceForm
from interagency.core.errors import ServiceError, found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.tenancy.access import PartnershipRequest, partnership_view


@partnership_view(Action.MANAGE_CATALOGUE)
def equivalences(request: PartnershipRequest) -> HttpResponse:
    """The equivalences that hold in the partnership, and a form adding one."""
    partnership = request.access.partnership
    courses = selectors.catalogue_courses(partnership, include_hidden=True)
    form = EquivalenceForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_equivalence(
                partnership=partnership,
                course=form.cleaned_data["course"],
                counts_for=form.cleaned_data["counts_for"],
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{added.course} now counts for {added.counts_for}.")
            return redirect("catalogue:manage-equivalences", code=partnership.code)
    return render(
        request,
        "catalogue/manage/equivalences.html",
        {"form": form, "equivalences": list(selectors.equivalences_of(partnership))},
    )


@partnership_view(Action.MANAGE_CATALOGUE)
def equivalence_remove(request: PartnershipRequest, equivalence_id: int) -> HttpResponse:
    """Confirm, then remove one of the partnership's own equivalences."""
    partnership = request.access.partnership
    equivalence = found_or_404(lambda: selectors.own_equivalence_in(partnership, equivalence_id))
    if request.method == "POST":
        services.remove_equivalence(partnership=partnership, equivalence=equivalence)
        counted = equivalence.course or f"“{equivalence.external_training}”"
        messages.success(request, f"{counted} no longer counts for {equivalence.counts_for}.")
        return redirect("catalogue:manage-equivalences", code=partnership.code)
    return render(request, "catalogue/manage/equivalence_remove.html", {"equivalence": equivalence})

"""The partnership's training beside its children: official statistics per local authority."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from interagency.core.errors import show_on_form
from interagency.core.permissions import Action
from interagency.local_statistics import selectors
from interagency.local_statistics.authorities import known_authorities, set_local_authorities
from interagency.local_statistics.forms import AuthoritiesForm, YearForm
from interagency.tenancy.access import PartnershipRequest, partnership_view


@require_GET
@partnership_view(Action.VIEW_REPORTS)
def figures(request: PartnershipRequest) -> HttpResponse:
    """Sessions and places per 1,000 children in need and per 10,000 children, for a year."""
    form = YearForm(request.GET or None, years=selectors.statistics_years())
    year = form.chosen()
    found = selectors.local_figures(request.access.partnership, year) if year else None
    return render(request, "local_statistics/figures.html", {"form": form, "figures": found})


@partnership_view(Action.MANAGE_MEMBERS)
def authorities(request: PartnershipRequest) -> HttpResponse:
    """The coordinator names the local authorities whose children the rates divide by."""
    partnership = request.access.partnership
    known = known_authorities()
    current = [known.get(code, code) for code in partnership.local_authority_codes or []]
    form = AuthoritiesForm(request.POST or None, initial={"authorities": "\n".join(current)})
    if request.method == "POST" and form.is_valid():
        try:
            set_local_authorities(
                partnership=partnership, text=form.cleaned_data["authorities"], by=request.user
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "The partnership's local authorities are saved.")
            return redirect("local_statistics:figures", code=partnership.code)
    context = {"form": form, "known": bool(known)}
    return render(request, "local_statistics/authorities.html", context)

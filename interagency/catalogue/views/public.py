"""Catalogue pages anyone may read, within one partnership's programme."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interagency.catalogue import selectors
from interagency.tenancy.access import public_partnership_view


@public_partnership_view
def catalogue(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership  # type: ignore[attr-defined]
    courses = selectors.search_courses(partnership)
    return render(request, "catalogue/index.html", {"courses": courses})

"""Agencies, services and people."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interagency.core.permissions import Action
from interagency.tenancy.access import partnership_view


@partnership_view(Action.VIEW_PEOPLE)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "people/agencies/index.html")

from django.urls import path

from interagency.finance import views

app_name = "finance"

urlpatterns = [
    # The Reports area of the navigation (tenancy's placeholder until now).
    path("p/<slug:code>/reports/", views.reports, name="reports"),
    path("p/<slug:code>/reports/budget/", views.budget, name="budget"),
    path("p/<slug:code>/reports/budget/lines/new/", views.line_new, name="line-new"),
    path("p/<slug:code>/reports/budget/lines/<int:line_id>/", views.line, name="line"),
    path("p/<slug:code>/reports/budget/rates/", views.rates, name="rates"),
    path("p/<slug:code>/reports/costs/", views.costs, name="costs"),
    path("p/<slug:code>/reports/costs/import/", views.costs_import, name="costs-import"),
    path("p/<slug:code>/reports/unit-costs/", views.unit_costs_page, name="unit-costs"),
    path(
        "p/<slug:code>/reports/costs/sessions/<int:session_id>/",
        views.session_cost,
        name="session-cost",
    ),
]

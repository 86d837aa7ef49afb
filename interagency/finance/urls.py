from django.urls import path

from interagency.finance import views, views_agreements, views_charging, views_years

app_name = "finance"

urlpatterns = [
    # The Reports area of the navigation (tenancy's placeholder until now).
    path("p/<slug:code>/reports/", views.reports, name="reports"),
    path("p/<slug:code>/reports/budget/", views.budget, name="budget"),
    path("p/<slug:code>/reports/budget/lines/new/", views.line_new, name="line-new"),
    path("p/<slug:code>/reports/budget/lines/<int:line_id>/", views.line, name="line"),
    path("p/<slug:code>/reports/budget/rates/", views.rates, name="rates"),
    path(
        "p/<slug:code>/reports/budget/lines/<int:line_id>/change/",
        views_years.line_change,
        name="line-change",
    ),
    path(
        "p/<slug:code>/reports/budget/lines/<int:line_id>/remove/",
        views_years.line_remove,
        name="line-remove",
    ),
    path("p/<slug:code>/reports/budget/close/", views_years.year_close, name="year-close"),
    path(
        "p/<slug:code>/reports/budget/<int:year>/reopen/",
        views_years.year_reopen,
        name="year-reopen",
    ),
    path("p/<slug:code>/reports/agreements/", views_agreements.agreements, name="agreements"),
    path(
        "p/<slug:code>/reports/agreements/new/",
        views_agreements.agreement_new,
        name="agreement-new",
    ),
    path(
        "p/<slug:code>/reports/agreements/<int:agreement_id>/",
        views_agreements.agreement,
        name="agreement",
    ),
    path(
        "p/<slug:code>/reports/agreements/<int:agreement_id>/remove/",
        views_agreements.agreement_remove,
        name="agreement-remove",
    ),
    path(
        "p/<slug:code>/reports/delegate-charges/",
        views_charging.delegate_charges,
        name="delegate-charges",
    ),
    path(
        "p/<slug:code>/reports/delegate-charges/rates/<int:rate_id>/remove/",
        views_charging.rate_remove,
        name="rate-remove",
    ),
    path(
        "p/<slug:code>/reports/delegate-charges/exemptions/<int:exemption_id>/remove/",
        views_charging.exemption_remove,
        name="exemption-remove",
    ),
    path("p/<slug:code>/reports/costs/", views.costs, name="costs"),
    path("p/<slug:code>/reports/costs/import/", views.costs_import, name="costs-import"),
    path("p/<slug:code>/reports/unit-costs/", views.unit_costs_page, name="unit-costs"),
    path(
        "p/<slug:code>/reports/costs/sessions/<int:session_id>/",
        views.session_cost,
        name="session-cost",
    ),
]

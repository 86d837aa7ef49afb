"""The coordinator's and trainer's evaluation pages: instruments, plans, results."""

from django.urls import URLPattern, path

from interagency.evaluation.views import manage, results, settings, trainer

E = "p/<slug:code>/evaluation/"
urlpatterns: list[URLPattern] = [
    path(E, manage.home, name="home"),
    path(f"{E}instruments/", manage.instruments, name="instruments"),
    path(f"{E}instruments/new/", manage.instrument_new, name="instrument-new"),
    path(f"{E}instruments/<int:instrument_id>/", manage.instrument, name="instrument"),
    path(
        f"{E}instruments/<int:instrument_id>/versions/<int:number>/",
        manage.instrument,
        name="instrument-version",
    ),
    path(f"{E}results/", results.results_across, name="results"),
    path(f"{E}settings/", settings.settings_page, name="settings"),
    path(f"{E}plans/new/", manage.plan_new, name="plan-new"),
    path(f"{E}plans/<int:plan_id>/", results.plan_results, name="plan"),
    path(f"{E}plans/<int:plan_id>/edit/", manage.plan_edit, name="plan-edit"),
    path(
        f"{E}plans/<int:plan_id>/download/<slug:kind>/",
        results.plan_download,
        name="plan-download",
    ),
    path(f"{E}sessions/<int:session_id>/", trainer.session_page, name="session"),
]

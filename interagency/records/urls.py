from django.urls import path

from interagency.records import (
    views,
    views_compliance,
    views_declarations,
    views_home,
    views_imports,
    views_moves,
)

app_name = "records"

urlpatterns = [
    # The Records area's landing page (the navigation's Records).
    path("p/<slug:code>/records/", views_home.home, name="home"),
    # Under the people area's address: it is about the people a member may see.
    path("p/<slug:code>/people/training-status/", views.training_status, name="training-status"),
    path(
        "p/<slug:code>/people/training-status.csv",
        views.training_status_csv,
        name="training-status-csv",
    ),
    # The partnership's compliance (coordinators and board members).
    path("p/<slug:code>/records/compliance/", views_compliance.compliance, name="compliance"),
    path(
        "p/<slug:code>/records/compliance.csv",
        views_compliance.compliance_csv,
        name="compliance-csv",
    ),
    path(
        "p/<slug:code>/records/compliance.xlsx",
        views_compliance.compliance_xlsx,
        name="compliance-xlsx",
    ),
]

# Where training records come from: declarations, e-learning files, moves (views_*.py).
urlpatterns += [
    path(
        "p/<slug:code>/records/declarations/",
        views_declarations.declarations,
        name="declarations",
    ),
    path(
        "p/<slug:code>/records/declarations/new/",
        views_declarations.declaration_new,
        name="declaration-new",
    ),
    path(
        "p/<slug:code>/records/declarations/<int:declaration_id>/",
        views_declarations.declaration,
        name="declaration",
    ),
    path(
        "p/<slug:code>/records/declarations/<int:declaration_id>/decide/",
        views_declarations.declaration_decide,
        name="declaration-decide",
    ),
    path(
        "p/<slug:code>/records/declarations/<int:declaration_id>/evidence/",
        views_declarations.declaration_evidence,
        name="declaration-evidence",
    ),
    path("p/<slug:code>/records/imports/new/", views_imports.import_new, name="import-new"),
    path(
        "p/<slug:code>/records/imports/<int:import_id>/",
        views_imports.import_preview,
        name="import",
    ),
    path("p/<slug:code>/records/share/", views_moves.share, name="share"),
    path("p/<slug:code>/records/move-in/", views_moves.move_in, name="move-in"),
]

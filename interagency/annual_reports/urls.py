from django.urls import path

from interagency.annual_reports import views

app_name = "annual_reports"

urlpatterns = [
    path("p/<slug:code>/reports/annual/", views.report, name="report"),
    path("p/<slug:code>/reports/annual/report.pdf", views.report_pdf, name="pdf"),
    path("p/<slug:code>/reports/annual/report.xlsx", views.report_xlsx, name="xlsx"),
    path("p/<slug:code>/reports/annual/narrative/", views.narrative, name="narrative"),
]

from django.urls import include, path

from interagency.api import api
from interagency.core import views as core_views
from interagency.tenancy import views as tenancy_views

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("account/", include("interagency.accounts.urls")),
    path("", include("interagency.audit.urls")),
    path("", include("interagency.catalogue.urls")),
    path("", include("interagency.people.urls")),
    path("", include("interagency.records.urls")),
    path("", include("interagency.notifications.urls")),
    path("", include("interagency.delivery.urls")),
    path("", include("interagency.evaluation.urls")),
    path("", include("interagency.local_statistics.urls")),
    path("", include("interagency.finance.urls")),
    path("", include("interagency.regional.urls")),
    path("", include("interagency.annual_reports.urls")),
    path("", include("interagency.tenancy.urls")),
    path("api/v1/", api.urls),
]

handler400 = "interagency.core.views.bad_request"
handler403 = "interagency.core.views.permission_denied"
handler404 = "interagency.core.views.page_not_found"
handler500 = "interagency.core.views.server_error"

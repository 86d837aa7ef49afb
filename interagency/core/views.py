"""Pages that belong to no domain: health, start page, legal pages, error pages."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interagency.tenancy.selectors import partnerships_of


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse(
            {
                "status": "unavailable",
                "database": {"reachable": False, "error": type(error).__name__},
            },
            status=503,
        )
    return JsonResponse(
        {"status": "ok", "database": {"reachable": True, "vendor": connection.vendor}}
    )


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in members go to their partnership; others see the start page."""
    if request.user.is_authenticated:
        partnerships = list(partnerships_of(request.user)[:2])
        if len(partnerships) == 1:
            return redirect("tenancy:dashboard", code=partnerships[0].code)
        return redirect("tenancy:choose")
    return render(request, "core/start.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)

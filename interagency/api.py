"""The API: one NinjaAPI instance; each domain app adds a router.

Every endpoint needs a caller (a personal access token or the website's
session) unless it says ``auth=None``: the root and the documentation.
"""

import re
from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, re_path, reverse
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.operation import Operation

from interagency.accounts.api import router as accounts_router
from interagency.accounts.api_auth import SessionAuth, TokenAuth
from interagency.annual_reports.api import router as annual_reports_router
from interagency.audit.api import router as audit_router
from interagency.catalogue.api import router as catalogue_router
from interagency.core.api_errors import (
    ERROR_MEANINGS,
    JSONParser,
    install_error_handlers,
    json_not_allowed,
    unknown_path,
)
from interagency.delivery import api as delivery_api
from interagency.evaluation import api as evaluation_api
from interagency.finance.api import router as finance_router
from interagency.finance.api_agreements import router as finance_agreements_router
from interagency.finance.api_charging import router as finance_charging_router
from interagency.finance.api_years import router as finance_years_router
from interagency.local_statistics.api import router as local_statistics_router
from interagency.people.api import router as people_router
from interagency.people.api_posts import router as people_posts_router
from interagency.records.api import router as records_router
from interagency.records.api_compliance import router as records_compliance_router
from interagency.regional.api import router as regional_router
from interagency.tenancy.api import router as tenancy_router

# A module of an app's API package, e.g. interagency.delivery.api.sessions.
API_PACKAGE_MODULE = re.compile(r"^(interagency\.\w+\.api)\.\w+$")


class InteragencyAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        """Ninja's errors, without the view's parameter name in a body field's location.

        Ninja reports ``("body", "payload", "full_name")`` when a view reads its
        whole body into a ``payload`` parameter; the client sent ``full_name``.
        """
        errors = []
        for context in error_contexts:
            single = getattr(context.model, "__read_from_single_attr__", None)
            for error in super().validation_error_from_error_contexts([context]).errors:
                loc = tuple(error["loc"])
                if single and loc[:2] == ("body", single):
                    error["loc"] = ("body", *loc[2:])
                errors.append(error)
        return ValidationError(errors)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Ninja's id (module and function), an app's ``api`` package named as one module.

        Clients generate code from these ids, so moving an operation between the
        modules of ``delivery/api/`` leaves its id as it was:
        ``interagency_delivery_api_session_list``, not ``…_api_sessions_session_list``.
        """
        module = API_PACKAGE_MODULE.sub(r"\1", operation.view_func.__module__)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's document, each error response described by what it means here."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if int(status) in ERROR_MEANINGS:
                        response["description"] = ERROR_MEANINGS[int(status)]
        return schema

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        """Ninja's URLs answering 405 in JSON, then a JSON 404 for any other address."""
        patterns, app_name, namespace = super().urls
        wrapped: list[Any] = []
        for entry in patterns:
            if isinstance(entry, URLPattern):
                view = json_not_allowed(entry.callback)
                entry = URLPattern(entry.pattern, view, entry.default_args, entry.name)
            wrapped.append(entry)
        return [*wrapped, re_path(r"^.*$", unknown_path, name="not-found")], app_name, namespace


api = InteragencyAPI(
    title="Interagency API",
    version="1",
    description=(
        "Read your account, partnerships, members, audit trail and catalogue (frameworks, "
        "tiers, courses, roles and pathways); coordinators tailor it. Agencies, their "
        "services, people and headcounts are read and changed within what your roles allow; "
        "staff lists are imported (upload, preview, apply, poll, rejected rows). Sessions, "
        "bookings, waiting lists and registers follow the same roles; certificate numbers "
        "are checked at `/certificates/{number}` without authentication. Evaluation "
        "questionnaires, plans, responses and results follow the same roles. A person's "
        "training record, and declarations of training done elsewhere (made with a "
        "base64-encoded certificate, approved or rejected), follow the records' roles. "
        "Authenticate with a "
        "personal access token (`Authorization: Bearer <token>`, created on your account "
        "page) or, from the browser, your signed-in session. Lists are paginated with "
        '`?page=N&page_size=M`. Errors answer `{"detail": ...}`, with `errors` naming '
        "fields when the request's content is at fault."
    ),
    urls_namespace="api",
    docs_url="docs",
    openapi_url="openapi.json",
    # Ninja's Swagger page loads its scripts and styles from our static files,
    # with no inline script, so the site's CSP holds. No validator badge: it
    # would call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=[TokenAuth(), SessionAuth()],
    parser=JSONParser(),
)
install_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("/partnerships", tenancy_router)
api.add_router("/partnerships", audit_router)
api.add_router("/partnerships", catalogue_router)
api.add_router("/partnerships", people_router)
api.add_router("/partnerships", people_posts_router)
api.add_router("/partnerships", delivery_api.router)
api.add_router("", delivery_api.public_router)
api.add_router("/partnerships", evaluation_api.router)
api.add_router("/partnerships", records_router)
api.add_router("/partnerships", records_compliance_router)
api.add_router("/partnerships", local_statistics_router)
api.add_router("/partnerships", finance_router)
api.add_router("/r", regional_router)
api.add_router("/partnerships", annual_reports_router)
api.add_router("/partnerships", finance_agreements_router)
api.add_router("/partnerships", finance_charging_router)
api.add_router("/partnerships", finance_years_router)


class RootOut(Schema):
    name: str
    version: str
    links: dict[str, str]


@api.get("", auth=None, response=RootOut, url_name="api-root", tags=["api"], summary="Start here")
def root(request: HttpRequest) -> dict:
    """Links to the endpoints and the documentation; no authentication needed."""

    def link(name: str) -> str:
        return request.build_absolute_uri(reverse(f"api:{name}"))

    return {
        "name": api.title,
        "version": api.version,
        "links": {
            "me": link("me"),
            "partnerships": link("partnership-list"),
            "openapi": link("openapi-json"),
            "docs": link("openapi-view"),
        },
    }

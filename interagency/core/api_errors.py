"""One JSON error shape for the whole API.

Every error answers ``{"detail": "..."}``; errors about the request's content
add ``"errors": [{"field": "...", "message": "..."}]`` so a client can show
each message beside the field it concerns. That is :class:`ErrorOut`, and
every operation lists the error statuses it can answer with
:func:`error_responses`, so the OpenAPI document tells clients the shape.
Validation errors answer 400, not ninja's default 422, so that a malformed
body and a badly filled one look the same to a client. Another partnership's
objects answer 404 exactly like ones that do not exist, so the API never
reveals what other partnerships hold.
"""

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from interagency.core.errors import ServiceError, problems_of

NOT_FOUND = "Not found."
INVALID = "The request is not valid: see errors."
UNAUTHENTICATED = (
    "Authentication needed: send a personal access token as 'Authorization: Bearer <token>', "
    "or sign in to the website."
)

# Where ninja says a value came from; a client only needs the field's own path.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


TOO_LARGE = "The request is too large: send less at once."
MALFORMED = "The request could not be read."

# What each error status means, for the OpenAPI document.
ERROR_MEANINGS = {
    400: "The request is not valid: `errors` names each field at fault and why.",
    401: "No valid access token or signed-in session.",
    403: "Your roles here do not allow this.",
    404: "Not found, or not yours to see (another partnership's objects answer the same).",
    409: "It conflicts with the object's current state.",
    410: "It existed but is gone.",
    413: "The request is too large.",
}


class FieldError(Schema):
    field: str = Field(description="Where the problem is: a field name, or `body`.")
    message: str


class ErrorOut(Schema):
    """Every error the API answers, whatever its status."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: list[FieldError] | None = Field(
        None, description="Each field at fault, when the request's content is."
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: Out, **error_responses(400, 401)}``: the errors an operation answers.

    Every status uses the one :class:`ErrorOut` shape.
    """
    unknown = set(statuses) - ERROR_MEANINGS.keys()
    if unknown:
        raise ValueError(f"Describe status {sorted(unknown)} in ERROR_MEANINGS first.")
    return dict.fromkeys(statuses, ErrorOut)


class MalformedJSON(ValueError):
    """The body is not JSON at all (as opposed to JSON with wrong values)."""


class JSONParser(Parser):
    """Ninja's JSON parser, but a broken body says where it broke."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MalformedJSON(f"The body is not valid JSON: {error}.") from error
        if not isinstance(data, dict):
            raise MalformedJSON("The body must be a JSON object: {...}.")
        return data


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: Iterable[dict] = ()
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    errors = list(errors)
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def field_path(loc: Iterable[Any]) -> str:
    """``("query", "page")`` → ``"page"``; ``("body", "address", 0)`` → ``"address.0"``.

    The first part of ninja's location says where the value came from, which
    the client knows already. (The API strips the body parameter's name
    before this: see ``InteragencyAPI.validation_error_from_error_contexts``.)
    """
    parts = [str(part) for part in loc]
    source = parts[0] if parts and parts[0] in _SOURCES else None
    if source is not None:
        parts = parts[1:]
    return ".".join(parts) or (source or "body")


def _message(error: dict[str, Any]) -> str:
    # A validator's own ValueError reads as a sentence already; pydantic would
    # prefix it with "Value error, ".
    context_error = error.get("ctx", {}).get("error")
    if error.get("type") == "value_error" and context_error:
        return str(context_error)
    return str(error.get("msg", "Not valid."))


def refusal(error: DjangoValidationError) -> tuple[str, list[dict[str, str]]]:
    """The detail and field errors of a service's :class:`ServiceError`, or of a model's
    ``full_clean()`` refusing a value.

    The detail is the service's own sentence when it has one; the errors name
    each field at fault (``body`` for the request as a whole). A refusal that
    concerns no field (the session is full) is its detail alone.
    """
    if isinstance(error, ServiceError) and not error.field_errors:
        return error.message or INVALID, []
    errors = [
        {"field": field or "body", "message": message} for field, message in problems_of(error)
    ]
    detail = error.message if isinstance(error, ServiceError) and error.message else INVALID
    return detail, errors


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers with ones that answer in our error shape."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": field_path(error.get("loc", ())), "message": _message(error)}
            for error in exc.errors
        ]
        return error_response(api, request, 400, INVALID, errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, MalformedJSON):
            errors = [{"field": "body", "message": str(exc.__cause__)}]
            return error_response(api, request, 400, INVALID, errors)
        return error_response(api, request, exc.status_code, str(exc))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = str(exc) if str(exc) != "Unauthorized" else UNAUTHENTICATED
        response = error_response(api, request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Http404)
    # A selector's ``.get()`` that finds nothing in this partnership is a 404 too.
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, NOT_FOUND)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(api, request, 413, TOO_LARGE)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        """Too many form fields or files, a mangled multipart body: Django's own 400s."""
        return error_response(
            api, request, 400, MALFORMED, [{"field": "body", "message": MALFORMED}]
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or "You may not do this.")

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(api, request, 400, *refusal(exc))


def json_not_allowed(view: Callable[..., Any]) -> Callable[..., HttpResponseBase]:
    """``view``, but its 405 (ninja answers plain text) in the API's error shape."""

    @wraps(view)  # keeps ninja's csrf_exempt mark
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": f"{request.method} is not allowed here; use {allowed}."}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under the API that names no endpoint: a JSON 404, not the HTML page."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)

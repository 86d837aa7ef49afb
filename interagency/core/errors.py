"""The one error every service raises when it refuses a request, and what shows it.

A service that refuses raises :class:`ServiceError`: a sentence a person can act
on (``message``), a ``code`` naming the refusal for a program, and the fields at
fault (``field_errors``). Nothing has changed when it is raised. It is a
``ValidationError`` (decision 0019), so Django's forms take it as they are and
model validation and service refusals are caught alike. Pages put it on a form
with :func:`show_on_form`; the API answers it through the one handler in
``core.api_errors``. A lookup that finds nothing in the partnership is a 404
through :func:`found_or_404`.
"""

import copyreg
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.http import Http404

# ``(field, message)``; ``None`` for a problem with the request as a whole.
Problem = tuple[str | None, str]


class ServiceError(ValidationError):
    """A request a service refused, with why; nothing was changed.

    ``ServiceError("This session is cancelled.")`` refuses the whole request;
    ``field="capacity"`` puts the message on one field; ``field_errors`` names
    several fields at once (``message`` may then be empty: the fields say it all).
    """

    message: str  # always a plain string here, never a lazy translation

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "invalid",
        field: str | None = None,
        field_errors: Mapping[str, str | Sequence[str]] | None = None,
    ) -> None:
        named: dict[str, list[str]] = {}
        if field is not None:
            named[field] = [message]
        for name, messages in (field_errors or {}).items():
            named.setdefault(name, []).extend([messages] if isinstance(messages, str) else messages)
        if named:
            super().__init__(
                {
                    name: [ValidationError(m, code=code) for m in found]
                    for name, found in named.items()
                }
            )
        else:
            super().__init__(message, code=code)
        self.message = message
        self.code = code
        self.params = None
        self.field = field
        self.field_errors = named
        # In the order found, for an error summary; the whole request's as ``(None, message)``.
        self.problems: list[Problem] = _as_problems(self)

    @classmethod
    def of_problems(cls, problems: Sequence[Problem], *, code: str = "invalid") -> "ServiceError":
        """Every ``(field, message)`` found; the first is the error's message."""
        named: dict[str, list[str]] = {}
        for field, message in problems:
            named.setdefault(field or NON_FIELD_ERRORS, []).append(message)
        error = cls(problems[0][1], code=code, field_errors=named)
        error.field, error.problems = problems[0][0], list(problems)
        return error

    def __str__(self) -> str:
        return self.message or " ".join(self.messages)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.problems!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls ``cls(*args)``, which this signature does not take.
        return (copyreg.__newobj__, (type(self),), self.__dict__)  # type: ignore[attr-defined]


def problems_of(error: ValidationError) -> list[Problem]:
    """A service's or a model's (``full_clean()``) refusal as ``(field, message)`` pairs."""
    if isinstance(error, ServiceError):
        return list(error.problems)
    return _as_problems(error)


def _as_problems(error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            (None if name == NON_FIELD_ERRORS else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in error.messages]


def show_on_form(
    form: Any, error: ValidationError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Put each of ``error``'s messages beside the field it names, or on the whole form.

    ``fields`` maps a service's field name to the form's, where they differ; a
    field the form does not have gets its message at the top of the form.
    """
    for field, message in problems_of(error):
        name = (fields or {}).get(field or "", field)
        form.add_error(name if name in form.fields else None, message)


def found_or_404[T](lookup: Callable[[], T]) -> T:
    """What ``lookup`` (a selector's ``.get()``) finds, or a 404 when it finds nothing.

    Another partnership's object is not found either: it answers the same 404 page,
    which says no more (so the 404 carries no words of its own).
    """
    try:
        return lookup()
    except ObjectDoesNotExist:
        raise Http404 from None

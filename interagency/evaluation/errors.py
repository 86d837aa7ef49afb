"""The evaluation services' refusal: the one service error, with its items named."""

from interagency.core.errors import ServiceError


class EvaluationError(ServiceError):
    """A request refused, with a message a person can act on; nothing was saved.

    ``errors`` maps what was wrong (an item's key, a field's name, a path in an
    instrument definition) to its message, so a form or the API can show each
    beside its question. Its own kind only for its words: each message is said
    of its key ("c1: is required."), where another service's is a sentence.
    """

    def __init__(self, message: str, *, errors: dict[str, str] | None = None) -> None:
        super().__init__(message, field_errors=errors)
        self.errors = errors or {}

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        return self.message + " " + " ".join(f"{key}: {text}" for key, text in self.errors.items())

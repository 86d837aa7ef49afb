"""The one error the delivery services raise for a refused request."""


class BookingError(Exception):
    """A booking or session request refused, with a message the person can act on.

    `field` names the form field the message belongs to, when there is one, so views
    can put it next to that field (like a ValidationError); nothing has been changed.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

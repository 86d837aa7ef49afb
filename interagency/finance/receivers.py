"""Finance's receivers of delivery's signals (delivery never imports finance)."""

from typing import Any

from interagency.delivery.models import Session
from interagency.finance.charging import raise_delegate_charges


def on_register_closed(
    sender: type[Session], session: Session, closed_by: Any = None, **kwargs: Any
) -> None:
    """Delegate charges and free places of the closed register, in the close's transaction."""
    raise_delegate_charges(session=session, closed_by=closed_by)

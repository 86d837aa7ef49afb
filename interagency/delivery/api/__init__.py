"""Sessions, bookings, the waiting list, the register and certificate checks.

The same rules as the pages, decided by the same functions
(``delivery.selectors.access``: ``session_for`` and ``booking_for``). Every
member reads the partnership's sessions; coordinators create, change and
cancel them. A member books themselves, and with BOOK_FOR_OTHERS the people
they may see (line managers their team, agency leads their agencies,
coordinators everyone); anyone else answers 403. Bookings are listed to the
members who may see their person (coordinators also every booking on their
sessions); any other booking answers 404, like one that does not exist, and one
the caller sees but may not act on 403. The person, or anyone who may book for
them, cancels a booking and answers an offer. Trainers take the register of
the sessions they deliver, coordinators of any. Checking a certificate number
needs no sign-in and shows exactly what the certificate prints.

A refusal by the booking engine (full, closed, already booked, a register not
open yet) answers 400 ``{"detail": message}``, with ``errors`` naming the
field when there is one. Lists cost the same queries whatever their length.

One module per resource (``sessions``, ``bookings``, ``waiting_list``,
``register``, ``certificates``), their schemas in ``delivery.api_schemas``.
``router`` holds the partnership's operations, in the order the document
lists them; ``public_router`` the certificate check, which needs no sign-in.
"""

from ninja import Router

from interagency.delivery.api import bookings, register, sessions, waiting_list
from interagency.delivery.api.certificates import router as public_router

router = Router(tags=["sessions"])
for part in (sessions, bookings, waiting_list, register):
    router.add_router("", part.router)

__all__ = ["public_router", "router"]

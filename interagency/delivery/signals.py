"""Delivery's signals: where apps above delivery plug into its changes of state.

An app that depends on delivery (evaluation: the end-of-course evaluation
opens when a session's register closes) cannot be called from delivery's
services without a cycle, so delivery announces the change and the app
connects a receiver in its ``AppConfig.ready()``. The receiver calls its own
app's service; business rules stay in services, never in the signal.
"""

from django.dispatch import Signal

# Sent by ``services.attendance.close_register`` with ``sender=Session``,
# ``session`` and ``closed_by``, once per session: by the close that claimed the
# register, inside its transaction, after the records, no-show charges and
# certificates are written. A receiver's writes commit or roll back with the
# close, and an exception from a receiver undoes the close (``send``, not
# ``send_robust``), so a register is never closed without what hangs on it.
register_closed = Signal()

# Sent with ``sender=Booking`` and ``booking`` each time a booking's place is
# confirmed (booked straight away, approved, accepted or given from the waiting
# list), inside that transaction, beside the confirmation email. The evaluation
# app queues the registration questionnaire's invitation from its receiver.
booking_confirmed = Signal()

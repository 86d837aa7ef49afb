from interagency.delivery.models.attendance import (
    Attendance,
    AttendanceOutcome,
    Certificate,
    Charge,
    ChargeKind,
)
from interagency.delivery.models.bookings import (
    LIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingStatus,
)
from interagency.delivery.models.sessions import (
    DeliverySettings,
    SectorHold,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
    Venue,
    WaitingListMode,
)

__all__ = [
    "LIVE_STATUSES",
    "PLACE_HOLDING_STATUSES",
    "Attendance",
    "AttendanceOutcome",
    "Booking",
    "BookingStatus",
    "Certificate",
    "Charge",
    "ChargeKind",
    "DeliverySettings",
    "SectorHold",
    "Session",
    "SessionFormat",
    "SessionPart",
    "SessionTrainer",
    "Venue",
    "WaitingListMode",
]

"""Read how a partnership runs bookings (its ``DeliverySettings``)."""

from interagency.delivery.models import DeliverySettings
from interagency.tenancy.models import Partnership


def delivery_settings_of(partnership: Partnership) -> DeliverySettings:
    """The partnership's delivery settings, or the defaults (unsaved) when none were saved.

    A read never writes: the settings are saved only when a coordinator changes them
    (``services.arrangements.update_delivery_settings``), and the defaults until then
    are the model's, the same values a saved row would start with.
    """
    found = DeliverySettings.objects.for_partnership(partnership).first()
    return found or DeliverySettings(partnership=partnership)

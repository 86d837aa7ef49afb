from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "interagency.delivery"
    label = "delivery"
    verbose_name = "Sessions and bookings"

"""``interagency expire-offers``: end waiting-list offers past their deadline, offer on."""

from django.core.management.base import BaseCommand

from interagency.delivery.services.bookings import expire_offers


class Command(BaseCommand):
    help = (
        "End the waiting-list offers whose deadline has passed and offer each place to the "
        "next eligible person; also fills places a passed sector hold released. Run every "
        "few minutes: running it again changes nothing."
    )

    def handle(self, *args, **options):
        ended = expire_offers()
        self.stdout.write(f"{ended} offer(s) ended; their places were offered on.")

"""``interagency mark-leavers``: daily, record the leaving of people whose leaving day has come."""

from django.core.management.base import BaseCommand

from interagency.people.services.people import mark_due_leavers


class Command(BaseCommand):
    help = "Record the leaving of everyone whose leaving date has come (run daily; idempotent)."

    def handle(self, *args, **options) -> None:
        count = mark_due_leavers()
        self.stdout.write(f"{count} leaving{'s' if count != 1 else ''} recorded.")

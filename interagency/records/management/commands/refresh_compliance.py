"""``interagency refresh-compliance``: store each person's compliance standing for today, and
each partnership's compliance counted at the last financial year's end (decision 0036)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from interagency.records.services.standings import refresh_standings
from interagency.records.services.year_end import refresh_year_end
from interagency.records.year_end import last_year_end
from interagency.tenancy.models import Partnership


class Command(BaseCommand):
    help = (
        "Rank every current person of each partnership (or one) on a day, today by default, "
        "and store their standing, so the compliance page and API read it. Only people whose "
        "standing is missing are ranked, unless the day or the rules changed. Run it after "
        "midnight and every few minutes from cron; the figures are right without it, slower. "
        "Then count each partnership's compliance at the last financial year's end (the day "
        "before the one ranked on, at the latest) and store it, unless the stored counts "
        "still hold (no record, booking or person of the partnership changed since)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", default="", help="One partnership's code.")
        parser.add_argument(
            "--as-of", default="", help="The day to rank on (YYYY-MM-DD); today in London."
        )

    def handle(self, *args, partnership: str, as_of: str, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--as-of must be a date such as 2027-04-01: {error}") from error
        partnerships = Partnership.objects.order_by("code")
        if partnership:
            partnerships = partnerships.filter(code=partnership)
            if not partnerships.exists():
                raise CommandError(f"No partnership has the code {partnership!r}.")
        for each in partnerships:
            done = refresh_standings(each, today=day)
            scope = "everyone" if done.everyone else "stale people only"
            self.stdout.write(f"{each.code}: {done.people} people ranked ({scope}) as of {day}.")
            counted = refresh_year_end(each, today=day)
            if counted is None:
                held = "still held"
            elif counted.stored:
                held = f"{counted.people} people counted"
            else:
                held = f"{counted.people} people counted, not stored: written to meanwhile"
            self.stdout.write(f"{each.code}: year end {last_year_end(day)}: {held}.")

"""``interagency reap-tasks``: mark tasks left running by a stopped worker as failed."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interagency.core.tasks_reaper import reap_all, stale_after


class Command(BaseCommand):
    help = (
        "Mark background tasks (and the imports they ran) that have shown no progress for "
        "the given minutes as failed: their worker was stopped. Safe to run at any time, "
        "for example from cron every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=float,
            default=None,
            help="Minutes without progress before a task counts as stopped "
            f"(default: the setting TASKS_STALE_AFTER_MINUTES, else {stale_after()}).",
        )

    def handle(self, *args, older_than_minutes: float | None, **options) -> None:
        if older_than_minutes is not None and older_than_minutes <= 0:
            raise CommandError("--older-than-minutes must be more than 0.")
        older_than = (
            datetime.timedelta(minutes=older_than_minutes)
            if older_than_minutes is not None
            else stale_after()
        )
        counts = reap_all(older_than)
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(f"Marked as stopped (no progress for {older_than}): {summary}.")

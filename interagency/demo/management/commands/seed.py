"""Load synthetic data: the demo, one borough (Camden), one county-sized partnership or London.

Repeatable (the same ``--seed`` gives the same people) and idempotent (a
partnership that already has synthetic members is left as it is). The work
happens in :mod:`interagency.demo.seeding`; this command only reads options
and prints progress.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from interagency.demo import seeding


class Command(BaseCommand):
    help = (
        "Load synthetic data at a scale: demo, borough (about 8,000 people), county (one "
        "partnership of 100,000, in Camden's place) or region."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "borough", "county", "region"], required=True
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same people (default 1)."
        )
        parser.add_argument(
            "--people",
            type=int,
            default=None,
            help=(
                "Learners to create: for borough and county, in the one partnership (default "
                f"{seeding.BOROUGH_PEOPLE:,} and {seeding.COUNTY_PEOPLE:,}); for region, in "
                "total (default "
                f"{seeding.BOROUGH_PEOPLE:,} per borough on average)."
            ),
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Demo scale only: the demo accounts' password "
            "(default: INTERAGENCY_DEMO_PASSWORD).",
        )

    def handle(self, *args, scale: str, seed: int, people: int | None, password, **options):
        if people is not None and people < 1:
            raise CommandError("--people must be at least 1.")
        started = time.perf_counter()
        progress = self._progress
        if scale == "demo":
            password = password or os.environ.get("INTERAGENCY_DEMO_PASSWORD")
            if not password:
                raise CommandError(
                    "The demo scale needs a password for the demo accounts: pass --password "
                    "or set INTERAGENCY_DEMO_PASSWORD."
                )
            seeding.load_demo(password=password, progress=progress)
        elif scale == "borough":
            seeding.seed_borough(
                seed=seed, people=people or seeding.BOROUGH_PEOPLE, progress=progress
            )
        elif scale == "county":
            seeding.seed_borough(
                seed=seed, people=people or seeding.COUNTY_PEOPLE, progress=progress
            )
        else:
            seeding.seed_region(seed=seed, people=people, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded {scale} scale in {elapsed:.1f} s."))

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

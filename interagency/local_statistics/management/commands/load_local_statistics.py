"""Load official statistics per local authority: the shipped files, or newer ones.

``interagency load-local-statistics`` loads the files shipped in
``local_statistics/data/`` (the authority lookup, the code changes, children
in need and children aged 0 to 17). ``--file PATH`` (repeatable) loads a newer
edition of any of them instead, recognised by its columns. Every file is
checked before anything is stored; a problem names the file, row and column,
and nothing is stored. Loading the same files again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interagency.local_statistics.reading import StatisticsFileError
from interagency.local_statistics.services import load_statistics_files, shipped_files


class Command(BaseCommand):
    help = "Load children in need and child population per local authority (DfE, ONS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            dest="files",
            metavar="PATH",
            action="append",
            default=[],
            help="A statistics CSV file to load instead of the shipped ones (repeatable).",
        )

    def handle(self, *args, files: list[str], **options):
        paths = [Path(name) for name in files] or shipped_files()
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        try:
            loaded = load_statistics_files(paths)
        except StatisticsFileError as error:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        for result in loaded:
            years = f", years {result.years[0]} to {result.years[-1]}" if result.years else ""
            self.stdout.write(
                f"{result.file_name} ({result.kind}{years}): {result.added} added, "
                f"{result.changed} changed, {result.unchanged} unchanged, "
                f"{result.skipped} other rows skipped."
            )

"""Load a framework document: one shipped with Interagency, or a JSON file.

``interagency load-framework competence-matters`` (or ``intercollegiate-health``,
or ``path/to/framework.json``) checks the document, builds the framework once
and reports what it did: the counts, every pathway item matched by something
other than its exact title (with the reason), and every item that matched no
course (stored without one, to be matched by hand). Loading the same version
again changes nothing. ``--partnership`` loads it as that partnership's own
framework; ``--adopt`` makes partnerships run their programme on it.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interagency.catalogue import interchange, services
from interagency.catalogue.interchange import DocumentInvalid, ItemReport, LoadResult
from interagency.tenancy.models import Partnership


class Command(BaseCommand):
    help = "Load a competence framework: a shipped one by name, or a framework JSON file."

    def add_arguments(self, parser):
        shipped = ", ".join(interchange.frameworks_directory())
        parser.add_argument("framework", help=f"A shipped framework ({shipped}) or a JSON file.")
        parser.add_argument(
            "--partnership",
            metavar="CODE",
            help="Load it as this partnership's own framework (an import).",
        )
        parser.add_argument(
            "--adopt",
            metavar="CODE",
            nargs="+",
            action="extend",
            default=[],
            help="Partnerships (by code) that adopt the framework.",
        )

    def handle(self, *args, framework: str, partnership: str | None, adopt: list[str], **options):
        document = self._document(framework)
        owner = self._partnership(partnership) if partnership else None
        adopters = [self._partnership(code) for code in dict.fromkeys(adopt)]
        try:
            with transaction.atomic():
                result = interchange.build_framework(document, owner_partnership=owner)
                for adopter in adopters:
                    services.adopt_framework(partnership=adopter, framework=result.framework)
        except DocumentInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(f"  {problem} (value: {problem.value!r})")
            raise CommandError(
                f"{framework}: {len(invalid.problems)} problem(s) to fix; nothing was loaded."
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._report(result)
        if adopters:
            self.stdout.write(f"Adopted by: {', '.join(p.code for p in adopters)}")

    def _document(self, name: str) -> dict:
        path = Path(name)
        if name in interchange.frameworks_directory() and not path.exists():
            return interchange.shipped_document(name)
        if not path.is_file():
            shipped = ", ".join(interchange.frameworks_directory())
            raise CommandError(f"{name} is neither a shipped framework ({shipped}) nor a file.")
        try:
            document = interchange.load_document(str(path))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{name} is not a framework JSON file: {error}") from None
        if not isinstance(document, dict):
            raise CommandError(f"{name} is not a framework document: it must be a JSON object.")
        return document

    def _partnership(self, code: str) -> Partnership:
        try:
            return Partnership.objects.get(code=code)
        except Partnership.DoesNotExist:
            raise CommandError(f"There is no partnership with the code {code!r}.") from None

    def _report(self, result: LoadResult) -> None:
        counts = (
            f"{result.tiers} tiers, {result.courses} courses, {result.roles} roles, "
            f"{result.pathway_items} pathway items"
        )
        if result.already_loaded:
            self.stdout.write(f"{result.framework} is already loaded ({counts}): nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {result.framework}: {counts}."))
        inexact = result.inexact
        if inexact:
            self.stdout.write(f"\nMatched by another name ({len(inexact)}):")
            for item in inexact:
                detail = f"{item.reason}; {item.note}" if item.note else item.reason
                self.stdout.write(
                    f"  {item.role}: {self._written(item)} → {item.course} [{detail}]"
                )
        unmatched = result.unmatched
        if unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"\nUNMATCHED ({len(unmatched)}): kept in their pathways without a course; "
                    "match them to a course or leave them as they are."
                )
            )
            for item in unmatched:
                self.stdout.write(f"  UNMATCHED {self._written(item)} in {item.role} ({item.kind})")

    @staticmethod
    def _written(item: ItemReport) -> str:
        if item.part != item.written:
            return f"'{item.part}' (part of '{item.written}')"
        return f"'{item.written}'"

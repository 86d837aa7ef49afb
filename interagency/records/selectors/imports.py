"""Read files of e-learning completions, always within one partnership."""

from django.db.models import QuerySet

from interagency.records.models import RecordImport
from interagency.tenancy.models import Partnership


def imports_of(partnership: Partnership) -> QuerySet[RecordImport]:
    """The partnership's imports, newest first, without their files."""
    return (
        RecordImport.objects.for_partnership(partnership)
        .defer("content")
        .order_by("-created_at", "-id")
    )


def import_in(partnership: Partnership, import_id: int) -> RecordImport:
    """One import of the partnership, with its file; raises DoesNotExist otherwise."""
    return RecordImport.objects.for_partnership(partnership).get(pk=import_id)

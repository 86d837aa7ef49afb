"""What the coordinator writes for the board's annual report of one financial year.

The figures are read afresh each time (``selectors.report``); only the words
are kept. A financial year is named by its first year: 2025 is 1 April 2025 to
31 March 2026, as in finance.
"""

from django.conf import settings
from django.db import models

from interagency.core.validation import YEAR
from interagency.tenancy.models import PartnershipOwned

# The narrative's fields, in the order the report prints them: (field, heading).
NARRATIVE = (
    ("priorities", "The board's priorities"),
    ("lessons", "Lessons from local reviews"),
    ("plans", "Plans for next year"),
)
NARRATIVE_MAX = 10_000


class AnnualReport(PartnershipOwned):
    """The narrative of one financial year's report."""

    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    priorities = models.TextField(blank=True, max_length=NARRATIVE_MAX)
    lessons = models.TextField(blank=True, max_length=NARRATIVE_MAX)
    plans = models.TextField(blank=True, max_length=NARRATIVE_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year"], name="annual_report_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"Annual report {self.year} of {self.partnership_id}"

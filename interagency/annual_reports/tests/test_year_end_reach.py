"""The report's reach for a closed year, read from compliance stored at its end (decision
0036), is the one the live ranking gives, and a late record is counted either way."""

import datetime

import pytest

from interagency.annual_reports.selectors.report import report_figures
from interagency.annual_reports.tests.conftest import YEAR
from interagency.people.models import Person
from interagency.records.models import TrainingRecord, YearEndRefresh
from interagency.records.services.year_end import refresh_year_end

# Written around a named financial year (2025): it stands at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

TODAY = datetime.date(2026, 6, 10)


def test_the_stored_year_end_gives_the_reach_ranked_live(borough):
    partnership = borough.partnership
    live = report_figures(partnership, YEAR, today=TODAY).reach
    assert refresh_year_end(partnership, today=TODAY)
    assert YearEndRefresh.objects.for_partnership(partnership).get().year_end == live.as_at
    assert report_figures(partnership, YEAR, today=TODAY).reach == live


def test_a_late_record_for_the_closed_year_is_in_the_report(borough):
    partnership = borough.partnership
    refresh_year_end(partnership, today=TODAY)
    before = report_figures(partnership, YEAR, today=TODAY).reach
    untrained = (
        Person.objects.for_partnership(partnership)
        .filter(role__isnull=False, training__isnull=True)
        .first()
    )
    done = TrainingRecord.objects.for_partnership(partnership).first()
    assert untrained is not None and done is not None
    TrainingRecord.objects.create(
        partnership=partnership,
        person=untrained,
        course=done.course,
        completed_on=datetime.date(2026, 3, 1),
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )
    after = report_figures(partnership, YEAR, today=TODAY).reach
    refresh_year_end(partnership, today=TODAY)
    assert report_figures(partnership, YEAR, today=TODAY).reach == after
    trained = sum(row.trained for row in after.professions)
    assert trained == sum(row.trained for row in before.professions) + 1

"""Dates and times as people read them: GOV.UK style, London's clocks, one module."""

import datetime
import pathlib
import re

import pytest
from django.template import Context, Template

from interagency.core.dates import (
    LONDON,
    govuk_date,
    govuk_date_range,
    govuk_datetime,
    govuk_day,
    govuk_month,
    govuk_period,
    govuk_time,
    govuk_time_range,
)

UTC = datetime.UTC


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("clock", "text"),
    [
        (datetime.time(0, 0), "midnight"),
        (datetime.time(0, 30), "12:30am"),
        (datetime.time(9, 0), "9am"),
        (datetime.time(9, 5), "9:05am"),
        (datetime.time(9, 30), "9:30am"),
        (datetime.time(11, 59), "11:59am"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(12, 30), "12:30pm"),
        (datetime.time(13, 0), "1pm"),
        (datetime.time(17, 0), "5pm"),
        (datetime.time(23, 59), "11:59pm"),
    ],
)
def test_times_are_on_the_twelve_hour_clock_with_midday_and_midnight(clock, text):
    assert govuk_time(clock) == text


def test_dates_have_no_leading_zero_and_the_month_in_full():
    day = datetime.date(2026, 12, 7)
    assert govuk_date(day) == "7 December 2026"
    assert govuk_day(day) == "Monday 7 December 2026"
    assert govuk_month(day) == "December 2026"
    assert govuk_date(datetime.date(2027, 3, 1), weekday=True) == "Monday 1 March 2027"


def test_an_instant_is_shown_on_london_clocks_in_winter_and_in_summer():
    # GMT: the same wall clock as UTC.
    assert govuk_datetime(utc(2026, 12, 7, 9, 30)) == "9:30am on 7 December 2026"
    # BST: an hour ahead of UTC.
    assert govuk_datetime(utc(2026, 6, 1, 8, 30)) == "9:30am on 1 June 2026"
    assert govuk_time(utc(2026, 6, 1, 11, 0)) == "midday"


def test_an_instant_late_on_a_summer_evening_in_utc_is_the_next_day_in_london():
    late = utc(2026, 6, 1, 23, 30)  # 00:30 BST on 2 June
    assert govuk_date(late) == "2 June 2026"
    assert govuk_datetime(late, weekday=True) == "12:30am on Tuesday 2 June 2026"
    assert govuk_datetime(utc(2026, 6, 1, 23, 0)) == "midnight on 2 June 2026"
    # In winter the same UTC time is still the evening before.
    assert govuk_datetime(utc(2026, 12, 1, 23, 30)) == "11:30pm on 1 December 2026"


def test_a_naive_time_is_already_a_london_wall_clock_reading():
    assert govuk_datetime(datetime.datetime(2026, 3, 29, 1, 30)) == "1:30am on 29 March 2026"


def test_the_server_zone_does_not_change_what_is_shown(settings):
    settings.TIME_ZONE = "America/New_York"
    assert govuk_datetime(utc(2026, 12, 7, 14, 0)) == "2pm on 7 December 2026"


def test_a_range_on_one_day_names_the_day_once():
    start, end = london(2026, 12, 7, 9, 30), london(2026, 12, 7, 16, 30)
    assert govuk_time_range(start, end) == "9:30am to 4:30pm"
    assert govuk_period(start, end) == "Monday 7 December 2026, 9:30am to 4:30pm"
    assert govuk_period(london(2026, 12, 7, 10), london(2026, 12, 7, 12)) == (
        "Monday 7 December 2026, 10am to midday"
    )


def test_a_range_across_midnight_names_both_days():
    start, end = london(2026, 12, 7, 21, 0), london(2026, 12, 8, 1, 0)
    assert govuk_time_range(start, end) == "9pm to 1am on Tuesday 8 December 2026"
    assert govuk_period(start, end) == (
        "9pm on Monday 7 December 2026 to 1am on Tuesday 8 December 2026"
    )


def test_a_range_is_one_day_or_another_by_london_not_utc():
    # 22:00 to 23:30 UTC in summer is 11pm to 00:30 in London: across midnight.
    start, end = utc(2026, 6, 1, 22, 0), utc(2026, 6, 1, 23, 30)
    assert govuk_time_range(start, end) == "11pm to 12:30am on Tuesday 2 June 2026"
    # The same UTC times in winter are the same London times: one day.
    assert govuk_time_range(utc(2026, 12, 1, 22, 0), utc(2026, 12, 1, 23, 30)) == (
        "10pm to 11:30pm"
    )


def test_ranges_through_the_night_the_clocks_change():
    # The clocks go forward at 1am on 29 March 2026: 00:30 GMT to 03:00 BST.
    assert govuk_period(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2, 0)) == (
        "Sunday 29 March 2026, 12:30am to 3am"
    )
    # They go back at 2am on 25 October 2026: 00:30 BST to 03:00 GMT.
    assert govuk_period(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 3, 0)) == (
        "Sunday 25 October 2026, 12:30am to 3am"
    )


def test_date_ranges_use_to_and_collapse_to_one_day():
    first, last = datetime.date(2026, 12, 7), datetime.date(2026, 12, 9)
    assert govuk_date_range(first, last) == "7 December 2026 to 9 December 2026"
    assert govuk_date_range(first, last, weekday=True) == (
        "Monday 7 December 2026 to Wednesday 9 December 2026"
    )
    assert govuk_date_range(london(2026, 12, 7, 9), london(2026, 12, 7, 17)) == "7 December 2026"


def render(source: str, **context: object) -> str:
    return Template("{% load dates %}" + source).render(Context(context))


def test_template_filters_write_the_same_words():
    start, end = utc(2026, 6, 1, 8, 30), utc(2026, 6, 1, 15, 30)
    assert render("{{ at|govuk_date }}", at=start) == "1 June 2026"
    assert render("{{ at|govuk_day }}", at=start) == "Monday 1 June 2026"
    assert render("{{ at|govuk_month }}", at=start) == "June 2026"
    assert render("{{ at|govuk_time }}", at=start) == "9:30am"
    assert render("{{ at|govuk_datetime }}", at=start) == "9:30am on 1 June 2026"
    assert render("{{ at|govuk_day_time }}", at=start) == "9:30am on Monday 1 June 2026"
    assert render("{{ a|govuk_time_range:b }}", a=start, b=end) == "9:30am to 4:30pm"
    assert render("{{ a|govuk_period:b }}", a=start, b=end) == (
        "Monday 1 June 2026, 9:30am to 4:30pm"
    )
    assert render("{{ a|govuk_day_range:b }}", a=start, b=utc(2026, 6, 3, 8)) == (
        "Monday 1 June 2026 to Wednesday 3 June 2026"
    )


def test_template_filters_show_nothing_for_a_missing_value_so_a_default_can_follow():
    assert render('{{ at|govuk_date|default:"Not yet" }}', at=None) == "Not yet"
    source = "[{{ missing|govuk_datetime }}{{ a|govuk_period:b }}{{ a|govuk_day_range:b }}]"
    assert render(source, a=None, b=None) == "[]"


# Django's own |date and |time filters write "Dec. 7, 2026" by default and whatever
# a format string says otherwise: every page goes through the dates filters instead.
DJANGO_DATE_FILTER = re.compile(r"\|\s*(date|time|naturalday)\b")


def test_no_template_formats_a_date_with_djangos_filters():
    root = pathlib.Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.glob("**/templates/**/*"))
        if path.suffix in {".html", ".txt", ".ics"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if DJANGO_DATE_FILTER.search(line)
    ]
    assert not found, (
        "Use {% load dates %} and |govuk_date, |govuk_day, |govuk_time, |govuk_datetime "
        "(interagency/core/dates.py) for dates people read:\n" + "\n".join(found)
    )


def test_python_code_names_months_and_days_only_through_the_dates_module():
    # %B and %A spell a month or a weekday for people: that is core.dates' job.
    package = pathlib.Path(__file__).resolve().parents[2]
    offending = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(package).parts)
        and path.relative_to(package).as_posix() != "core/dates.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "%B" in line or "%A" in line
    ]
    assert offending == []

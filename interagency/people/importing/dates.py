"""Dates as staff lists hold them, read as UK dates; never as US month/day.

A date column may hold, mixed within one file:

- real date cells of a workbook (read by ``reading`` as ISO text, 2024-03-31);
- ISO text, 2024-03-31 (a time after it is ignored);
- UK day/month/year text: 31/03/2024, 1/3/2024, 31-03-2024, 31.03.2024, 31 Mar 2024;
- Excel serial numbers: a date cell formatted as General shows 45382, and HR
  exports often hold them so. Excel counts days in one of two date systems, named
  by the workbook: the 1900 system (Windows Excel) and the 1904 system (old Mac
  Excel). In the 1900 system Excel counts a 29 February 1900 that never was
  (serial 60), so serials above 60 are one day later than a plain count.

A plain number in a date column is read as a serial of the file's date system
only when the day it stands for falls in :data:`PLAUSIBLE_YEARS`: a bare "2024"
(a year typed where a date belongs) would otherwise read as 16 July 1905.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable

DATE_SYSTEM_1900 = 1900
DATE_SYSTEM_1904 = 1904
# Serials a date column plausibly holds: 1 is 1 January 1900, 80000 is in 2119.
SERIAL_RANGE = range(1, 80001)
_SERIAL_60_1900 = 60  # Excel's 29 February 1900, a day that never was
# Years a start or leaving date written as a serial number can plausibly name.
PLAUSIBLE_YEARS = range(1920, 2120)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_UK = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_NAMED_MONTH = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})")
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# How a value was read, as the preview names it (a serial's name adds its date system).
ISO = "ISO"
UK_TEXT = "UK"
NAMED = "named month"
SERIAL = "serial"
DESCRIPTIONS = {
    ISO: "year-month-day (2024-03-31)",
    UK_TEXT: "day/month/year text",
    NAMED: "day, month name and year text (31 Mar 2024)",
}


def parse_date(text: str, *, date_system: int = DATE_SYSTEM_1900) -> datetime.date:
    """The date ``text`` holds in any form the module describes; ValueError otherwise."""
    return _read(text.strip(), date_system)[0]


def reading_of(text: str, *, date_system: int = DATE_SYSTEM_1900) -> str:
    """How ``text`` reads as a date (ISO, UK, ...); ValueError when it is not a date."""
    return _read(text.strip(), date_system)[1]


def _read(text: str, date_system: int) -> tuple[datetime.date, str]:
    if match := _ISO.fullmatch(text):
        year, month, day = match.group(1, 2, 3)
        return datetime.date(int(year), int(month), int(day)), ISO
    if match := _UK.fullmatch(text):
        day, month, year = match.group(1, 3, 4)
        return datetime.date(int(year), int(month), int(day)), UK_TEXT
    if match := _NAMED_MONTH.fullmatch(text):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            raise ValueError(text)
        return datetime.date(int(year), month, int(day)), NAMED
    if _SERIAL.fullmatch(text):
        day = from_serial(int(float(text)), date_system)
        if day.year not in PLAUSIBLE_YEARS:
            raise ValueError(text)
        return day, SERIAL
    raise ValueError(text)


def from_serial(serial: int, date_system: int = DATE_SYSTEM_1900) -> datetime.date:
    """The day an Excel serial number stands for in the workbook's date system."""
    if date_system == DATE_SYSTEM_1904:
        if not 0 <= serial < SERIAL_RANGE.stop:
            raise ValueError(serial)
        return datetime.date(1904, 1, 1) + datetime.timedelta(days=serial)
    if serial not in SERIAL_RANGE or serial == _SERIAL_60_1900:
        raise ValueError(serial)
    # Serial 1 is 1 January 1900; after the phantom 29 February every serial is one day on.
    start = datetime.date(1899, 12, 31) if serial < _SERIAL_60_1900 else datetime.date(1899, 12, 30)
    return start + datetime.timedelta(days=serial)


def describe_column(
    values: Iterable[str], *, date_system: int = DATE_SYSTEM_1900, date_cells: bool = False
) -> str:
    """How a date column's values were read, for the preview: "day/month/year text", ...

    ``date_cells`` says the column came from a workbook whose date cells were
    read as ISO text, so ISO values are named as date cells.
    """
    kinds: Counter[str] = Counter()
    unreadable = 0
    for value in values:
        if not value:
            continue
        try:
            kinds[reading_of(value, date_system=date_system)] += 1
        except ValueError:
            unreadable += 1
    names = {
        **DESCRIPTIONS,
        SERIAL: f"Excel serial numbers ({date_system} date system)",
    }
    if date_cells:
        names[ISO] = "date cells"
    parts = [names[kind] for kind, _ in kinds.most_common()]
    if unreadable:
        parts.append(f"{unreadable:,} not a date")
    if not parts:
        return "empty in every row"
    if len(parts) == 1:
        return "read as " + parts[0]
    return "read as " + ", ".join(parts[:-1]) + " and " + parts[-1]

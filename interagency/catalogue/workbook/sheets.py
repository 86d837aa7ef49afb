"""The workbook's sheets: the columns each has, the document key each holds, how cells read."""

from dataclasses import dataclass
from typing import Literal

from interagency.catalogue.interchange import Problem

LIST_SEPARATOR = "\n"
ALTERNATIVE_SEPARATOR = " | "
ITEM_KINDS = ("required", "recommended")
WHOLE_FILE = 0  # the row of a problem with the file as a whole

Kind = Literal["text", "optional_text", "int", "number", "list", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the document key it holds and how its cells read."""

    key: str
    kind: Kind = "text"
    required: bool = False
    width: int = 20


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


FRAMEWORK = Sheet(
    "framework",
    (
        Column("slug", required=True),
        Column("name", required=True),
        Column("owner"),
        Column("region", "optional_text"),
        Column("version", required=True),
        Column("source"),
        Column("period_months", "int"),
    ),
)
TIERS = Sheet(
    "tiers",
    (
        Column("code", required=True, width=14),
        Column("name", required=True, width=24),
        Column("order", "int", required=True, width=8),
        Column("audience", width=60),
        Column("outcomes", "list", width=60),
        Column("example_roles", "list", width=40),
        Column("hours_per_period", "number", width=12),
        Column("hours_per_period_max", "number", width=12),
        Column("note", width=40),
    ),
)
COURSES = Sheet(
    "courses",
    (
        Column("title", required=True, width=50),
        Column("tier", required=True, width=14),
        Column("category", required=True, width=14),
        Column("level", "int", width=8),
        Column("duration", required=True, width=22),
        Column("aims", width=60),
        Column("outcomes", "list", width=60),
        Column("topics", "list", width=30),
        Column("delivery_modes", "list", width=22),
        Column("prerequisites", "list", width=50),
        Column("prerequisite_note", width=30),
        Column("refresh_months", "int", width=12),
        Column("local", "bool", width=8),
    ),
)
# Keys a course has only when set: the export leaves them out otherwise.
COURSE_OPTIONAL = {"refresh_months": None, "local": False}
PATHWAYS = Sheet(
    "pathways",
    (
        Column("role", required=True, width=40),
        Column("tier", required=True, width=14),
        Column("window_months", "int", width=12),
        Column("kind", width=14),
        Column("course", width=60),
        Column("repeat_every_months", "int", width=12),
        Column("unmatched", "bool", width=11),
        Column("hours_per_period", "number", width=12),
        Column("period_months", "int", width=12),
    ),
    required=False,
)
# Pathway columns that describe the whole pathway: every row of it must agree.
PATHWAY_WIDE = ("tier", "window_months", "hours_per_period", "period_months")
EQUIVALENCES = Sheet(
    "equivalences",
    (
        Column("role", required=True, width=40),
        Column("counts_for", required=True, width=50),
        Column("course", width=50),
        Column("external_training", width=50),
    ),
    required=False,
)
QUESTIONS = Sheet(
    "questions",
    (
        Column("text", required=True, width=100),
        Column("tier_if_yes", required=True, width=14),
    ),
    required=False,
)
KEY_VALUE = ("key", "value")


def whole_file(message: str, value: str = "") -> Problem:
    """A problem with the file as a whole, not with one of its cells."""
    return Problem(sheet="", row=WHOLE_FILE, column="", value=value, message=message)

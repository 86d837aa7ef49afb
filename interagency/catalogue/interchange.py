"""The framework document: one format for the data files, imports and exports.

A framework document is a JSON object (the files in ``catalogue/data/`` are
two of them)::

    {"slug", "name", "owner", "region", "version", "source", "period_months",
     "tiers": [{"code", "name", "order", "audience", "outcomes", "example_roles",
                "hours_per_period", "hours_per_period_max", "note"}],
     "questions": [{"text", "tier_if_yes"}],
     "courses": [{"title", "tier", "category", "level", "duration", "aims", "outcomes",
                  "topics", "delivery_modes", "prerequisites", "prerequisite_note",
                  "refresh_months"?, "local"?}],
     "pathways": [{"role", "tier", "window_months", "required", "recommended",
                   "hours_per_period"?, "period_months"?,
                   "refreshers"?: [{"course", "every_months"}],
                   "equivalences"?: [{"counts_for", "course" | "external_training"}]}]}

Three functions work on it:

- :func:`validate_document` lists every problem, each with the list ("sheet"),
  the 1-based row in it, the field and the value, so the JSON and spreadsheet
  importers can point at the cell;
- :func:`build_framework` writes a valid document to the database in one
  transaction, once (the same slug and version again changes nothing), matching
  the names pathways use to the courses (:mod:`interagency.catalogue.matching`)
  and keeping the items it cannot match, with no course, to be shown;
- :func:`export_document` reads a framework back into the same shape, with a
  partnership's tailoring and local courses when one is given.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from interagency.catalogue.durations import DurationError, parse_duration
from interagency.catalogue.matching import (
    Candidate,
    Match,
    Matcher,
    match_item,
    normalise,
    split_levels,
    tidy,
)
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    CourseTailoring,
    DeliveryMode,
    Equivalence,
    Pathway,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.tenancy.models import Partnership, Region

DEFAULT_WINDOW_MONTHS = 24
KINDS = (PathwayItem.Kind.REQUIRED, PathwayItem.Kind.RECOMMENDED)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, placed so a person can find and fix it.

    ``kind`` is "error" (the document cannot be loaded) or "unmatched" (a
    pathway names a course the framework lacks: loaded, stored without a
    course and reported).
    """

    sheet: str  # "framework", "tiers", "questions", "courses", "pathways"
    row: int  # 1-based within that list
    column: str
    value: Any
    message: str
    kind: str = "error"

    @property
    def blocking(self) -> bool:
        return self.kind == "error"

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}, {self.column}: {self.message}"


class DocumentInvalid(ValueError):
    """The document has blocking problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"The framework document has {len(problems)} problem(s).")


@dataclass(frozen=True)
class ItemReport:
    """What became of one name in one pathway."""

    role: str
    kind: str
    written: str
    part: str
    course: str  # the course matched, as shown; "" when unmatched
    reason: str
    note: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.course)

    @property
    def is_exact(self) -> bool:
        return self.reason == "exact" and not self.note


@dataclass
class LoadResult:
    framework: CompetenceFramework
    already_loaded: bool
    tiers: int
    courses: int
    roles: int
    pathway_items: int
    items: list[ItemReport] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unmatched(self) -> list[ItemReport]:
        return [item for item in self.items if not item.matched]

    @property
    def inexact(self) -> list[ItemReport]:
        """Matched, but not by the exact title: each is worth a look."""
        return [item for item in self.items if item.matched and not item.is_exact]


# --- Reading values ------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _name(value: Any) -> str:
    """A title or name as written, with single spaces."""
    return " ".join(_text(value).split())


def _rows(document: Mapping[str, Any], sheet: str, problems: list[Problem]) -> list[Mapping]:
    """The list ``sheet`` of the document, each row an object; problems for anything else."""
    value = document.get(sheet)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(sheet, 1, sheet, value, f"'{sheet}' must be a list."))
        return []
    rows = []
    for number, row in enumerate(value, start=1):
        if isinstance(row, Mapping):
            rows.append(row)
        else:
            problems.append(Problem(sheet, number, "", row, "Each row must be an object."))
            rows.append({})
    return rows


def _whole(value: Any) -> int | None:
    """A whole number from 3, "3" or 3.0; raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _strings(value: Any) -> list[str] | None:
    """A list of non-empty strings, or None when the value is not a list of strings."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return [item.strip() for item in value if item.strip()]


def _check_whole(
    problems: list[Problem], sheet: str, row: int, column: str, value: Any, *, minimum: int = 1
) -> int | None:
    try:
        number = _whole(value)
    except (TypeError, ValueError):
        number = minimum - 1
    if number is not None and number < minimum:
        problems.append(
            Problem(sheet, row, column, value, f"Enter a whole number of at least {minimum}.")
        )
        return None
    return number


def _check_hours(
    problems: list[Problem], sheet: str, row: int, column: str, value: Any
) -> Decimal | None:
    try:
        hours = _decimal(value)
    except ValueError:
        hours = Decimal(-1)
    if hours is not None and (hours < 0 or hours >= 10000):
        problems.append(Problem(sheet, row, column, value, "Enter a number of hours, like 6."))
        return None
    return hours


def _check_list(
    problems: list[Problem], sheet: str, row: int, column: str, value: Any
) -> list[str]:
    items = _strings(value)
    if items is None:
        problems.append(Problem(sheet, row, column, value, "Enter a list of texts."))
        return []
    return items


# --- Validation ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """What a document says, read and checked: shared by validation and building."""

    tier_order: dict[str, int] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)  # key: course row (1-based)
    course_rows: dict[int, Mapping] = field(default_factory=dict)
    durations: dict[int, tuple[Decimal, bool]] = field(default_factory=dict)
    prerequisites: dict[int, list[int]] = field(default_factory=dict)
    # (pathway row, kind) -> [(written name, [matches])]
    matches: dict[tuple[int, str], list[tuple[str, list[Match]]]] = field(default_factory=dict)


def validate_document(
    document: Any, *, strict: bool, matcher: Matcher = match_item
) -> list[Problem]:
    """Every problem in ``document``, in document order; empty when it can be loaded.

    ``strict`` makes a pathway item that names no course a blocking problem;
    otherwise it is a problem of kind "unmatched" that does not block loading.
    """
    problems: list[Problem] = []
    _read(document, problems, strict=strict, matcher=matcher)
    return problems


def _read(document: Any, problems: list[Problem], *, strict: bool, matcher: Matcher) -> _Plan:
    plan = _Plan()
    if not isinstance(document, Mapping):
        problems.append(
            Problem("framework", 1, "", type(document).__name__, "The document must be an object.")
        )
        return plan
    _read_framework(document, problems)
    _read_tiers(document, problems, plan)
    _read_questions(document, problems, plan)
    _read_courses(document, problems, plan)
    _read_pathways(document, problems, plan, strict=strict, matcher=matcher)
    return plan


def _read_framework(document: Mapping, problems: list[Problem]) -> None:
    def problem(column: str, message: str) -> None:
        problems.append(Problem("framework", 1, column, document.get(column), message))

    slug = _text(document.get("slug"))
    if not slug:
        problem("slug", "Enter the framework's short name, like competence-matters.")
    elif not _SLUG.match(slug) or len(slug) > 60:
        problem("slug", "Use up to 60 letters, digits and hyphens.")
    name = _text(document.get("name"))
    if not name:
        problem("name", "Enter the framework's name.")
    elif len(name) > 200:
        problem("name", "Use 200 characters or fewer.")
    if len(_text(document.get("version") or "1")) > 60:
        problem("version", "Use 60 characters or fewer.")
    owner = _text(document.get("owner") or CompetenceFramework.Owner.PARTNERSHIP)
    if owner not in CompetenceFramework.Owner.values:
        problem("owner", f"Choose one of: {', '.join(CompetenceFramework.Owner.values)}.")
    region = _text(document.get("region"))
    if owner == CompetenceFramework.Owner.REGIONAL and not region:
        problem("region", "A regional framework needs its region's code, like london.")
    if region and not _SLUG.match(region):
        problem("region", "Enter the region's code, like london.")
    if len(_text(document.get("source"))) > 300:
        problem("source", "Use 300 characters or fewer.")
    _check_whole(problems, "framework", 1, "period_months", document.get("period_months"))


def _read_tiers(document: Mapping, problems: list[Problem], plan: _Plan) -> None:
    rows = _rows(document, "tiers", problems)
    if not rows and isinstance(document.get("tiers", []), list):
        problems.append(Problem("tiers", 1, "code", None, "A framework needs at least one tier."))
    for number, row in enumerate(rows, start=1):
        code = _text(row.get("code"))
        if not code:
            problems.append(Problem("tiers", number, "code", row.get("code"), "Enter a code."))
        elif not _SLUG.match(code) or len(code) > 40:
            problems.append(
                Problem("tiers", number, "code", code, "Use up to 40 letters, digits, hyphens.")
            )
        elif code in plan.tier_order:
            problems.append(Problem("tiers", number, "code", code, f"Tier {code} is listed twice."))
        if not _text(row.get("name")):
            problems.append(Problem("tiers", number, "name", row.get("name"), "Enter a name."))
        order = _check_whole(problems, "tiers", number, "order", row.get("order"), minimum=0)
        hours = _check_hours(
            problems, "tiers", number, "hours_per_period", row.get("hours_per_period")
        )
        most = _check_hours(
            problems, "tiers", number, "hours_per_period_max", row.get("hours_per_period_max")
        )
        if hours is not None and most is not None and most < hours:
            problems.append(
                Problem(
                    "tiers",
                    number,
                    "hours_per_period_max",
                    row.get("hours_per_period_max"),
                    "The most hours cannot be fewer than the least.",
                )
            )
        for column in ("outcomes", "example_roles"):
            _check_list(problems, "tiers", number, column, row.get(column))
        if code and code not in plan.tier_order:
            plan.tier_order[code] = order if order is not None else number


def _read_questions(document: Mapping, problems: list[Problem], plan: _Plan) -> None:
    for number, row in enumerate(_rows(document, "questions", problems), start=1):
        if not _text(row.get("text")):
            problems.append(
                Problem("questions", number, "text", row.get("text"), "Enter the question.")
            )
        tier = _text(row.get("tier_if_yes"))
        if tier not in plan.tier_order:
            problems.append(
                Problem(
                    "questions",
                    number,
                    "tier_if_yes",
                    row.get("tier_if_yes"),
                    _unknown_tier(tier, plan),
                )
            )


def _unknown_tier(code: str, plan: _Plan) -> str:
    known = ", ".join(plan.tier_order) or "none"
    if not code:
        return f"Enter the tier's code (the framework's tiers: {known})."
    return f"There is no tier {code} (the framework's tiers: {known})."


def _read_courses(document: Mapping, problems: list[Problem], plan: _Plan) -> None:
    seen: dict[tuple[str, str, int | None], int] = {}
    rows = _rows(document, "courses", problems)
    for number, row in enumerate(rows, start=1):

        def problem(column: str, message: str, *, number: int = number, row: Mapping = row) -> None:
            problems.append(Problem("courses", number, column, row.get(column), message))

        title = _name(row.get("title"))
        if not title:
            problem("title", "Enter the course title.")
        elif len(title) > 200:
            problem("title", "Use 200 characters or fewer.")
        tier = _text(row.get("tier"))
        if tier not in plan.tier_order:
            problem("tier", _unknown_tier(tier, plan))
        category = _text(row.get("category"))
        if category not in Course.Category.values:
            problem("category", f"Choose one of: {', '.join(Course.Category.values)}.")
        try:
            level = _whole(row.get("level"))
        except (TypeError, ValueError):
            level = 0
        if level not in (None, *Course.Level.values):
            problem("level", "Enter 1, 2 or leave it empty.")
            level = None
        duration_text = _text(row.get("duration"))
        if not duration_text:
            problem("duration", "Enter the duration, like '1 day or 6 hours'.")
        else:
            try:
                hours, is_minimum = parse_duration(duration_text)
            except DurationError as error:
                problem("duration", str(error))
            else:
                if hours < Decimal("0.5") or hours >= 10000:
                    problem("duration", "A course lasts at least half an hour.")
                else:
                    plan.durations[number] = (hours, is_minimum)
        modes = _check_list(
            problems, "courses", number, "delivery_modes", row.get("delivery_modes")
        )
        unknown = [mode for mode in modes if mode not in DeliveryMode.values]
        if unknown:
            problem(
                "delivery_modes",
                f"Unknown delivery mode {', '.join(unknown)}: choose from "
                f"{', '.join(DeliveryMode.values)}.",
            )
        for column in ("outcomes", "topics", "prerequisites"):
            _check_list(problems, "courses", number, column, row.get(column))
        if len(_text(row.get("prerequisite_note"))) > 200:
            problem("prerequisite_note", "Use 200 characters or fewer.")
        _check_whole(problems, "courses", number, "refresh_months", row.get("refresh_months"))
        if row.get("local") not in (None, True, False):
            problem("local", "Enter true or false.")
        if title and tier in plan.tier_order:
            duplicate = (tier, title.casefold(), level)
            if duplicate in seen:
                problem(
                    "title",
                    f"Tier {tier} already has '{title}'"
                    + (f" at Level {level}" if level else "")
                    + f" (row {seen[duplicate]}).",
                )
            else:
                seen[duplicate] = number
                plan.course_rows[number] = row
                category_value = category if category in Course.Category.values else ""
                plan.candidates.append(Candidate(number, title, level, tier, category_value))
    by_title: dict[str, list[Candidate]] = {}
    for candidate in plan.candidates:
        by_title.setdefault(tidy(candidate.title).casefold(), []).append(candidate)
    for candidate in plan.candidates:
        number = int(str(candidate.key))
        wanted = _strings(plan.course_rows[number].get("prerequisites")) or []
        found = []
        for title in wanted:
            options = [c for c in by_title.get(tidy(title).casefold(), []) if c != candidate]
            if not options:
                problems.append(
                    Problem(
                        "courses",
                        number,
                        "prerequisites",
                        title,
                        f"The prerequisite '{title}' names no other course of the framework.",
                    )
                )
                continue
            found.append(_prerequisite(candidate, options, plan.tier_order))
        plan.prerequisites[number] = found


def _prerequisite(course: Candidate, options: list[Candidate], tier_order: dict[str, int]) -> int:
    """The course a prerequisite title means: the level below, then the nearest tier."""
    home = tier_order.get(course.tier, 0)
    below = (course.level - 1) if course.level else None

    def rank(option: Candidate) -> tuple[int, int, int]:
        return (
            0 if option.level == below else 1,
            abs(tier_order.get(option.tier, home) - home),
            option.level or 0,
        )

    return int(str(min(options, key=rank).key))


def _read_pathways(
    document: Mapping, problems: list[Problem], plan: _Plan, *, strict: bool, matcher: Matcher
) -> None:
    roles: dict[str, int] = {}
    for number, row in enumerate(_rows(document, "pathways", problems), start=1):

        def problem(column: str, message: str, *, number: int = number, row: Mapping = row) -> None:
            problems.append(Problem("pathways", number, column, row.get(column), message))

        role = _name(row.get("role"))
        if not role:
            problem("role", "Enter the role the pathway is for.")
        elif len(role) > 150:
            problem("role", "Use 150 characters or fewer.")
        elif role.casefold() in roles:
            problem(
                "role", f"The role '{role}' already has a pathway (row {roles[role.casefold()]})."
            )
        else:
            roles[role.casefold()] = number
        tier = _text(row.get("tier"))
        if tier not in plan.tier_order:
            problem("tier", _unknown_tier(tier, plan))
        _check_whole(problems, "pathways", number, "window_months", row.get("window_months"))
        _check_hours(problems, "pathways", number, "hours_per_period", row.get("hours_per_period"))
        _check_whole(problems, "pathways", number, "period_months", row.get("period_months"))
        matched_names: set[str] = set()
        for kind in KINDS:
            names = _check_list(problems, "pathways", number, kind, row.get(kind))
            found = []
            for name in names:
                if len(name) > 200:
                    problems.append(
                        Problem("pathways", number, kind, name, "Use 200 characters or fewer.")
                    )
                    continue
                matches = matcher(
                    name,
                    tier=tier,
                    candidates=plan.candidates,
                    tier_order=plan.tier_order,
                )
                found.append((name, matches))
                matched_names.add(normalise(name))
                for match in matches:
                    matched_names.add(normalise(match.part))
                    if match.candidate is None:
                        problems.append(_unmatched(number, kind, match, strict=strict))
                    else:
                        matched_names.add(normalise(match.candidate.title))
            plan.matches[(number, kind)] = found
        _read_refreshers(row, number, problems, matched_names)
        _read_equivalences(row, number, problems, plan, tier, matcher)


def _unmatched(number: int, kind: str, match: Match, *, strict: bool) -> Problem:
    part = f"'{match.part}'"
    if match.part != match.written:
        part += f" (part of '{match.written}')"
    return Problem(
        "pathways",
        number,
        kind,
        match.written,
        f"{part} matches no course of the framework"
        + ("." if strict else ": it is kept, without a course, for you to match."),
        kind="error" if strict else "unmatched",
    )


def _read_refreshers(
    row: Mapping, number: int, problems: list[Problem], matched_names: set[str]
) -> None:
    refreshers = row.get("refreshers") or []
    if not isinstance(refreshers, list):
        problems.append(Problem("pathways", number, "refreshers", refreshers, "Enter a list."))
        return
    for refresher in refreshers:
        if not isinstance(refresher, Mapping):
            problems.append(
                Problem("pathways", number, "refreshers", refresher, "Enter course and months.")
            )
            continue
        course = _text(refresher.get("course"))
        if normalise(course) not in matched_names:
            problems.append(
                Problem(
                    "pathways",
                    number,
                    "refreshers",
                    course,
                    f"The refresher '{course}' is not one of this pathway's courses.",
                )
            )
        if (
            _check_whole(problems, "pathways", number, "refreshers", refresher.get("every_months"))
            is None
        ):
            problems.append(
                Problem(
                    "pathways",
                    number,
                    "refreshers",
                    refresher.get("every_months"),
                    f"Say every how many months '{course}' is refreshed.",
                )
            )


def _read_equivalences(
    row: Mapping, number: int, problems: list[Problem], plan: _Plan, tier: str, matcher: Matcher
) -> None:
    equivalences = row.get("equivalences") or []
    if not isinstance(equivalences, list):
        problems.append(Problem("pathways", number, "equivalences", equivalences, "Enter a list."))
        return
    for equivalence in equivalences:
        if not isinstance(equivalence, Mapping):
            problems.append(
                Problem("pathways", number, "equivalences", equivalence, "Enter an object.")
            )
            continue
        for column in ("counts_for", "course"):
            name = _text(equivalence.get(column))
            if column == "course" and not name:
                if not _text(equivalence.get("external_training")):
                    problems.append(
                        Problem(
                            "pathways",
                            number,
                            "equivalences",
                            equivalence,
                            "Name the course or the external training that counts.",
                        )
                    )
                continue
            if _single_course(name, tier, plan, matcher) is None:
                problems.append(
                    Problem(
                        "pathways",
                        number,
                        "equivalences",
                        name,
                        f"The equivalence names '{name}', which is no course of the framework.",
                    )
                )


def _single_course(name: str, tier: str, plan: _Plan, matcher: Matcher) -> Candidate | None:
    if not name:
        return None
    matches = matcher(name, tier=tier, candidates=plan.candidates, tier_order=plan.tier_order)
    if len(matches) != 1:
        return None
    return matches[0].candidate


# --- Building ------------------------------------------------------------------------------


def build_framework(
    document: Mapping[str, Any],
    *,
    owner_partnership: Partnership | None = None,
    region: Region | None = None,
    matcher: Matcher = match_item,
) -> LoadResult:
    """Write ``document`` to the database once; raises :class:`DocumentInvalid` first.

    With ``owner_partnership`` the framework belongs to that partnership
    (an import); otherwise to the owner the document names. Loading the same
    slug and version for the same owner again returns the existing framework
    with ``already_loaded`` set and writes nothing.
    """
    problems: list[Problem] = []
    plan = _read(document, problems, strict=False, matcher=matcher)
    owner = _text(document.get("owner") or CompetenceFramework.Owner.PARTNERSHIP)
    if owner_partnership is None and owner == CompetenceFramework.Owner.PARTNERSHIP:
        problems.append(
            Problem(
                "framework",
                1,
                "owner",
                owner,
                "A partnership's own framework can only be imported into a partnership.",
            )
        )
    blocking = [problem for problem in problems if problem.blocking]
    if blocking:
        raise DocumentInvalid(blocking)
    slug = _text(document["slug"])
    version = _text(document.get("version")) or "1"
    with transaction.atomic():
        existing = CompetenceFramework.objects.filter(
            slug=slug, version=version, owner_partnership=owner_partnership
        ).first()
        if existing is not None:
            return _already_loaded(existing, problems)
        if owner_partnership is not None:
            owner = CompetenceFramework.Owner.PARTNERSHIP
            region = None
        elif region is None and (code := _text(document.get("region"))):
            region, _ = Region.objects.get_or_create(
                code=code, defaults={"name": code.replace("-", " ").title()}
            )
        if owner == CompetenceFramework.Owner.NATIONAL:
            region = None
        framework = CompetenceFramework.objects.create(
            slug=slug,
            version=version,
            name=_text(document["name"]),
            owner=owner,
            region=region,
            owner_partnership=owner_partnership,
            source=_text(document.get("source")),
            period_months=_whole(document.get("period_months")),
            questions=[
                {"text": _text(question.get("text")), "tier": _text(question.get("tier_if_yes"))}
                for question in document.get("questions") or []
            ],
        )
        tiers = _build_tiers(framework, document)
        courses = _build_courses(framework, plan, tiers, owner_partnership)
        roles, items, reports = _build_pathways(framework, document, plan, tiers, courses, matcher)
    return LoadResult(
        framework=framework,
        already_loaded=False,
        tiers=len(tiers),
        courses=len(courses),
        roles=roles,
        pathway_items=items,
        items=reports,
        warnings=problems,
    )


def _already_loaded(framework: CompetenceFramework, problems: list[Problem]) -> LoadResult:
    items = list(
        PathwayItem.objects.filter(pathway__role__framework=framework)
        .select_related("pathway__role", "course")
        .order_by("pathway__role_id", "kind", "order")
    )
    reports = []
    for item in items:
        if item.course_id is not None:
            continue
        part = item.named_as
        base, levels = split_levels(item.named_as)
        if len(levels) > 1:  # "Level 1 and 2": the level no sibling item matched
            found = {
                other.course.level
                for other in items
                if other.pathway_id == item.pathway_id
                and other.named_as == item.named_as
                and other.course is not None
            }
            missing = [level for level in levels if level not in found]
            if len(missing) == 1:
                part = f"{base} – Level {missing[0]}"
        reports.append(
            ItemReport(item.pathway.role.name, item.kind, item.named_as, part, "", "unmatched")
        )
    return LoadResult(
        framework=framework,
        already_loaded=True,
        tiers=framework.tiers.count(),
        courses=framework.courses.count(),
        roles=framework.roles.count(),
        pathway_items=len(items),
        items=reports,
        warnings=problems,
    )


def _build_tiers(framework: CompetenceFramework, document: Mapping) -> dict[str, Tier]:
    tiers = []
    for number, row in enumerate(document.get("tiers") or [], start=1):
        order = _whole(row.get("order"))
        tiers.append(
            Tier(
                framework=framework,
                code=_text(row["code"]),
                name=_text(row["name"]),
                order=order if order is not None else number,
                audience=_text(row.get("audience")),
                outcomes=_strings(row.get("outcomes")) or [],
                example_roles=_strings(row.get("example_roles")) or [],
                hours_per_period=_decimal(row.get("hours_per_period")),
                hours_per_period_max=_decimal(row.get("hours_per_period_max")),
                note=_text(row.get("note")),
            )
        )
    Tier.objects.bulk_create(tiers)
    return {tier.code: tier for tier in tiers}


def _topics(names: set[str]) -> dict[str, Topic]:
    """Topics by slug, made once each and shared between frameworks."""
    wanted = {slugify(name)[:80]: name[:80] for name in names if slugify(name)}
    found = {topic.slug: topic for topic in Topic.objects.filter(slug__in=wanted)}
    missing = [Topic(slug=slug, name=name) for slug, name in wanted.items() if slug not in found]
    if missing:
        Topic.objects.bulk_create(missing, ignore_conflicts=True)
        found = {topic.slug: topic for topic in Topic.objects.filter(slug__in=wanted)}
        for slug, name in wanted.items():  # a topic of that name under another slug
            if slug not in found:
                found[slug] = Topic.objects.get(name=name)
    return found


def _build_courses(
    framework: CompetenceFramework,
    plan: _Plan,
    tiers: dict[str, Tier],
    owner_partnership: Partnership | None,
) -> dict[int, Course]:
    courses: dict[int, Course] = {}
    for candidate in plan.candidates:
        number = int(str(candidate.key))
        row = plan.course_rows[number]
        hours, is_minimum = plan.durations[number]
        courses[number] = Course(
            framework=framework,
            tier=tiers[candidate.tier],
            local_to=owner_partnership if row.get("local") else None,
            title=candidate.title,
            category=candidate.category,
            level=candidate.level,
            duration_hours=hours,
            duration_is_minimum=is_minimum,
            duration_text=_text(row.get("duration"))[:60],
            aims=_text(row.get("aims")),
            outcomes=_strings(row.get("outcomes")) or [],
            delivery_modes=_strings(row.get("delivery_modes")) or [],
            prerequisite_note=_text(row.get("prerequisite_note")),
            refresh_months=_whole(row.get("refresh_months")),
        )
    Course.objects.bulk_create(list(courses.values()))
    topic_names = {
        number: _strings(plan.course_rows[number].get("topics")) or [] for number in courses
    }
    topics = _topics({name for names in topic_names.values() for name in names})
    links = []
    for number, names in topic_names.items():
        seen = set()
        for name in names:
            topic = topics.get(slugify(name)[:80])
            if topic and topic.pk not in seen:
                seen.add(topic.pk)
                links.append(Course.topics.through(course_id=courses[number].pk, topic_id=topic.pk))
    Course.topics.through.objects.bulk_create(links)
    needs = []
    for number, prerequisites in plan.prerequisites.items():
        for required in dict.fromkeys(prerequisites):
            needs.append(
                Course.prerequisites.through(
                    from_course_id=courses[number].pk, to_course_id=courses[required].pk
                )
            )
    Course.prerequisites.through.objects.bulk_create(needs)
    return courses


def _shown(course: Course) -> str:
    return (
        f"{course.title} – Level {course.level} ({course.tier.name})"
        if course.level
        else (f"{course.title} ({course.tier.name})")
    )


def _build_pathways(
    framework: CompetenceFramework,
    document: Mapping,
    plan: _Plan,
    tiers: dict[str, Tier],
    courses: dict[int, Course],
    matcher: Matcher,
) -> tuple[int, int, list[ItemReport]]:
    rows = list(document.get("pathways") or [])
    roles = [
        Role(framework=framework, name=_name(row["role"]), tier=tiers[_text(row["tier"])])
        for row in rows
    ]
    Role.objects.bulk_create(roles)
    pathways = []
    for row, role in zip(rows, roles, strict=True):
        window = _whole(row.get("window_months"))
        pathways.append(
            Pathway(
                role=role,
                window_months=window or DEFAULT_WINDOW_MONTHS,
                hours_per_period=_decimal(row.get("hours_per_period")),
                period_months=_whole(row.get("period_months")),
            )
        )
    Pathway.objects.bulk_create(pathways)
    items: list[PathwayItem] = []
    reports: list[ItemReport] = []
    equivalences: dict[tuple[int, int | None, str], Equivalence] = {}
    for number, (row, pathway) in enumerate(zip(rows, pathways, strict=True), start=1):
        role_name = pathway.role.name
        refresh = {
            normalise(_text(refresher.get("course"))): _whole(refresher.get("every_months"))
            for refresher in row.get("refreshers") or []
        }
        used: set[int] = set()
        for kind in KINDS:
            order = 0
            for written, matches in plan.matches.get((number, kind), []):
                for match in matches:
                    course = courses[int(str(match.candidate.key))] if match.candidate else None
                    if course is not None and course.pk in used:
                        reports.append(
                            ItemReport(
                                role_name,
                                kind,
                                written,
                                match.part,
                                _shown(course),
                                "listed twice",
                                "the pathway already has this course, so it is kept once",
                            )
                        )
                        continue
                    if course is not None:
                        used.add(course.pk)
                    names = [normalise(written), normalise(match.part)]
                    if course is not None:
                        names.append(normalise(course.title))
                    repeat = next((refresh[name] for name in names if name in refresh), None)
                    items.append(
                        PathwayItem(
                            pathway=pathway,
                            course=course,
                            named_as=written,
                            kind=kind,
                            order=order,
                            repeat_every_months=repeat,
                        )
                    )
                    order += 1
                    reports.append(
                        ItemReport(
                            role_name,
                            kind,
                            written,
                            match.part,
                            _shown(course) if course else "",
                            match.reason,
                            match.note,
                        )
                    )
        tier = _text(row.get("tier"))
        for equivalence in row.get("equivalences") or []:
            counts_for = _single_course(_text(equivalence.get("counts_for")), tier, plan, matcher)
            counted = _single_course(_text(equivalence.get("course")), tier, plan, matcher)
            if counts_for is None:
                continue
            target = courses[int(str(counts_for.key))]
            course = courses[int(str(counted.key))] if counted else None
            external = "" if course else _text(equivalence.get("external_training"))[:200]
            key = (target.pk, course.pk if course else None, external)
            equivalences.setdefault(
                key, Equivalence(counts_for=target, course=course, external_training=external)
            )
    PathwayItem.objects.bulk_create(items)
    Equivalence.objects.bulk_create(list(equivalences.values()))
    return len(roles), len(items), reports


# --- Exporting -----------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _hours_text(hours: Decimal, *, minimum: bool = False) -> str:
    number = _number(hours)
    text = f"{number} hour" + ("" if number == 1 else "s")
    return f"minimum {text}" if minimum else text


def export_document(
    framework: CompetenceFramework, *, partnership: Partnership | None = None
) -> dict[str, Any]:
    """``framework`` as a document; with ``partnership``, as that partnership runs it.

    A partnership's export leaves out the courses it hides, uses its local
    titles and durations, and adds its local courses and roles (``"local": true``).
    """
    local_owner = partnership or framework.owner_partnership
    local = Q(local_to__isnull=True)
    if local_owner is not None:
        local |= Q(local_to=local_owner)
    tailoring: dict[int, CourseTailoring] = {}
    if partnership is not None:
        tailoring = {
            t.course_id: t
            for t in CourseTailoring.objects.for_partnership(partnership).filter(
                course__framework=framework
            )
        }
    tiers = list(framework.tiers.order_by("order", "pk"))
    courses = [
        course
        for course in framework.courses.filter(local).select_related("tier").order_by("pk")
        if not (course.pk in tailoring and tailoring[course.pk].hidden)
    ]
    shown = {course.pk: course for course in courses}

    def title(course: Course) -> str:
        tailored = tailoring.get(course.pk)
        return tailored.local_title if tailored and tailored.local_title else course.title

    topics: dict[int, list[str]] = {}
    for link in (
        Course.topics.through.objects.filter(course_id__in=shown)
        .select_related("topic")
        .order_by("pk")
    ):
        topics.setdefault(link.course_id, []).append(link.topic.name)
    prerequisites: dict[int, list[str]] = {}
    for need in Course.prerequisites.through.objects.filter(from_course_id__in=shown).order_by(
        "pk"
    ):
        if need.to_course_id in shown:
            prerequisites.setdefault(need.from_course_id, []).append(
                title(shown[need.to_course_id])
            )

    def course_row(course: Course) -> dict[str, Any]:
        tailored = tailoring.get(course.pk)
        duration = course.duration_text or _hours_text(
            course.duration_hours, minimum=course.duration_is_minimum
        )
        if (
            tailored
            and tailored.local_duration_hours is not None
            and tailored.local_duration_hours != course.duration_hours
        ):
            duration = _hours_text(tailored.local_duration_hours)
        row: dict[str, Any] = {
            "title": title(course),
            "tier": course.tier.code,
            "category": course.category,
            "level": course.level,
            "duration": duration,
            "aims": course.aims,
            "outcomes": list(course.outcomes),
            "topics": topics.get(course.pk, []),
            "delivery_modes": list(course.delivery_modes),
            "prerequisites": prerequisites.get(course.pk, []),
            "prerequisite_note": course.prerequisite_note,
        }
        if course.refresh_months is not None:
            row["refresh_months"] = course.refresh_months
        if course.local_to_id is not None:
            row["local"] = True
        return row

    roles = list(framework.roles.filter(local).select_related("tier", "pathway").order_by("pk"))
    items: dict[int, list[PathwayItem]] = {}
    for item in (
        PathwayItem.objects.filter(pathway__role__in=roles)
        .select_related("course")
        .order_by("pathway_id", "order", "pk")
    ):
        items.setdefault(item.pathway_id, []).append(item)
    equivalences = _equivalences(framework, shown, title)

    def pathway_row(role: Role) -> dict[str, Any]:
        pathway = getattr(role, "pathway", None)
        row: dict[str, Any] = {
            "role": role.name,
            "tier": role.tier.code,
            "window_months": pathway.window_months if pathway else DEFAULT_WINDOW_MONTHS,
            "required": [],
            "recommended": [],
        }
        if pathway is None:
            return row
        refreshers = []
        course_ids = set()
        for kind in KINDS:
            names = row[kind]
            for item in items.get(pathway.pk, []):
                if item.kind != kind:
                    continue
                if item.course_id:
                    course_ids.add(item.course_id)
                if not names or names[-1] != item.named_as:
                    names.append(item.named_as)
                if item.repeat_every_months and item.course is not None:
                    refreshers.append(
                        {"course": title(item.course), "every_months": item.repeat_every_months}
                    )
        if pathway.hours_per_period is not None:
            row["hours_per_period"] = _number(pathway.hours_per_period)
        if pathway.period_months is not None:
            row["period_months"] = pathway.period_months
        if refreshers:
            row["refreshers"] = refreshers
        mine = [pair for pair in equivalences if pair[0] in course_ids]
        if mine:
            row["equivalences"] = [equivalence for _target, equivalence in mine]
            for pair in mine:
                equivalences.remove(pair)
        return row

    document: dict[str, Any] = {
        "slug": framework.slug,
        "name": framework.name,
        "owner": framework.owner,
        "region": framework.region.code if framework.region_id and framework.region else None,
        "version": framework.version,
        "source": framework.source,
        "period_months": framework.period_months,
        "tiers": [
            {
                "code": tier.code,
                "name": tier.name,
                "order": tier.order,
                "audience": tier.audience,
                "outcomes": list(tier.outcomes),
                "example_roles": list(tier.example_roles),
                "hours_per_period": _number(tier.hours_per_period),
                "hours_per_period_max": _number(tier.hours_per_period_max),
                "note": tier.note,
            }
            for tier in tiers
        ],
        "questions": [
            {"text": question.get("text", ""), "tier_if_yes": question.get("tier", "")}
            for question in framework.questions or []
        ],
        "courses": [course_row(course) for course in courses],
        "pathways": [pathway_row(role) for role in roles],
    }
    if equivalences and document["pathways"]:  # counted for a course no pathway lists
        first = document["pathways"][0]
        first["equivalences"] = [
            *first.get("equivalences", []),
            *(equivalence for _target, equivalence in equivalences),
        ]
    return document


def _equivalences(
    framework: CompetenceFramework, shown: dict[int, Course], title: Any
) -> list[tuple[int, dict[str, str]]]:
    """The framework's equivalences: (the course counted for, the document row)."""
    rows: list[tuple[int, dict[str, str]]] = []
    for equivalence in (
        Equivalence.objects.filter(counts_for__framework=framework, counts_for__in=shown)
        .select_related("course")
        .order_by("pk")
    ):
        row = {"counts_for": title(shown[equivalence.counts_for_id])}
        if equivalence.course_id and equivalence.course_id in shown:
            row["course"] = title(shown[equivalence.course_id])
        elif equivalence.external_training:
            row["external_training"] = equivalence.external_training
        else:
            continue
        rows.append((equivalence.counts_for_id, row))
    return rows


def load_document(path: str) -> dict[str, Any]:
    """A document from a JSON file (UTF-8)."""
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def frameworks_directory() -> Sequence[str]:
    """The slugs of the frameworks shipped in ``catalogue/data/``."""
    from importlib import resources

    files = resources.files("interagency.catalogue").joinpath("data")
    return sorted(
        entry.name.removesuffix(".json")
        for entry in files.iterdir()
        if entry.name.endswith(".json")
    )


def shipped_document(slug: str) -> dict[str, Any]:
    """The shipped document ``slug`` (competence-matters, intercollegiate-health)."""
    import json
    from importlib import resources

    text = resources.files("interagency.catalogue").joinpath(f"data/{slug}.json").read_text("utf-8")
    return json.loads(text)

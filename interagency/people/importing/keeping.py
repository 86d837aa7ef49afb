"""Keeping a checked plan from the preview to the apply.

Checking 100,000 rows takes seconds. The preview keeps its plan (compressed
JSON) with a fingerprint of everything the plan was made from: the file, the
columns, the day, the agency's people (how many, the newest id, the latest
change), its services and the partnership's roles. Applying uses the kept
plan when the fingerprint is unchanged, and checks every row again otherwise.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zlib
from collections.abc import Iterable

from django.utils import timezone

from interagency.people.importing.checking import Plan, Problem
from interagency.people.models import Agency, Person, Post, Service

_DATE_KEYS = ("started_on", "left_on")


def plan_fingerprint(
    *,
    agency: Agency,
    file_sha256: str,
    columns: dict[str, str],
    roles: Iterable,
    full_staff_list: bool,
    today: datetime.date | None = None,
    decisions: object = None,
) -> str:
    """A digest of what ``checking.plan_import`` reads; changes whenever a plan could differ."""
    from django.db.models import Count, Max

    people = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .aggregate(count=Count("pk"), newest=Max("pk"), changed=Max("updated_at"))
    )
    posts = (
        Post.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .aggregate(count=Count("pk"), newest=Max("pk"), changed=Max("updated_at"))
    )
    services = list(
        Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .order_by("pk")
        .values_list("pk", "name")
    )
    parts = [
        file_sha256,
        sorted(columns.items()),
        full_staff_list,
        (today or timezone.localdate()).isoformat(),
        [people["count"], people["newest"], str(people["changed"])],
        [posts["count"], posts["newest"], str(posts["changed"])],
        services,
        sorted((role.pk, role.name) for role in roles),
        decisions,  # what every row must have, and the importer's choices
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def dump_plan(plan: Plan) -> bytes:
    """The plan as compressed JSON, to keep beside the import."""
    index = {id(values): number for number, values in enumerate(plan.creates)}
    managers = [
        ["c", index[id(values)], email]
        if id(values) in index
        else ["u", values["pk"], values.get("_line_manager_id"), email]
        for values, email in plan.line_managers
    ]
    data = {
        "version": 1,
        "creates": plan.creates,
        "updates": [[pk, values, sorted(names)] for pk, values, names in plan.updates],
        "unchanged": plan.unchanged,
        "mark_left": plan.mark_left,
        "rejected_rows": plan.rejected_rows,
        "problems": [[p.row, p.column, p.value, p.message, p.level] for p in plan.problems],
        "new_services": plan.new_services,
        "line_managers": managers,
        "rows_total": plan.rows_total,
        "post_creates": [
            [["c", index[id(person)]] if id(person) in index else ["u", person["pk"]], values]
            for person, values in plan.post_creates
        ],
        "post_updates": plan.post_updates,
        "new_roles": plan.new_roles,
        "posts_ended": plan.posts_ended,
    }
    text = json.dumps(data, default=lambda day: day.isoformat(), separators=(",", ":"))
    return zlib.compress(text.encode(), 1)


def load_plan(data: bytes) -> Plan:
    """The plan :func:`dump_plan` kept."""
    raw = json.loads(zlib.decompress(data))
    if raw.get("version") != 1:
        raise ValueError("A plan kept by another version.")
    fromiso = datetime.date.fromisoformat

    def dates(values: dict) -> dict:
        for key in _DATE_KEYS:
            if isinstance(values.get(key), str):
                values[key] = fromiso(values[key])
        return values

    creates = [dates(values) for values in raw["creates"]]
    line_managers: list[tuple[dict, str]] = []
    for entry in raw["line_managers"]:
        if entry[0] == "c":
            line_managers.append((creates[entry[1]], entry[2]))
        else:
            line_managers.append(({"pk": entry[1], "_line_manager_id": entry[2]}, entry[3]))
    post_creates = [
        (creates[ref[1]] if ref[0] == "c" else {"pk": ref[1]}, dates(values))
        for ref, values in raw.get("post_creates", [])
    ]
    return Plan(
        post_creates=post_creates,
        post_updates=[(pk, dates(values)) for pk, values in raw.get("post_updates", [])],
        creates=creates,
        updates=[(pk, dates(values), frozenset(names)) for pk, values, names in raw["updates"]],
        unchanged=raw["unchanged"],
        mark_left=[(pk, fromiso(day)) for pk, day in raw["mark_left"]],
        rejected_rows=raw["rejected_rows"],
        problems=[Problem(*problem) for problem in raw["problems"]],
        new_services=raw["new_services"],
        line_managers=line_managers,
        rows_total=raw["rows_total"],
        new_roles=raw.get("new_roles", {}),
        posts_ended=[(pk, fromiso(day)) for pk, day in raw.get("posts_ended", [])],
    )

"""Further posts in a staff list: a person's second row with another service, role or title.

HR systems export one row per post. Within one file, a row for a person an
earlier row already named (the same work email, else the same staff number)
is another post of theirs when its service, role or job title differ
(:func:`signature`), and a duplicate when they do not. A post of a person
already in the agency is recognised on re-import by the same three (with the
agency) and updated rather than added again (decision 0015). A full staff list ends
the current further posts of the people it names that none of their rows names any more
(:func:`posts_not_in_file`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from interagency.people.models import Agency, Post

# The fields a row sets on a further post, in the order they are compared.
POST_FIELDS = ("job_title", "role_id", "service_id", "employment_type", "started_on", "left_on")


def signature(values: dict) -> tuple:
    """What tells one post of a person from another: service, role and job title."""
    if values.get("service_name"):
        service: object = ("new", values["service_name"].lower())
    else:
        service = values.get("service_id")
    return (service, values.get("role_id"), " ".join(values.get("job_title", "").split()).lower())


@dataclass
class InFile:
    """A person the file has named: who they are and the posts its rows gave them."""

    row: int
    email: str
    # The plan's row that creates them, or {"pk": id} for a person already in the agency.
    person: dict
    signatures: set[tuple] = field(default_factory=set)


def existing_posts(agency: Agency) -> dict[tuple[int, tuple], dict]:
    """The agency's further posts by (person id, :func:`signature`): one query."""
    rows = (
        Post.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values("pk", "person_id", "line_manager_id", *POST_FIELDS)
        .order_by("pk")
    )
    return {(row["person_id"], signature(row)): row for row in rows}


def plan_post(
    *,
    plan,
    person: InFile,
    values: dict,
    manager_email: str,
    existing: dict[tuple[int, tuple], dict],
    emails_to_ids: dict[str, int],
) -> None:
    """Add the row's post of ``person`` to ``plan``: a new post, an update, or unchanged."""
    post = {name: values[name] for name in POST_FIELDS if name in values}
    post.setdefault("job_title", "")
    if "service_name" in values:
        post["service_name"] = values["service_name"]
    post["_line_manager_email"] = manager_email
    post["_row"] = values.get("_row")
    person.signatures.add(signature(values))
    found = (
        existing.get((person.person["pk"], signature(values))) if "pk" in person.person else None
    )
    if found is None:
        post.setdefault("employment_type", "permanent")
        plan.post_creates.append((person.person, post))
        return
    changes = {
        name: new for name, new in post.items() if name in POST_FIELDS and found[name] != new
    }
    if manager_email and emails_to_ids.get(manager_email.lower()) != found["line_manager_id"]:
        changes["_line_manager_email"] = manager_email
    if changes:
        plan.post_updates.append((found["pk"], {**found, **changes}))
    else:
        plan.unchanged += 1


def posts_not_in_file(
    existing: dict[tuple[int, tuple], dict],
    in_file: Iterable[InFile],
    *,
    held_back: set[int],
    today: datetime.date,
) -> list[tuple[int, datetime.date]]:
    """``(post id, the day it ends)`` for each current further post of a person the full
    staff list names whose rows no longer name it (by service, role and job title): it ends
    today, or on its start date when it starts later. A person with a rejected row keeps
    their posts (the rejected row may be one of them)."""
    signatures_of = {
        person.person["pk"]: person.signatures for person in in_file if "pk" in person.person
    }
    ended = []
    for (person_id, post_signature), post in existing.items():
        named = signatures_of.get(person_id)
        if named is None or person_id in held_back or post_signature in named:
            continue
        if post["left_on"] is not None and post["left_on"] <= today:
            continue  # ended already
        started = post["started_on"]
        ended.append((post["pk"], started if started and started > today else today))
    return sorted(ended)

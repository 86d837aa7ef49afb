"""A person's further posts (``Post``): added, changed and ended, each change audited.

A person's own post fields are their main post and change through
``services.people``; these are the others (decision 0015). Callers check
permission first (``visibility.can_edit_person`` for the post's person); the
services check that every row a post points at belongs to the person's
partnership, and that a service belongs to the post's agency.
"""

import datetime
from typing import TYPE_CHECKING, Any

from interagency.audit.services import snapshot
from interagency.core.errors import ServiceError
from interagency.people.models import Person, Post
from interagency.people.services.audited import refuse_unknown, save_audited

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

POST_AUDITED_FIELDS = [
    "person_id",
    "agency_id",
    "service_id",
    "role_id",
    "job_title",
    "line_manager_id",
    "employment_type",
    "started_on",
    "left_on",
]
POST_FIELDS = frozenset(
    {
        "agency",
        "service",
        "role",
        "job_title",
        "line_manager",
        "employment_type",
        "started_on",
        "left_on",
    }
)


def _validate_post(post: Post) -> None:
    """Model validation plus: the agency, service, role and manager are the partnership's."""
    post.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    partnership_id = post.person.partnership_id
    if post.agency.partnership_id != partnership_id:
        errors["agency"] = "Choose an agency of this partnership."
    manager = post.line_manager
    if manager is not None and (
        manager.partnership_id != partnership_id or manager.pk == post.person_id
    ):
        errors["line_manager"] = "Choose another person of this partnership as line manager."
    if post.role_id is not None:
        from interagency.catalogue.selectors import roles_of

        if not roles_of(post.person.partnership).filter(pk=post.role_id).exists():
            errors["role"] = "Choose a role of this partnership's catalogue."
    if errors:
        raise ServiceError(field_errors=errors)


def add_post(*, person: Person, changed_by: "_User", **fields: Any) -> Post:
    """Give ``person`` a further post (in their own agency unless ``agency`` says); audited."""
    refuse_unknown(fields, POST_FIELDS, "post")
    if person.merged_into_id is not None:
        raise ServiceError("This record was merged into another: change that one.")
    fields.setdefault("agency", person.agency)
    fields["job_title"] = " ".join((fields.get("job_title") or "").split())
    post = Post(partnership_id=person.partnership_id, person=person, **fields)
    _validate_post(post)
    save_audited(
        post,
        actor=changed_by,
        audited_fields=POST_AUDITED_FIELDS,
        before={},
        partnership=person.partnership,
    )
    return post


def update_post(*, post: Post, changed_by: "_User", **fields: Any) -> Post:
    """Change a further post; the before/after difference is audited."""
    refuse_unknown(fields, POST_FIELDS, "post")
    before = snapshot(post, POST_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(post, name, " ".join((value or "").split()) if name == "job_title" else value)
    moved = "agency" in fields and "service" not in fields and post.service is not None
    if moved and post.service.agency_id != post.agency_id:  # type: ignore[union-attr]
        post.service = None  # a new agency: the old agency's service no longer fits
    _validate_post(post)
    save_audited(
        post,
        actor=changed_by,
        audited_fields=POST_AUDITED_FIELDS,
        before=before,
        partnership=post.person.partnership,
    )
    return post


def end_post(*, post: Post, left_on: datetime.date, changed_by: "_User") -> Post:
    """Record the day a further post ends (on or after it started); audited."""
    return update_post(post=post, changed_by=changed_by, left_on=left_on)

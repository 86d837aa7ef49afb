"""A person's further posts in the people API: add one, change or end one.

The same rule as changing the person (``visibility.can_edit_person``:
coordinators, and the leads of the person's agency); a person the caller may
not change, or a post of anyone else, answers 404. Agency leads give posts
only in agencies they lead. Every change is audited (``services.posts``).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from interagency.core.api_errors import error_responses
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import PersonAct, person_for
from interagency.people.api.references import check_agency, references
from interagency.people.api_schemas import PostIn, PostOut, PostPatch
from interagency.people.services.posts import add_post, update_post
from interagency.tenancy.access import access_for

router = Router(tags=["people"])


@router.post(
    "/{code}/people/{person_id}/posts",
    response={201: PostOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-posts",
    summary="Add a further post to a person",
)
def post_create(request: HttpRequest, code: str, person_id: int, payload: PostIn) -> Any:
    """A further post (another service, role or job title) of the person; audited."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    fields = references(access, payload.model_dump())
    if fields["agency"] is None:
        fields["agency"] = person.agency
    check_agency(access, fields["agency"])
    post = add_post(person=person, changed_by=access.user, **fields)
    return Status(201, selectors.post_in(access.partnership, person, post.pk))


@router.patch(
    "/{code}/people/{person_id}/posts/{post_id}",
    response={200: PostOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-post",
    summary="Change or end a further post",
)
def post_update(
    request: HttpRequest, code: str, person_id: int, post_id: int, payload: PostPatch
) -> Any:
    """Send only the fields to change; ``left_on`` ends the post. The change is audited."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    post = selectors.post_in(access.partnership, person, post_id)
    fields = references(access, payload.model_dump(exclude_unset=True))
    if fields.get("agency") is not None:
        check_agency(access, fields["agency"])
    if "agency" in fields and fields["agency"] is None:
        del fields["agency"]  # every post has an agency
    if "job_title" in fields and fields["job_title"] is None:
        fields["job_title"] = ""
    update_post(post=post, changed_by=access.user, **fields)
    return selectors.post_in(access.partnership, person, post_id)

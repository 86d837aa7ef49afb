"""The audit trail through the API: coordinators only, one partnership at a time."""

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.permissions import Role

TRAIL = "/api/v1/partnerships/camden/audit-events"


def _event(partnership, actor) -> AuditEvent:
    return record_event(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        subject=actor,
        partnership=partnership,
        changes={"full_name": ["Old", "New"]},
    )


def test_the_trail_lists_the_partnerships_events_newest_first(
    partnership, other_partnership, coordinator, token_client
):
    older, newer = _event(partnership, coordinator), _event(partnership, coordinator)
    _event(other_partnership, coordinator)

    body = token_client(coordinator).get(TRAIL).json()

    assert body["count"] == 2
    assert [event["id"] for event in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == {
        "id": newer.pk,
        "at": body["results"][0]["at"],
        "actor": coordinator.email,
        "action": "changed",
        "subject_type": "accounts.User",
        "subject_id": str(coordinator.pk),
        "subject_label": str(coordinator),
        "changes": {"full_name": ["Old", "New"]},
    }


def test_one_entry(partnership, coordinator, token_client):
    event = _event(partnership, coordinator)
    response = token_client(coordinator).get(f"{TRAIL}/{event.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == event.pk


def test_another_partnerships_entry_answers_like_an_unknown_one(
    partnership, other_partnership, coordinator, token_client
):
    theirs = _event(other_partnership, coordinator)
    client = token_client(coordinator)
    unknown = client.get(f"{TRAIL}/{theirs.pk + 1000}")
    other = client.get(f"{TRAIL}/{theirs.pk}")
    assert unknown.status_code == other.status_code == 404
    assert unknown.json() == other.json() == {"detail": "Not found."}


def test_the_trail_needs_a_role_that_may_view_it(partnership, member_with, token_client):
    lead = member_with(Role.AGENCY_LEAD, Role.TRAINER)
    event = _event(partnership, lead)
    client = token_client(lead)
    for path in (TRAIL, f"{TRAIL}/{event.pk}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "roles" in response.json()["detail"]

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, record_events
from interagency.core.permissions import Role


@pytest.fixture
def event(coordinator, partnership):
    return record_event(
        actor=coordinator,
        action=AuditEvent.Action.CHANGED,
        subject=coordinator,
        partnership=partnership,
        changes={"full_name": ["Old", "New"]},
    )


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(event):
    event.subject_label = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(subject_label="tampered")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_an_update_that_bypasses_the_orm(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET subject_label = %s WHERE id = %s", ["x", event.pk]
        )
    event.refresh_from_db()
    assert event.subject_label != "x"


def test_many_entries_are_appended_in_one_insert_as_one_at_a_time_would(
    coordinator, partnership, member_with, django_assert_num_queries
):
    subjects = [member_with(Role.TRAINER), member_with(Role.LEARNER)]
    with django_assert_num_queries(1):
        events = record_events(
            actor=coordinator,
            action=AuditEvent.Action.CHANGED,
            changes=[(subject, {"full_name": ["Old", str(subject.pk)]}) for subject in subjects],
            partnership=partnership,
        )
    one = record_event(
        actor=coordinator,
        action=AuditEvent.Action.CHANGED,
        subject=subjects[0],
        changes={"full_name": ["Old", str(subjects[0].pk)]},
        partnership=partnership,
    )
    fields = [
        "partnership_id",
        "actor_user_id",
        "actor_label",
        "action",
        "subject_type",
        "subject_id",
        "subject_label",
        "changes",
    ]
    rows = AuditEvent.objects.filter(pk__in=[e.pk for e in [*events, one]]).order_by("id")
    first, second, alone = rows.values_list(*fields)
    assert first == alone
    assert second[5:7] == (str(subjects[1].pk), str(subjects[1]))
    events[0].subject_label = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        events[0].save()


def test_the_trail_keeps_who_acted_after_their_account_is_deleted(event, coordinator):
    email = coordinator.email
    coordinator.delete()
    event.refresh_from_db()
    assert event.actor_label == email
    assert event.actor_user_id is not None


def test_free_text_changes_are_recorded_as_changed_without_their_words():
    changes = diff(
        {"name": "A", "notes": "about a child"},
        {"name": "B", "notes": "about another child"},
        redact=frozenset({"notes"}),
    )
    assert changes == {"name": ["A", "B"], "notes": ["(changed)", "(changed)"]}


def test_coordinator_reads_an_entry_with_what_changed(coordinator_client, partnership, event):
    page = coordinator_client.get(f"/p/{partnership.code}/audit/{event.pk}/").text
    assert "full_name" in page and "Old" in page and "New" in page


def test_only_coordinators_see_the_trail(client, member_with, partnership, event):
    client.force_login(member_with(Role.AGENCY_LEAD, Role.LINE_MANAGER))
    assert client.get(f"/p/{partnership.code}/audit/").status_code == 403

"""The caller's own account."""

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory

ME = "/api/v1/me"


def test_me_describes_the_caller_and_their_roles(member_with, other_partnership, token_client):
    user = member_with(Role.TRAINER, Role.LEARNER)
    MembershipFactory(partnership=other_partnership, user=user, role=Role.BOARD_MEMBER)

    body = token_client(user).get(ME).json()

    assert body == {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "two_factor_enabled": False,
        "partnerships": [
            {
                "code": "camden",
                "name": "Camden Safeguarding Children Partnership",
                "roles": ["learner", "trainer"],
            },
            {
                "code": "islington",
                "name": "Islington Safeguarding Children Partnership",
                "roles": ["board"],
            },
        ],
    }


def test_changing_your_name_is_saved_and_audited(coordinator, token_client):
    old_name = coordinator.full_name
    response = token_client(coordinator).patch(
        ME, {"full_name": "  Jo Bloggs  "}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Jo Bloggs"
    coordinator.refresh_from_db()
    assert coordinator.full_name == "Jo Bloggs"
    event = AuditEvent.objects.get(subject_id=str(coordinator.pk))
    assert event.actor_user_id == coordinator.pk
    assert event.changes == {"full_name": [old_name, "Jo Bloggs"]}


def test_an_empty_patch_changes_nothing(coordinator, token_client):
    response = token_client(coordinator).patch(ME, {}, content_type="application/json")
    assert response.status_code == 200
    assert not AuditEvent.objects.exists()

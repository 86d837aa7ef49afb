"""Each list costs the same number of queries whatever its length.

Each case runs with 1 and with 30 rows (all on one page, the worst case for
a query per row). The budget counts token lookup and last-used update,
membership lookup, count and page.
"""

import pytest

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory

MAX_QUERIES = 5


@pytest.mark.parametrize("rows", [1, 30])
def test_partnership_list(coordinator, token_client, django_assert_max_num_queries, rows):
    for _ in range(rows - 1):
        MembershipFactory(partnership=PartnershipFactory(), user=coordinator, role=Role.TRAINER)
    client = token_client(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/partnerships")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_member_list(coordinator, token_client, django_assert_max_num_queries, rows):
    partnership = coordinator.memberships.get().partnership
    for _ in range(rows - 1):
        MembershipFactory(partnership=partnership, role=Role.LEARNER)
    client = token_client(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/partnerships/camden/members")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_audit_event_list(
    partnership, coordinator, token_client, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        record_event(
            actor=coordinator,
            action=AuditEvent.Action.CHANGED,
            subject=coordinator,
            partnership=partnership,
        )
    client = token_client(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/partnerships/camden/audit-events")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_me(coordinator, token_client, django_assert_max_num_queries, rows):
    for _ in range(rows - 1):
        MembershipFactory(partnership=PartnershipFactory(), user=coordinator, role=Role.TRAINER)
    client = token_client(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/v1/me")
    assert len(response.json()["partnerships"]) == rows

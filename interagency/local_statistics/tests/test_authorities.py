"""The coordinator names the partnership's local authorities, by name or code, checked."""

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.local_statistics.models import Authority, AuthorityChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookup(db):
    for code, name, upper_code, upper_name in (
        ("E09000007", "Camden", "E09000007", "Camden"),
        ("E07000117", "Burnley", "E10000017", "Lancashire"),
    ):
        Authority.objects.create(
            gss_code=code, name=name, upper_tier_code=upper_code, upper_tier_name=upper_name
        )
    AuthorityChange.objects.create(
        old_code="E10000021",
        old_name="Northamptonshire",
        new_code="E06000062",
        new_name="West Northamptonshire",
        kind="split",
    )


def url(partnership) -> str:
    return reverse("local_statistics:authorities", kwargs={"code": partnership.code})


def test_authorities_are_named_by_name_or_code_and_the_change_is_audited(
    lookup, partnership, coordinator_client
):
    answer = coordinator_client.post(
        url(partnership), {"authorities": "camden\n\nE10000017\nNorthamptonshire\nCamden"}
    )
    assert answer.status_code == 302
    partnership.refresh_from_db()
    assert partnership.local_authority_codes == ["E09000007", "E10000017", "E10000021"]
    event = AuditEvent.objects.get(
        subject_type="tenancy.Partnership", action=AuditEvent.Action.CHANGED
    )
    assert event.changes["local_authority_codes"][1] == ["E09000007", "E10000017", "E10000021"]
    page = coordinator_client.get(url(partnership)).content.decode()
    assert "Camden\nLancashire\nNorthamptonshire" in page


def test_an_unknown_authority_is_refused_by_line_and_nothing_is_changed(
    lookup, partnership, coordinator_client
):
    partnership.local_authority_codes = ["E09000007"]
    partnership.save()
    page = coordinator_client.post(
        url(partnership), {"authorities": "Camden\nCamdne\nE09999999"}
    ).content.decode()
    assert "Line 2: &#x27;Camdne&#x27; is not a local authority we know" in page
    assert "Line 3: &#x27;E09999999&#x27; is not a local authority we know" in page
    assert 'href="#id_authorities"' in page
    partnership.refresh_from_db()
    assert partnership.local_authority_codes == ["E09000007"]
    assert not AuditEvent.objects.filter(subject_type="tenancy.Partnership").exists()


def test_only_coordinators_change_them(lookup, partnership, member_with, sign_in, client):
    sign_in(member_with(Role.BOARD_MEMBER))
    assert client.get(url(partnership)).status_code == 403
    assert client.post(url(partnership), {"authorities": "Camden"}).status_code == 403
    figures = reverse("local_statistics:figures", kwargs={"code": partnership.code})
    assert "local-statistics/authorities/" not in client.get(figures).content.decode()

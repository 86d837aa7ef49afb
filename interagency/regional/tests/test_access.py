"""Only a region's own coordinators reach its benchmarks; everyone else gets the one 404."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from interagency.accounts.tests.factories import UserFactory
from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.regional.models import RegionalMembership
from interagency.regional.services import grant_regional_coordinator

pytestmark = pytest.mark.clock

PAGE = "/r/{}/benchmarks/"
API = "/api/v1/r/{}/benchmarks"


def answers(client, region_code: str) -> tuple[int, int, int]:
    download = reverse(
        "regional:benchmarks-download", kwargs={"region_code": region_code, "kind": "csv"}
    )
    return (
        client.get(PAGE.format(region_code)).status_code,
        client.get(API.format(region_code)).status_code,
        client.get(download).status_code,
    )


def test_the_regions_coordinator_reads_its_page_and_api(client, sign_in, regional_coordinator):
    assert answers(sign_in(regional_coordinator), "london") == (200, 200, 200)


def test_a_coordinator_of_another_region_gets_the_404_of_an_unknown_region(
    client, sign_in, london, south_west
):
    elsewhere = UserFactory.create()
    grant_regional_coordinator(user=elsewhere, region=south_west, granted_by=None)
    sign_in(elsewhere)
    assert answers(client, "london") == (404, 404, 404)
    assert answers(client, "nowhere") == (404, 404, 404)
    foreign = client.get(PAGE.format("london"))
    unknown = client.get(PAGE.format("nowhere"))
    assert without_per_response_values(foreign.text) == without_per_response_values(unknown.text)
    assert client.get(API.format("london")).json() == client.get(API.format("nowhere")).json()


def without_per_response_values(html: str) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BOARD_MEMBER])
def test_a_partnership_role_is_not_a_regional_coordinator(client, sign_in, member_with, role):
    assert answers(sign_in(member_with(role)), "london") == (404, 404, 404)


def test_signed_out_people_are_asked_to_sign_in(client, london):
    response = client.get(PAGE.format("london"))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.get(API.format("london")).status_code == 401


def test_the_command_grants_and_revokes_the_role_audited(london, capsys):
    user = UserFactory.create(email="lead@region.example")
    call_command("grant_regional_coordinator", "LEAD@region.example", "london")
    assert RegionalMembership.objects.filter(user=user, region=london).exists()
    event = AuditEvent.objects.get(subject_type="regional.RegionalMembership")
    assert event.action == AuditEvent.Action.CREATED
    assert event.changes == {"user": [None, user.email], "region": [None, "london"]}
    call_command("grant_regional_coordinator", "lead@region.example", "london")  # again: nothing
    assert AuditEvent.objects.filter(subject_type="regional.RegionalMembership").count() == 1
    call_command("grant_regional_coordinator", "lead@region.example", "london", "--revoke")
    assert not RegionalMembership.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETED).count() == 1
    assert "is no longer a coordinator of London" in capsys.readouterr().out


def test_the_command_names_what_it_cannot_find(london):
    with pytest.raises(CommandError, match="No account has the email address"):
        call_command("grant_regional_coordinator", "nobody@example.org", "london")
    UserFactory.create(email="lead@region.example")
    with pytest.raises(
        CommandError, match=re.escape("No region has the code 'mars'. Regions: london.")
    ):
        call_command("grant_regional_coordinator", "lead@region.example", "mars")

"""Fixtures shared by every app's tests."""

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="Camden Safeguarding Children Partnership", code="camden")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(name="Islington Safeguarding Children Partnership", code="islington")


@pytest.fixture
def member_with(partnership):
    """``member_with(Role.TRAINER, ...)``: a user holding those roles in ``partnership``."""

    def make(*roles: Role, partnership=partnership):
        user = UserFactory()
        for role in roles:
            MembershipFactory(partnership=partnership, user=user, role=role)
        return user

    return make


@pytest.fixture
def coordinator(member_with):
    return member_with(Role.COORDINATOR)


def sign_in_verified(client, user) -> None:
    """Sign ``user`` in as if they had entered a password and a current TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def sign_in(client):
    """``sign_in(user)``: the test client signed in as ``user``, second factor included."""

    def do(user, *, the_client=None):
        sign_in_verified(the_client or client, user)
        return the_client or client

    return do


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in_verified(client, coordinator)
    return client

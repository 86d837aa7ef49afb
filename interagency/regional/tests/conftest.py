import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.regional.services import grant_regional_coordinator
from interagency.tenancy.tests.factories import RegionFactory


@pytest.fixture
def london(partnership):
    """The region of the ``partnership`` fixture (Camden)."""
    return partnership.region


@pytest.fixture
def regional_coordinator(london):
    user = UserFactory.create(email="region@london.example")
    grant_regional_coordinator(user=user, region=london, granted_by=None)
    return user


@pytest.fixture
def south_west(db):
    return RegionFactory.create(code="south-west", name="South West")

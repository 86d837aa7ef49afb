import factory

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.tenancy.models import Membership, Partnership, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = "London"
    code = "london"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Borough {n} Safeguarding Children Partnership")
    code = factory.Sequence(lambda n: f"borough-{n}")
    local_authority_codes = factory.Sequence(lambda n: [f"E09{n:06d}"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEARNER

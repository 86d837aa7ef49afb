"""Factories for the people app: agencies, services, people, headcounts.

Other engineers add factories for imports and surveys below; keep each
factory's partnership consistent with its agency's (SelfAttribute).
"""

import datetime

import factory

from interagency.people.models import (
    Agency,
    EmploymentType,
    Headcount,
    Person,
    Post,
    Sector,
    Service,
)
from interagency.tenancy.tests.factories import PartnershipFactory


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Sector.HEALTH
    contact_name = "Sam Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@agency.example")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    agency = factory.SubFactory(AgencyFactory)
    partnership = factory.SelfAttribute("agency.partnership")
    name = factory.Sequence(lambda n: f"Service {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    partnership = factory.SelfAttribute("agency.partnership")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    work_email = factory.Sequence(lambda n: f"person{n}@agency.example")
    job_title = "Practitioner"
    employment_type = EmploymentType.PERMANENT
    started_on = datetime.date(2020, 1, 6)


class PostFactory(factory.django.DjangoModelFactory):
    """A further post of a person, in their own agency unless ``agency=`` says otherwise."""

    class Meta:
        model = Post

    person = factory.SubFactory(PersonFactory)
    partnership = factory.SelfAttribute("person.partnership")
    agency = factory.SelfAttribute("person.agency")
    job_title = "Second post"
    employment_type = EmploymentType.PERMANENT
    started_on = datetime.date(2021, 1, 4)


class HeadcountFactory(factory.django.DjangoModelFactory):
    """A headcount by tier; pass ``role=`` for one by role (one of the two is required)."""

    class Meta:
        model = Headcount

    agency = factory.SubFactory(AgencyFactory)
    partnership = factory.SelfAttribute("agency.partnership")
    tier = factory.SubFactory("interagency.catalogue.tests.factories.TierFactory")
    count = 10
    as_of = datetime.date(2025, 4, 1)
    source = "Agency return"

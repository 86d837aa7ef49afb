"""Factories for the catalogue: frameworks, tiers, courses, roles, pathways, adoptions."""

from decimal import Decimal
from typing import Any

import factory

from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    CourseTailoring,
    Pathway,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory


class FrameworkFactory(factory.django.DjangoModelFactory):
    """A regional framework (London's by default); pass owner/owner_partnership for others."""

    class Meta:
        model = CompetenceFramework

    slug = factory.Sequence(lambda n: f"framework-{n}")
    version = "1"
    name = factory.Sequence(lambda n: f"Framework {n}")
    owner = CompetenceFramework.Owner.REGIONAL
    region = factory.SubFactory(RegionFactory)


class PartnershipFrameworkFactory(FrameworkFactory):
    """A framework one partnership owns (imported or home-grown)."""

    owner = CompetenceFramework.Owner.PARTNERSHIP
    region: Any = None
    owner_partnership = factory.SubFactory(PartnershipFactory)


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    order = factory.Sequence(lambda n: n % 1000)  # within the order bounds, however long the run


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    tier = factory.SubFactory(TierFactory)
    framework = factory.SelfAttribute("tier.framework")
    title = factory.Sequence(lambda n: f"Course {n}")
    category = Course.Category.CORE
    level = None
    duration_hours = Decimal(3)
    duration_text = "½ day or 3 hours"
    delivery_modes = factory.LazyFunction(lambda: ["face_to_face"])


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    tier = factory.SubFactory(TierFactory)
    framework = factory.SelfAttribute("tier.framework")
    name = factory.Sequence(lambda n: f"Role {n}")


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    role = factory.SubFactory(RoleFactory)
    window_months = 24


class PathwayItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PathwayItem

    pathway = factory.SubFactory(PathwayFactory)
    course = factory.SubFactory(CourseFactory, tier=factory.SelfAttribute("..pathway.role.tier"))
    named_as = factory.LazyAttribute(lambda item: item.course.title if item.course else "")
    kind = PathwayItem.Kind.REQUIRED
    order = factory.Sequence(lambda n: n % 1000)  # within the order bounds, however long the run


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    partnership = factory.SubFactory(PartnershipFactory)
    framework = factory.SubFactory(FrameworkFactory)


class CourseTailoringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseTailoring

    partnership = factory.SubFactory(PartnershipFactory)
    course = factory.SubFactory(CourseFactory)

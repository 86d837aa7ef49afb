"""The records tests' catalogue: one adopted framework with a practitioner's pathway."""

import pytest

from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
)


@pytest.fixture
def catalogue(partnership):
    """A practitioner must do Core (window 12 months, refreshed every 36) and Intro (once)."""
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework, name="Group B", order=2)
    role = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    pathway = PathwayFactory.create(role=role, window_months=12)
    core = CourseFactory.create(tier=tier, title="Core")
    intro = CourseFactory.create(tier=tier, title="Intro", refresh_months=None)
    PathwayItemFactory.create(pathway=pathway, course=core, repeat_every_months=36)
    PathwayItemFactory.create(pathway=pathway, course=intro, repeat_every_months=None)
    return {"role": role, "core": core, "intro": intro}

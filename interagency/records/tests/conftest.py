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


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """Certificates uploaded in a test go to a folder of its own."""
    settings.RECORDS_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.RECORDS_EVIDENCE_DIR


@pytest.fixture
def team(partnership, member_with):
    """A learner with a sign-in, their line manager (also signed in) and a coordinator."""
    from interagency.core.permissions import Role
    from interagency.people.tests.factories import PersonFactory

    manager_user = member_with(Role.LINE_MANAGER)
    learner_user = member_with(Role.LEARNER)
    manager = PersonFactory.create(
        partnership=partnership, agency__partnership=partnership, user=manager_user
    )
    learner = PersonFactory.create(
        partnership=partnership,
        agency=manager.agency,
        user=learner_user,
        line_manager=manager,
        full_name="Ada Learner",
        work_email="ada@agency.example",
        external_id="E100",
    )
    return {
        "learner": learner,
        "learner_user": learner_user,
        "manager": manager,
        "manager_user": manager_user,
        "coordinator": member_with(Role.COORDINATOR),
    }

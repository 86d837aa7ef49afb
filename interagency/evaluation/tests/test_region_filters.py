"""The region's figure beside a partnership's: which of the page's filters it follows.

A profession of a framework the partnerships share (national or regional) is
the same role, the same id, in each partnership, so the region's figure
follows it; a partnership's own role, or an agency, is one partnership's, and
the page says in words that the region's figure is not filtered by it.
"""

import html

import pytest

from interagency.catalogue.models import CompetenceFramework, Course
from interagency.catalogue.tests.factories import (
    FrameworkFactory,
    PartnershipFrameworkFactory,
    RoleFactory,
    TierFactory,
)
from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.models import WaveKind
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.evaluation.tests.test_across import (
    c1_answers,
    confidence_changes,
    exact_mean_and_sd,
)
from interagency.evaluation.tests.test_across import (
    page_text as escaped_page_text,
)
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

NOT_BY_AGENCY = "The region's figure is not filtered by agency"
NOT_BY_PROFESSION = "The region's figure is not filtered by profession"
SOCIAL_CARE = Sector.CHILDRENS_SOCIAL_CARE
BY_PROFESSION = "The region's figure is filtered by the profession chosen"


def role_of(framework, name: str):
    return RoleFactory(name=name, tier=TierFactory(framework=framework), framework=framework)


def learners(plan, agency, role, *, rise: int) -> None:
    """Six learners of ``agency`` in ``role`` answering start and end, confidence up by ``rise``."""
    for start, end in c1_answers(6, rise):
        person = PersonFactory(agency=agency, role=role)
        booking = BookingFactory.create(session=plan.session, person=person, agency=agency)
        code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
        for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=full_answers(c1=c1),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )


def specialist_plan(partnership):
    plan = make_plan(partnership)
    assert plan.session is not None
    Course.objects.filter(pk=plan.session.course_id).update(category=Course.Category.SPECIALIST)
    return plan


@pytest.fixture
def region(partnership, other_partnership):
    """Camden and Islington each train six social workers (a national framework's role, shared)
    and six of a role of their own framework; Camden's in two agencies."""
    national = FrameworkFactory(
        name="The national framework", owner=CompetenceFramework.Owner.NATIONAL, region=None
    )
    social_worker = role_of(national, "Social worker")
    camden_own = role_of(PartnershipFrameworkFactory(owner_partnership=partnership), "Advocate")
    islington_own = role_of(
        PartnershipFrameworkFactory(owner_partnership=other_partnership), "Mentor"
    )
    council = AgencyFactory(partnership=partnership, name="Council", sector=SOCIAL_CARE)
    charity = AgencyFactory(partnership=partnership, name="Charity", sector=SOCIAL_CARE)
    plan = specialist_plan(partnership)
    learners(plan, council, social_worker, rise=2)
    learners(plan, charity, camden_own, rise=0)
    theirs = AgencyFactory(partnership=other_partnership, sector=SOCIAL_CARE)
    elsewhere = specialist_plan(other_partnership)
    learners(elsewhere, theirs, social_worker, rise=1)
    learners(elsewhere, theirs, islington_own, rise=0)
    return social_worker, camden_own, council


def page_text(client, **query) -> str:
    return html.unescape(escaped_page_text(client, **query))


def region_figure(changes: list[float], partnerships: int = 2) -> str:
    mean, sd = exact_mean_and_sd(changes)
    people = f"{len(changes)} people in {partnerships} partnerships"
    return f"d<sub>z</sub> {float(mean) / sd:.2f}; {people}"


def own_figure(changes: list[float]) -> str:
    mean, _ = exact_mean_and_sd(changes)
    return f"{float(mean):.2f} (95% interval"


EVERYONE = confidence_changes(6, 2) + confidence_changes(6, 0) * 2 + confidence_changes(6, 1)


def test_the_regions_figure_follows_a_profession_of_a_shared_framework(
    region, coordinator, sign_in
):
    social_worker, _, _ = region
    text = page_text(sign_in(coordinator), profession=social_worker.pk)
    assert own_figure(confidence_changes(6, 2)) in text
    # Camden's six social workers and Islington's six; no one of either's own roles.
    assert region_figure(confidence_changes(6, 2) + confidence_changes(6, 1)) in text
    assert f"{BY_PROFESSION}: it is a role of The national framework" in text
    assert NOT_BY_PROFESSION not in text and NOT_BY_AGENCY not in text


def test_a_partnerships_own_role_leaves_the_regions_figure_unfiltered_and_says_so(
    region, coordinator, sign_in
):
    _, camden_own, _ = region
    text = page_text(sign_in(coordinator), profession=camden_own.pk)
    assert own_figure(confidence_changes(6, 0)) in text
    assert region_figure(EVERYONE) in text
    assert NOT_BY_PROFESSION in text and BY_PROFESSION not in text


def test_an_agency_never_filters_the_regions_figure_and_the_page_says_so(
    region, coordinator, sign_in
):
    _, _, council = region
    plain = page_text(sign_in(coordinator))
    assert region_figure(EVERYONE) in plain and NOT_BY_AGENCY not in plain
    text = page_text(sign_in(coordinator), agency=council.pk)
    assert own_figure(confidence_changes(6, 2)) in text
    assert region_figure(EVERYONE) in text
    assert f"{NOT_BY_AGENCY}: each partnership has its own agencies" in text

"""Every API operation, fed generated input over HTTP, answers within its OpenAPI document.

Schemathesis reads ``/api/v1/openapi.json`` from a live server and, for every
operation, sends valid and invalid requests as a coordinator of a seeded
partnership (a real bearer token). Path ids are drawn from the seeded objects
as well as generated, so requests reach the endpoints' own code, not only the
404. Every answer must be: not a server error, a status the operation
declares, the content type it declares, and a body matching its schema.

The run is derandomised (the same examples every time) and the clock pinned,
so it passes or fails the same way on any day.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
import time_machine
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from interagency.accounts.services import issue_access_token
from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory, RoleFactory
from interagency.core.permissions import Role
from interagency.delivery.services.bookings import book_place
from interagency.delivery.tests.factories import BookingFactory, SessionFactory, VenueFactory
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import code_for, full_answers, make_plan
from interagency.finance.agreements import Terms, add_agreement
from interagency.finance.models import ChargeExemption, DelegateRate
from interagency.people.services.imports import upload_people_import
from interagency.people.services.people import create_person
from interagency.people.tests.factories import (
    AgencyFactory,
    HeadcountFactory,
    PersonFactory,
    ServiceFactory,
)
from interagency.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20  # valid and invalid input mixed

# A Tuesday morning in term time, when sessions run: one started at 09:30.
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))

STAFF_LIST = (
    b"Name,Email,Job title\n"
    b"Ada Lovelace,ada@camden.example,Social worker\n"
    b",no-name@camden.example,Nurse\n"
)


@dataclass
class Seeded:
    """The partnership the run acts in, its caller's token and the ids of real objects."""

    code: str
    token: str
    ids: dict[str, list[int]] = field(default_factory=dict)


def seed(partnership, coordinator) -> Seeded:
    """One of everything an operation's path can name, and a coordinator's token."""
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.TRAINER)
    framework = AdoptionFactory.create(partnership=partnership).framework
    course = CourseFactory.create(tier__framework=framework, title="Working Together")
    role = RoleFactory.create(tier=course.tier)
    agency = AgencyFactory.create(partnership=partnership)
    service = ServiceFactory.create(agency=agency, partnership=partnership)
    HeadcountFactory.create(agency=agency, partnership=partnership)
    me = PersonFactory.create(agency=agency, full_name="Sam Coordinator", user=coordinator)
    colleague = create_person(
        partnership=partnership, changed_by=coordinator, full_name="Jo Colleague", agency=agency
    )
    venue = VenueFactory.create(partnership=partnership)
    upcoming = SessionFactory.create(partnership=partnership, course=course, venue=venue)
    today = SessionFactory.create(
        partnership=partnership, course=course, venue=venue, parts__start=NOW.date()
    )
    booked = book_place(session=upcoming, person=colleague, booked_by=coordinator)
    on_register = BookingFactory.create(session=today, person=me)
    upload = upload_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=coordinator,
        file_name="staff.csv",
        content=STAFF_LIST,
        is_full_staff_list=False,
        columns={"full_name": "Name", "work_email": "Email", "job_title": "Job title"},
    )
    plan = make_plan(partnership, session=today)
    submit_response(
        wave=plan.waves.get(kind="start"),
        answers=full_answers(),
        idempotency_key="seeded",
        consented=True,
        code=code_for(plan),
    )
    version = plan.waves.get(kind="start").instrument_version
    agreement = add_agreement(
        partnership=partnership,
        year=NOW.year,
        terms=Terms(agency=agency, amount=Decimal("100.00")),
        added_by=coordinator,
    )
    rate = DelegateRate.objects.create(
        partnership=partnership, sector="police", full_day=Decimal("90"), half_day=Decimal("50")
    )
    exemption = ChargeExemption.objects.create(partnership=partnership, agency=agency)
    _, token = issue_access_token(user=coordinator, name="Schema checks")
    return Seeded(
        code=partnership.code,
        token=token,
        ids={
            "framework_id": [framework.pk],
            "course_id": [course.pk],
            "role_id": [role.pk],
            "agency_id": [agency.pk],
            "person_id": [me.pk, colleague.pk],
            "session_id": [upcoming.pk, today.pk],
            "booking_id": [booked.pk, on_register.pk],
            "import_id": [upload.pk],
            "instrument_id": [version.instrument_id],
            "plan_id": [plan.pk],
            "agreement_id": [agreement.pk],
            "rate_id": [rate.pk],
            "exemption_id": [exemption.pk],
            "event_id": list(AuditEvent.objects.values_list("pk", flat=True)[:3]),
            # Ids sent in bodies and queries, alone or in lists.
            "course": [course.pk],
            "prerequisites": [course.pk],
            "tier": [course.tier_id],
            "framework": [framework.pk],
            "role": [role.pk],
            "agency": [agency.pk],
            "parent": [agency.pk],
            "service": [service.pk],
            "person": [me.pk, colleague.pk],
            "people": [me.pk, colleague.pk],
            "line_manager": [me.pk, colleague.pk],
            "user": [coordinator.pk],
            "session": [upcoming.pk, today.pk],
            "alternatives": [upcoming.pk, today.pk],
            "venue": [venue.pk],
            "booking": [booked.pk, on_register.pk],
            "wave": list(plan.waves.values_list("pk", flat=True)),
            "instrument_version": [version.pk],
            "line_manager_version": [version.pk],
        },
    )


@pytest.fixture
def seeded(partnership, coordinator):
    with time_machine.travel(NOW, tick=True):
        yield seed(partnership, coordinator)


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def aim_at_real_objects(case, seeded: Seeded, data) -> None:
    """Name the seeded partnership, and often a real object where an id is asked for."""
    if "code" in (case.path_parameters or {}):
        case.path_parameters["code"] = seeded.code

    def aim(values: Any) -> None:
        if isinstance(values, list):
            for value in values:
                aim(value)
        if not isinstance(values, dict):
            return
        for name, generated in values.items():
            real = seeded.ids.get(name)
            if real and is_id(generated):
                values[name] = data.draw(st.sampled_from([*real, generated]), label=name)
            elif real and isinstance(generated, list) and all(map(is_id, generated)):
                values[name] = [data.draw(st.sampled_from([*real, one])) for one in generated]
            else:
                aim(generated)

    for values in (case.path_parameters, case.query, case.body):
        aim(values)


def run_operation(operation, seeded: Seeded, base_url: str) -> None:
    headers = {"Authorization": f"Bearer {seeded.token}"}

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ),
        data=st.data(),
    )
    def check(case: Any, data: Any) -> None:
        aim_at_real_objects(case, seeded, data)
        response = case.call(base_url=base_url, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


def describe(error: BaseException) -> str:
    """The failure's own words, with each distinct check that failed."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join([str(error), *(describe(inner) for inner in error.exceptions)])
    return f"{type(error).__name__}: {error}"


def test_every_operation_answers_within_its_documented_schema(live_server, seeded):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        if not isinstance(result, Ok):
            failures[f"operation {operations}"] = f"not in a form to test: {result.err()}"
            continue
        operation = result.ok()
        try:
            run_operation(operation, seeded, live_server.url)
        except (Exception, FailureGroup) as error:  # each operation reports, then one assert
            failures[operation.label] = describe(error)
    assert operations >= 50, "the document should list every operation"
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())

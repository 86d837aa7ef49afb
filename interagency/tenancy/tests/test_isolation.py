"""The tenant isolation matrix.

Every URL pattern of the site and the API is listed here, either as public
(it shows nothing a partnership owns) or with the ways a coordinator of
partnership A could try to reach partnership B's objects: with B's code in
the address, or with A's code and the id of B's object. Every attempt must
answer 404, exactly like an object that does not exist, and change nothing.

A route added without a case fails ``test_every_route_has_an_isolation_case``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interagency.accounts.models import AccessToken, User
from interagency.accounts.services import issue_access_token
from interagency.audit.models import AuditEvent
from interagency.catalogue.models import Course, Equivalence
from interagency.catalogue.models import Role as CatalogueRole
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    PartnershipFrameworkFactory,
    RoleFactory,
)
from interagency.core.permissions import Role
from interagency.tenancy.models import Membership, Partnership
from interagency.tenancy.services import set_member_roles
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.clock


@dataclass
class World:
    """Partnership A (whose coordinator attacks) and partnership B (whose rows are targets)."""

    a: Partnership
    b: Partnership
    a_coordinator: User
    b_member: User
    b_audit_event: AuditEvent
    b_token: AccessToken
    # Catalogue: B's local course and role in a framework both adopted, and a
    # course of a framework only B owns.
    b_local_course: Course
    b_local_role: CatalogueRole
    b_framework_course: Course


@dataclass(frozen=True)
class Case:
    """Addresses of B's objects that A's coordinator must not reach."""

    attempts: Callable[[World], list[dict]]
    methods: tuple[str, ...] = ("get",)
    api: bool = False
    # What a POST sends: a body the endpoint accepts, so the answer is about access.
    body: dict | None = None


@dataclass(frozen=True)
class Public:
    """A route that shows nothing a partnership owns."""

    reason: str
    extra: dict = field(default_factory=dict)


def foreign_code(world: World) -> list[dict]:
    return [{"code": world.b.code}]


def region_attempts(world: World) -> list[dict]:
    """B's region and A's (the same London here): A's coordinator is no regional coordinator."""
    return [{"region_code": world.b.region.code}, {"region_code": world.a.region.code}]


def b_course_attempts(world: World) -> list[dict]:
    """B's local course under either code, and a course of B's own framework under A's."""
    return [
        {"code": world.b.code, "course_id": world.b_local_course.pk},
        {"code": world.a.code, "course_id": world.b_local_course.pk},
        {"code": world.a.code, "course_id": world.b_framework_course.pk},
    ]


def b_framework_attempts(world: World) -> list[dict]:
    """The framework only B owns, under B's code and under A's."""
    framework_id = world.b_framework_course.framework_id
    return [
        {"code": world.b.code, "framework_id": framework_id},
        {"code": world.a.code, "framework_id": framework_id},
    ]


def b_owned_framework(world: World) -> list[dict]:
    """The framework only B owns (and adopts), under B's code and under A's."""
    framework_id = world.b_framework_course.framework_id
    return [
        {"code": world.b.code, "framework_id": framework_id},
        {"code": world.a.code, "framework_id": framework_id},
    ]


def b_catalogue_courses(world: World) -> list[dict]:
    """B's local course under either code; a course of B's own framework under A's."""
    return [
        {"code": world.b.code, "course_id": world.b_local_course.pk},
        {"code": world.a.code, "course_id": world.b_local_course.pk},
        {"code": world.a.code, "course_id": world.b_framework_course.pk},
    ]


def b_equivalence(world: World) -> list[dict]:
    """B's own equivalence between two courses both partnerships see, under either code."""
    from interagency.catalogue.models import Equivalence

    # Made with the world (before the catalogue is noted): B's local course for B's own.
    equivalence = Equivalence.objects.get(partnership=world.b)
    return [
        {"code": world.b.code, "equivalence_id": equivalence.pk},
        {"code": world.a.code, "equivalence_id": equivalence.pk},
    ]


def b_people_import(world: World) -> list[dict]:
    """A previewed staff-list import of B's agency, under B's code and its id under A's."""
    from interagency.people.models import PeopleImport
    from interagency.people.tests.factories import AgencyFactory

    agency = AgencyFactory.create(partnership=world.b)
    people_import = PeopleImport.objects.create(
        partnership=world.b,
        agency=agency,
        file_name="staff.csv",
        file_sha256="0" * 64,
        content=b"Name,Email\nAna,ana@b.example\n",
        status=PeopleImport.Status.PREVIEWED,
        rows_total=1,
        created=1,
    )
    return [
        {"code": world.b.code, "import_id": people_import.pk},
        {"code": world.a.code, "import_id": people_import.pk},
    ]


def b_agency_and_person(world: World, key: str) -> list[dict]:
    """B's agency and one of its people by ``key``: under B's code, and B's id under A's code."""
    from interagency.people.tests.factories import PersonFactory

    person = PersonFactory.create(partnership=world.b, agency__partnership=world.b)
    ids = {"agency_id": person.agency_id, "person_id": person.pk}
    return [{"code": world.b.code, key: ids[key]}, {"code": world.a.code, key: ids[key]}]


def b_person_and_post(world: World, with_post: bool = True) -> list[dict]:
    """B's person and their further post: under B's code, under A's, and B's post under one of
    A's own people (a post is found only through its own person)."""
    from interagency.people.tests.factories import PersonFactory, PostFactory

    post = PostFactory.create(person__partnership=world.b, person__agency__partnership=world.b)
    own = PersonFactory.create(partnership=world.a, agency__partnership=world.a)
    attempts = [
        {"code": world.b.code, "person_id": post.person_id, "post_id": post.pk},
        {"code": world.a.code, "person_id": post.person_id, "post_id": post.pk},
        {"code": world.a.code, "person_id": own.pk, "post_id": post.pk},
    ]
    if not with_post:
        return [{key: value for key, value in row.items() if key != "post_id"} for row in attempts]
    return attempts


def b_people_rows(world: World, key: str) -> list[dict]:
    """B's agency (with a headcount and a replied survey) by ``key``, under B's code and A's."""
    from interagency.people.models import SurveyRequest
    from interagency.people.tests.factories import AgencyFactory, HeadcountFactory

    agency = AgencyFactory.create(partnership=world.b)
    ids = {
        "agency_id": agency.pk,
        "headcount_id": HeadcountFactory.create(
            agency=agency, tier=world.b_framework_course.tier
        ).pk,
        "survey_id": SurveyRequest.objects.create(
            partnership=world.b,
            agency=agency,
            sent_to=agency.contact_email,
            token_hash=f"{agency.pk:064d}",
            status=SurveyRequest.Status.REPLIED,
        ).pk,
    }
    return [{"code": world.b.code, key: ids[key]}, {"code": world.a.code, key: ids[key]}]


def b_outbox_message(world: World) -> list[dict]:
    """A failed email of B's, by id under B's code and A's."""
    from interagency.notifications.models import MessageKind, OutboxMessage

    message = OutboxMessage.objects.create(
        partnership=world.b,
        kind=MessageKind.REMINDER,
        key=f"isolation:{world.b.pk}",
        to_email="someone@b.example",
        subject="Reminder",
        body="Reminder",
        status=OutboxMessage.Status.FAILED,
    )
    return [
        {"code": world.b.code, "message_id": message.pk},
        {"code": world.a.code, "message_id": message.pk},
    ]


def b_message_kind(world: World) -> list[dict]:
    """One kind of email under B's code (the wording is B's own)."""
    return [{"code": world.b.code, "kind": "reminder"}]


def b_register_rows(world: World, key: str) -> list[dict]:
    """B's started session with a booking and its certificate by ``key``, under B's code and A's."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from interagency.delivery.models import Certificate
    from interagency.delivery.tests.factories import BookingFactory

    booking = BookingFactory.create(
        session__partnership=world.b,
        session__course=world.b_local_course,
        session__parts__start=timezone.localdate() - datetime.timedelta(days=3),
    )
    certificate = Certificate.objects.create(
        partnership=world.b,
        booking=booking,
        person_name=booking.person.full_name,
        course_title=world.b_local_course.title,
        tier_name="Group A",
        attended_on=timezone.localdate(),
        hours=Decimal("7.0"),
        partnership_name=world.b.name,
    )
    ids = {"session_id": booking.session_id, "number": certificate.number}
    return [{"code": world.b.code, key: ids[key]}, {"code": world.a.code, key: ids[key]}]


def b_no_show_charge(world: World) -> list[dict]:
    """A no-show charge on B's session, under B's code and its id under A's."""
    from decimal import Decimal

    from interagency.delivery.models import Charge
    from interagency.delivery.tests.factories import BookingFactory

    booking = BookingFactory.create(
        session__partnership=world.b, session__course=world.b_local_course
    )
    charge = Charge.objects.create(
        partnership=world.b, booking=booking, agency=booking.agency, amount=Decimal("40.00")
    )
    return [
        {"code": world.b.code, "charge_id": charge.pk},
        {"code": world.a.code, "charge_id": charge.pk},
    ]


def b_budget_line(world: World) -> list[dict]:
    """A line of B's budget, under B's code and its id under A's."""
    from decimal import Decimal

    from interagency.finance.models import BudgetLine

    line = BudgetLine.objects.create(
        partnership=world.b,
        year=2025,
        category="materials",
        description="B's handouts",
        planned=Decimal("10.00"),
    )
    return [
        {"code": world.b.code, "line_id": line.pk},
        {"code": world.a.code, "line_id": line.pk},
    ]


def b_finance_rows(world: World, key: str) -> list[dict]:
    """B's partner agreement, delegate rate or exemption by ``key``, under B's code and A's."""
    from decimal import Decimal

    from interagency.finance.models import ChargeExemption, DelegateRate, PartnerAgreement
    from interagency.people.tests.factories import AgencyFactory

    agency = AgencyFactory.create(partnership=world.b)
    rows = {
        "agreement_id": lambda: PartnerAgreement.objects.create(
            partnership=world.b, year=2025, agency=agency, amount=Decimal("10.00")
        ),
        "rate_id": lambda: DelegateRate.objects.create(
            partnership=world.b, sector="police", full_day=Decimal("1"), half_day=Decimal("1")
        ),
        "exemption_id": lambda: ChargeExemption.objects.create(partnership=world.b, agency=agency),
    }
    pk = rows[key]().pk
    return [{"code": world.b.code, key: pk}, {"code": world.a.code, key: pk}]


def b_closed_year(world: World) -> list[dict]:
    """B's closed year 2025, under B's code (a year is named by its number, not an id)."""
    from interagency.finance.models import ClosedYear

    ClosedYear.objects.create(partnership=world.b, year=2025)
    return [{"code": world.b.code, "year": 2025}]


def b_managed_rows(world: World, key: str) -> list[dict]:
    """B's scheduled session and its venue by ``key``, under B's code and A's."""
    from interagency.delivery.tests.factories import SessionFactory

    session = SessionFactory.create(partnership=world.b, course=world.b_local_course)
    ids = {"session_id": session.pk, "venue_id": session.venue_id}
    return [{"code": world.b.code, key: ids[key]}, {"code": world.a.code, key: ids[key]}]


def b_session_rows(world: World, key: str) -> list[dict]:
    """B's session (closed to the region) and a booking on it by ``key``, under B's code and A's."""
    from interagency.delivery.models import BookingStatus
    from interagency.delivery.tests.factories import BookingFactory

    booking = BookingFactory.create(
        session__partnership=world.b,
        session__course=world.b_local_course,
        status=BookingStatus.AWAITING_APPROVAL,
        confirmed_at=None,
    )
    ids = {"session_id": booking.session_id, "booking_id": booking.pk}
    return [{"code": world.b.code, key: ids[key]}, {"code": world.a.code, key: ids[key]}]


def sessions_not_open_to_a(world: World) -> list[dict]:
    """B's session closed to the region, B's cancelled one that had opened places, and one
    of another region opening places to its own region: each under A's code (and B's)."""
    from interagency.delivery.models import Session
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.tenancy.tests.factories import RegionFactory

    cancelled = SessionFactory.create(
        partnership=world.b,
        course=world.b_local_course,
        regional_places=2,
        status=Session.Status.CANCELLED,
    )
    far = PartnershipFactory.create(region=RegionFactory.create(code="far", name="Far"))
    elsewhere = SessionFactory.create(
        partnership=far, course=world.b_local_course, regional_places=2
    )
    return [
        *b_session_rows(world, "session_id"),
        {"code": world.a.code, "session_id": cancelled.pk},
        {"code": world.a.code, "session_id": elsewhere.pk},
    ]


def b_evaluation(world: World, *keys: str, **extra) -> list[dict]:
    """B's questionnaire and the plan of B's session by ``keys``, under B's code and A's."""
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.evaluation.tests.factories import make_plan

    plan = make_plan(
        world.b, session=SessionFactory.create(partnership=world.b, course=world.b_local_course)
    )
    ids = {
        "instrument_id": plan.waves.get(kind="end").instrument_version.instrument_id,
        "number": 1,
        "plan_id": plan.pk,
        "session_id": plan.session_id,
        "wave_id": plan.waves.get(kind="end").pk,
    }
    chosen = {key: ids[key] for key in keys}
    return [
        {"code": world.b.code, **chosen, **extra},
        {"code": world.a.code, **chosen, **extra},
    ]


def b_answer_link(world: World, for_paper: bool = False) -> list[dict]:
    """Learners' signed links to B's end-of-course questionnaire, under A's code, or its
    wave for paper forms under B's code and A's (made without the services, whose audit
    events would hide a change this test looks for)."""
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.evaluation.links import link_for, make_token
    from interagency.evaluation.models import (
        EvaluationPlan,
        Instrument,
        InstrumentVersion,
        ResponseCode,
        Wave,
        WaveKind,
    )

    instrument = Instrument.objects.create(partnership=world.b, name="B's questionnaire")
    version = InstrumentVersion.objects.create(partnership=world.b, instrument=instrument, number=1)
    plan = EvaluationPlan.objects.create(
        partnership=world.b,
        session=SessionFactory.create(partnership=world.b, course=world.b_local_course),
        consent_text="Consent",
        privacy_text="Privacy",
    )
    wave = Wave.objects.create(plan=plan, kind=WaveKind.END, instrument_version=version)
    code = ResponseCode.objects.create(partnership=world.b, plan=plan, code="ACDEFGHJ")
    if for_paper:
        return [
            {"code": world.b.code, "wave_id": wave.pk},
            {"code": world.a.code, "wave_id": wave.pk},
        ]
    return [
        {"code": world.a.code, "token": make_token(link_for(wave, code=code.code))},
        {"code": world.a.code, "token": make_token(link_for(wave))},
    ]


def b_records_rows(world: World, key: str) -> list[dict]:
    """B's declaration (awaiting approval) and e-learning import by ``key``, under B's code
    and A's."""
    import datetime

    from interagency.people.tests.factories import PersonFactory
    from interagency.records.models import Declaration, RecordImport

    person = PersonFactory.create(partnership=world.b, agency__partnership=world.b)
    declaration = Declaration.objects.create(
        partnership=world.b,
        person=person,
        course=world.b_local_course,
        completed_on=datetime.date(2026, 1, 5),
        hours=3,
        provider="Elsewhere",
        evidence="b/certificate.pdf",
        evidence_name="certificate.pdf",
        evidence_type="application/pdf",
    )
    record_import = RecordImport.objects.create(
        partnership=world.b,
        file_name="completions.csv",
        file_sha256="0" * 64,
        content=f"Email,Course,Completed\n{person.work_email},{world.b_local_course.pk},"
        "05/01/2026\n".encode(),
    )
    ids = {"declaration_id": declaration.pk, "import_id": record_import.pk}
    return [
        {"code": world.b.code, key: ids[key]},
        {"code": world.a.code, key: ids[key]},
    ]


CASES: dict[str, Case | Public] = {
    "home": Public("start page or redirect to the user's own partnership"),
    "healthz": Public("database health only"),
    "accessibility": Public("static statement"),
    "privacy": Public("static notice"),
    "tenancy:choose": Public("lists only the user's own partnerships"),
    "accounts:sign-in": Public("no partnership data"),
    "accounts:sign-out": Public("ends the user's own session"),
    "accounts:settings": Public("the user's own account"),
    "accounts:two-factor-setup": Public("the user's own device"),
    "accounts:two-factor-verify": Public("the user's own device"),
    "accounts:two-factor-recovery": Public("the user's own recovery codes"),
    "accounts:recovery-codes": Public("the user's own recovery codes"),
    "accounts:password-change": Public("the user's own password"),
    "accounts:password-reset": Public("the same answer for any address"),
    "accounts:password-reset-sent": Public("fixed text"),
    "accounts:password-reset-done": Public("fixed text"),
    "accounts:password-reset-confirm": Public("the account named by the signed link"),
    "accounts:tokens": Public("lists only the user's own tokens"),
    "accounts:token-new": Public("creates a token for the user only"),
    "accounts:token-revoke": Case(lambda w: [{"token_id": w.b_token.pk}], methods=("get", "post")),
    "api:api-root": Public("links only"),
    "api:openapi-json": Public("the API's description"),
    "api:openapi-view": Public("the API's documentation"),
    "api:not-found": Public("the JSON 404 for unknown API addresses"),
    "api:me": Public("the caller's own account"),
    "api:partnership-list": Public("lists only the caller's own partnerships"),
    "api:partnership-detail": Case(foreign_code, api=True),
    "api:member-list": Case(foreign_code, api=True),
    "api:audit-event-list": Case(foreign_code, api=True),
    "api:audit-event-detail": Case(
        lambda w: [
            {"code": w.b.code, "event_id": w.b_audit_event.pk},
            {"code": w.a.code, "event_id": w.b_audit_event.pk},
        ],
        api=True,
    ),
    "api:framework-list": Case(foreign_code, api=True),
    "api:framework-detail": Case(
        lambda w: [
            {"code": w.b.code, "framework_id": w.b_framework_course.framework_id},
            {"code": w.a.code, "framework_id": w.b_framework_course.framework_id},
        ],
        api=True,
    ),
    "api:tier-list": Case(foreign_code, api=True),
    "api:course-list": Case(foreign_code, api=True),
    "api:course-detail": Case(b_course_attempts, api=True),
    "api:role-list": Case(foreign_code, api=True),
    "api:role-detail": Case(
        lambda w: [
            {"code": w.b.code, "role_id": w.b_local_role.pk},
            {"code": w.a.code, "role_id": w.b_local_role.pk},
        ],
        api=True,
    ),
    "api:course-tailoring": Case(
        b_course_attempts,
        methods=("post",),
        api=True,
        body={"hidden": True, "local_title": "Taken over"},
    ),
    "api:local-course-create": Case(
        foreign_code,
        methods=("post",),
        api=True,
        body={
            "framework": 1,
            "tier": 1,
            "title": "Taken over",
            "category": "core",
            "duration_text": "3 hours",
        },
    ),
    # People API: B's code, and B's agency or person under A's code.
    "api:agency-list": Case(
        foreign_code, methods=("get", "post"), api=True, body={"name": "Taken", "sector": "health"}
    ),
    "api:agency-detail": Case(lambda w: b_agency_and_person(w, "agency_id"), api=True),
    "api:service-list": Case(
        lambda w: b_agency_and_person(w, "agency_id"),
        methods=("get", "post"),
        api=True,
        body={"name": "Taken over"},
    ),
    "api:person-list": Case(
        foreign_code, methods=("get", "post"), api=True, body={"full_name": "X", "agency": 1}
    ),
    "api:person-detail": Case(
        lambda w: b_agency_and_person(w, "person_id"),
        methods=("get", "patch"),
        api=True,
        body={"full_name": "Taken over"},
    ),
    "api:person-leave": Case(
        lambda w: b_agency_and_person(w, "person_id"),
        methods=("post",),
        api=True,
        body={"left_on": "2030-01-01"},
    ),
    "api:person-posts": Case(
        lambda w: b_person_and_post(w, with_post=False)[:2],
        methods=("post",),
        api=True,
        body={"job_title": "Taken over"},
    ),
    "api:person-post": Case(
        b_person_and_post, methods=("patch",), api=True, body={"left_on": "2030-01-01"}
    ),
    "api:headcount-list": Case(foreign_code, api=True),
    # Staff-list imports: B's code, and B's import under A's code.
    "api:import-list": Case(foreign_code, methods=("get", "post"), api=True, body={"agency": 1}),
    "api:import-detail": Case(b_people_import, api=True),
    "api:import-apply": Case(b_people_import, methods=("post",), api=True),
    "api:import-rejected-rows": Case(b_people_import, api=True),
    "api:import-rejected-rows-csv": Case(b_people_import, api=True),
    # Delivery API: B's code, and B's session or booking under A's code.
    "api:session-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={
            "course": 1,
            "capacity": 5,
            "parts": [{"starts_at": "2030-01-07T09:30", "ends_at": "2030-01-07T12:30"}],
        },
    ),
    "api:session-detail": Case(
        sessions_not_open_to_a,
        methods=("get", "patch"),
        api=True,
        body={"capacity": 1},
    ),
    "api:session-cancel": Case(
        lambda w: b_session_rows(w, "session_id"), methods=("post",), api=True, body={"reason": "x"}
    ),
    "api:waiting-list": Case(lambda w: b_session_rows(w, "session_id"), api=True),
    "api:register": Case(
        lambda w: b_session_rows(w, "session_id"),
        methods=("get", "put"),
        api=True,
        body={"entries": [{"booking": 1, "outcome": "attended"}]},
    ),
    "api:register-close": Case(
        lambda w: b_session_rows(w, "session_id"), methods=("post",), api=True
    ),
    "api:booking-list": Case(foreign_code, methods=("get", "post"), api=True, body={"session": 1}),
    "api:booking-bulk": Case(
        foreign_code, methods=("post",), api=True, body={"session": 1, "people": [1]}
    ),
    "api:booking-detail": Case(lambda w: b_session_rows(w, "booking_id"), api=True),
    "api:booking-cancel": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("post",), api=True, body={"reason": "x"}
    ),
    "api:offer-accept": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("post",), api=True
    ),
    "api:offer-decline": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("post",), api=True
    ),
    "api:booking-approve": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("post",), api=True
    ),
    "api:booking-refuse": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("post",), api=True, body={"reason": "x"}
    ),
    "api:certificate-verify": Public("public by design: shows only what the certificate prints"),
    "tenancy:dashboard": Case(foreign_code),
    "tenancy:area": Case(
        lambda w: [{"code": w.b.code, "area": area} for area in ("sessions", "records")]
    ),
    "tenancy:members": Case(foreign_code),
    "tenancy:training-emails": Case(
        foreign_code, methods=("get", "post"), body={"emails": ["sends_manager_digests"]}
    ),
    "tenancy:member-roles": Case(
        lambda w: [
            {"code": w.b.code, "user_id": w.b_member.pk},
            {"code": w.a.code, "user_id": w.b_member.pk},
        ],
        methods=("get", "post"),
    ),
    "catalogue:index": Public("a partnership's catalogue is published to anyone"),
    "catalogue:roles": Public("lists only the roles of the partnership in the address"),
    "catalogue:which-training": Public("questions and roles of the partnership in the address"),
    "catalogue:course": Case(
        lambda w: [
            {"code": w.a.code, "course_id": w.b_local_course.pk},
            {"code": w.a.code, "course_id": w.b_framework_course.pk},
        ]
    ),
    "catalogue:role": Case(lambda w: [{"code": w.a.code, "role_id": w.b_local_role.pk}]),
    # Coordinator catalogue pages: B's local course, role, own framework and its tier.
    "catalogue:manage": Case(foreign_code),
    "catalogue:manage-adopt": Case(b_owned_framework, methods=("get", "post")),
    "catalogue:manage-stop-adopting": Case(b_owned_framework, methods=("get", "post")),
    "catalogue:manage-framework": Case(
        b_owned_framework, methods=("get", "post"), body={"name": "Taken over"}
    ),
    "catalogue:manage-framework-version": Case(
        b_owned_framework, methods=("get", "post"), body={"version": "taken-over"}
    ),
    "catalogue:manage-tier-new": Case(
        b_owned_framework, methods=("get", "post"), body={"code": "taken", "name": "Taken"}
    ),
    "catalogue:manage-equivalences": Case(
        foreign_code, methods=("get", "post"), body={"course": 1, "counts_for": 2}
    ),
    "catalogue:manage-equivalence-remove": Case(b_equivalence, methods=("get", "post")),
    "catalogue:manage-tier": Case(
        lambda w: [
            {"code": w.b.code, "tier_id": w.b_framework_course.tier_id},
            {"code": w.a.code, "tier_id": w.b_framework_course.tier_id},
        ],
        methods=("get", "post"),
        body={"code": "taken", "name": "Taken over"},
    ),
    "catalogue:manage-courses": Case(foreign_code),
    "catalogue:manage-course-tailor": Case(
        b_catalogue_courses, methods=("get", "post"), body={"hidden": "on", "local_title": "Taken"}
    ),
    "catalogue:manage-local-courses": Case(foreign_code),
    "catalogue:manage-local-course-new": Case(foreign_code, methods=("get", "post")),
    "catalogue:manage-local-course": Case(
        b_catalogue_courses,
        methods=("get", "post"),
        body={"title": "Taken over", "category": "core", "duration_text": "3 hours"},
    ),
    "catalogue:manage-local-course-delete": Case(b_catalogue_courses, methods=("get", "post")),
    "catalogue:manage-roles": Case(foreign_code),
    "catalogue:manage-role-new": Case(foreign_code, methods=("get", "post")),
    "catalogue:manage-pathway": Case(
        lambda w: [
            {"code": w.b.code, "role_id": w.b_local_role.pk},
            {"code": w.a.code, "role_id": w.b_local_role.pk},
        ],
        methods=("get", "post"),
        body={"window_months": "1", "required": [], "recommended": []},
    ),
    "catalogue:export-json": Case(b_framework_attempts),
    "catalogue:export-xlsx": Case(b_framework_attempts),
    "catalogue:import": Case(foreign_code, methods=("get", "post")),
    "people:index": Case(foreign_code),
    # Staff-list imports: B's code, and B's import under A's code.
    "people:imports": Case(foreign_code),
    "people:import-new": Case(foreign_code, methods=("get", "post")),
    "people:import-mapping": Case(
        b_people_import, methods=("get", "post"), body={"full_name": "Name"}
    ),
    "people:import-preview": Case(b_people_import, methods=("get", "post")),
    "people:import-settings": Case(
        foreign_code, methods=("get", "post"), body={"required_fields": ["agency"]}
    ),
    "people:import-apply": Case(b_people_import, methods=("post",)),
    "people:import-status": Case(b_people_import),
    "people:import-rejected-csv": Case(b_people_import),
    # Headcounts and the mapping survey: B's agency, headcount and survey (made on demand).
    "people:headcounts": Case(foreign_code),
    "people:headcount-new": Case(
        foreign_code, methods=("get", "post"), body={"count": "3", "source": "Taken over"}
    ),
    "people:headcount-edit": Case(
        lambda w: b_people_rows(w, "headcount_id"),
        methods=("get", "post"),
        body={"count": "3", "source": "Taken over"},
    ),
    "people:survey": Case(foreign_code),
    "people:survey-send": Case(lambda w: b_people_rows(w, "agency_id"), methods=("post",)),
    "people:survey-reply": Case(lambda w: b_people_rows(w, "survey_id")),
    "people:survey-chase": Case(lambda w: b_people_rows(w, "survey_id"), methods=("post",)),
    "people:survey-accept": Case(lambda w: b_people_rows(w, "survey_id"), methods=("post",)),
    # The learner's questionnaire: the signed link is the credential, within its own
    # partnership only (tested in evaluation/tests/test_answering_pages.py).
    "evaluation:answer": Case(b_answer_link, methods=("get", "post")),
    "evaluation:answer-thanks": Case(b_answer_link),
    "evaluation:paper": Case(foreign_code),
    "evaluation:paper-entry": Case(
        lambda w: b_answer_link(w, for_paper=True), methods=("get", "post")
    ),
    "evaluation:paper-letters": Case(
        lambda w: b_answer_link(w, for_paper=True), methods=("get", "post")
    ),
    "evaluation:paper-import": Case(
        lambda w: b_answer_link(w, for_paper=True), methods=("get", "post")
    ),
    "people:survey-respond": Public("the token is the credential; tested in test_survey"),
    # Agencies and people: B's agency and person under B's code and A's.
    "people:agencies": Case(foreign_code),
    "people:agency-new": Case(
        foreign_code, methods=("get", "post"), body={"name": "Taken over", "sector": "health"}
    ),
    "people:agency": Case(lambda w: b_agency_and_person(w, "agency_id")),
    "people:agency-edit": Case(
        lambda w: b_agency_and_person(w, "agency_id"),
        methods=("get", "post"),
        body={"name": "Taken over", "sector": "health"},
    ),
    "people:service-new": Case(
        lambda w: b_agency_and_person(w, "agency_id"),
        methods=("get", "post"),
        body={"name": "Taken over"},
    ),
    "people:people": Case(foreign_code),
    "people:person-new": Case(foreign_code, methods=("get", "post")),
    "people:person": Case(lambda w: b_agency_and_person(w, "person_id")),
    "people:person-edit": Case(
        lambda w: b_agency_and_person(w, "person_id"),
        methods=("get", "post"),
        body={"full_name": "Taken over", "employment_type": "permanent"},
    ),
    "people:person-leave": Case(
        lambda w: b_agency_and_person(w, "person_id"),
        methods=("get", "post"),
        body={"left_on_0": "1", "left_on_1": "1", "left_on_2": "2030"},
    ),
    "people:post-new": Case(
        lambda w: b_person_and_post(w, with_post=False)[:2],
        methods=("get", "post"),
        body={"job_title": "Taken over", "employment_type": "permanent"},
    ),
    "people:post-edit": Case(
        b_person_and_post,
        methods=("get", "post"),
        body={"job_title": "Taken over", "employment_type": "permanent"},
    ),
    "people:post-end": Case(
        b_person_and_post,
        methods=("get", "post"),
        body={"left_on_0": "1", "left_on_1": "1", "left_on_2": "2030"},
    ),
    # Training needs and duplicates: B's code, and B's person under A's code.
    "people:needs": Case(
        foreign_code,
        methods=("get", "post"),
        body={"planned-year": "2026", "planned-places": "5"},
    ),
    "people:needs-xlsx": Case(foreign_code),
    # Training status (the records app, under the people area's address): B's code.
    "records:home": Case(foreign_code),
    "records:training-status": Case(foreign_code),
    "records:training-status-csv": Case(foreign_code),
    # Where records come from (declarations, e-learning files, moves): B's code, and B's
    # declaration or import under A's code.
    "records:declarations": Case(foreign_code),
    "records:declaration-new": Case(
        foreign_code, methods=("get", "post"), body={"provider": "Taken over"}
    ),
    "records:declaration": Case(lambda w: b_records_rows(w, "declaration_id")),
    "records:declaration-decide": Case(
        lambda w: b_records_rows(w, "declaration_id"),
        methods=("post",),
        body={"decision": "approve"},
    ),
    "records:declaration-evidence": Case(lambda w: b_records_rows(w, "declaration_id")),
    "records:import-new": Case(foreign_code, methods=("get", "post"), body={}),
    "records:import": Case(lambda w: b_records_rows(w, "import_id"), methods=("get", "post")),
    "records:share": Case(foreign_code, methods=("get", "post"), body={}),
    "records:move-in": Case(
        foreign_code,
        methods=("get", "post"),
        body={"email": "taken@over.example", "code": "AAAA-BBBB-CCCC", "action": "move"},
    ),
    "api:person-training-records": Case(lambda w: b_agency_and_person(w, "person_id"), api=True),
    "api:declaration-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={
            "course": 1,
            "completed_on": "2026-01-05",
            "hours": "1",
            "provider": "Taken over",
            "evidence": {"name": "taken.pdf", "content_base64": "JVBERi0xLjQ="},
        },
    ),
    "api:declaration-detail": Case(lambda w: b_records_rows(w, "declaration_id"), api=True),
    "api:declaration-approve": Case(
        lambda w: b_records_rows(w, "declaration_id"), methods=("post",), api=True, body={}
    ),
    "api:declaration-reject": Case(
        lambda w: b_records_rows(w, "declaration_id"),
        methods=("post",),
        api=True,
        body={"reason": "Taken over"},
    ),
    # Partnership compliance (records): B's code, on the page, its downloads and the API.
    "records:compliance": Case(foreign_code),
    "records:compliance-csv": Case(foreign_code),
    "records:compliance-xlsx": Case(foreign_code),
    "api:compliance-summary": Case(foreign_code, api=True),
    "people:duplicates": Case(foreign_code),
    "people:duplicate-merge": Case(
        lambda w: b_agency_and_person(w, "person_id"), methods=("get", "post"), body={}
    ),
    # Emails (coordinator pages): B's outbox, its wording, and B's failed email under A's code.
    "notifications:outbox": Case(foreign_code),
    "notifications:retry": Case(b_outbox_message, methods=("post",)),
    "notifications:retry-failed": Case(foreign_code, methods=("post",)),
    "notifications:templates": Case(foreign_code),
    "notifications:template": Case(
        b_message_kind,
        methods=("get", "post"),
        body={"subject": "Taken over", "body": "Taken over", "action": "save"},
    ),
    "notifications:template-reset": Case(b_message_kind, methods=("post",)),
    # The register and certificates: B's session and certificate, under B's code and A's.
    "sessions:register": Case(
        lambda w: b_register_rows(w, "session_id"),
        methods=("get", "post"),
        body={"action": "close"},
    ),
    "sessions:register-print": Case(lambda w: b_register_rows(w, "session_id")),
    "sessions:registers": Case(foreign_code),
    "sessions:certificate": Case(lambda w: b_register_rows(w, "number")),
    "sessions:certificate-withdraw": Case(
        lambda w: b_register_rows(w, "number"), methods=("get", "post"), body={"reason": "Taken"}
    ),
    "sessions:verify": Public("shows only what a certificate prints, to whoever has its number"),
    # No-show charges: B's code, and B's charge under A's code (waiving it changes nothing).
    "sessions:charges": Case(foreign_code),
    "sessions:charges-csv": Case(foreign_code),
    "sessions:charge-waive": Case(
        b_no_show_charge, methods=("get", "post"), body={"reason": "Taken over"}
    ),
    # Coordinator session pages: B's code, and B's session or venue under A's code.
    "sessions:index": Case(foreign_code),
    "sessions:session-new": Case(
        foreign_code, methods=("get", "post"), body={"capacity": "5", "save": "1"}
    ),
    "sessions:manage": Case(lambda w: b_managed_rows(w, "session_id")),
    "sessions:session-edit": Case(
        lambda w: b_managed_rows(w, "session_id"),
        methods=("get", "post"),
        body={"capacity": "1", "save": "1"},
    ),
    "sessions:session-cancel": Case(
        lambda w: b_managed_rows(w, "session_id"),
        methods=("get", "post"),
        body={"reason": "Taken over"},
    ),
    "sessions:venues": Case(foreign_code),
    "sessions:venue-new": Case(
        foreign_code, methods=("get", "post"), body={"name": "Taken", "address": "Over"}
    ),
    "sessions:venue-edit": Case(
        lambda w: b_managed_rows(w, "venue_id"),
        methods=("get", "post"),
        body={"name": "Taken", "address": "Over"},
    ),
    "sessions:settings": Case(
        foreign_code, methods=("get", "post"), body={"offer_hours": "1", "reminder_days": "1"}
    ),
    # Sessions, learner side: B's session and a booking on it, under B's code and A's.
    "sessions:list": Case(foreign_code),
    "sessions:detail": Case(sessions_not_open_to_a),
    "sessions:book": Case(lambda w: b_session_rows(w, "session_id"), methods=("post",)),
    "sessions:book-people": Case(
        lambda w: b_session_rows(w, "session_id"), methods=("get", "post"), body={"people": ["1"]}
    ),
    "sessions:my-bookings": Case(foreign_code),
    # Each role's daily work: only the member's own records, team or sessions.
    "sessions:my-training": Case(foreign_code),
    "sessions:my-team": Case(foreign_code),
    "sessions:my-team-book": Case(
        foreign_code, methods=("post",), body={"people": ["1"], "session": "1"}
    ),
    "sessions:my-sessions": Case(foreign_code),
    "sessions:booking-cancel": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("get", "post"), body={"reason": "x"}
    ),
    "sessions:offer-accept": Case(lambda w: b_session_rows(w, "booking_id"), methods=("post",)),
    "sessions:offer-decline": Case(lambda w: b_session_rows(w, "booking_id"), methods=("post",)),
    "sessions:approvals": Case(foreign_code),
    "sessions:approve": Case(lambda w: b_session_rows(w, "booking_id"), methods=("post",)),
    "sessions:refuse": Case(
        lambda w: b_session_rows(w, "booking_id"), methods=("get", "post"), body={"reason": "x"}
    ),
    # Evaluation (coordinator, board and trainer pages): B's code, and B's questionnaire,
    # plan or session under A's code.
    "evaluation:home": Case(foreign_code),
    "evaluation:instruments": Case(foreign_code),
    "evaluation:instrument-new": Case(
        foreign_code, methods=("get", "post"), body={"name": "Taken", "templates": ["reactions"]}
    ),
    "evaluation:instrument": Case(lambda w: b_evaluation(w, "instrument_id")),
    "evaluation:instrument-version": Case(lambda w: b_evaluation(w, "instrument_id", "number")),
    "evaluation:results": Case(foreign_code),
    "evaluation:settings": Case(foreign_code, methods=("get", "post"), body={}),
    "evaluation:plan-new": Case(foreign_code, methods=("get", "post"), body={}),
    "evaluation:plan": Case(lambda w: b_evaluation(w, "plan_id")),
    "evaluation:plan-edit": Case(
        lambda w: b_evaluation(w, "plan_id"),
        methods=("get", "post"),
        body={"response_mode": "named", "consent_text": "Taken", "privacy_text": "Over"},
    ),
    "evaluation:plan-download": Case(
        lambda w: [
            attempt
            for kind in ("xlsx", "csv", "sav")
            for attempt in b_evaluation(w, "plan_id", kind=kind)
        ]
    ),
    "evaluation:session": Case(
        lambda w: b_evaluation(w, "session_id"),
        methods=("get", "post"),
        body={"went_well": "Taken over"},
    ),
    "api:evaluation-instrument-list": Case(foreign_code, api=True),
    "api:evaluation-instrument-detail": Case(lambda w: b_evaluation(w, "instrument_id"), api=True),
    "api:evaluation-plan-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={
            "session": 1,
            "consent_text": "Taken",
            "privacy_text": "Over",
            "waves": [{"kind": "end", "instrument_version": 1}],
        },
    ),
    "api:evaluation-plan-detail": Case(lambda w: b_evaluation(w, "plan_id"), api=True),
    "api:evaluation-plan-results": Case(lambda w: b_evaluation(w, "plan_id"), api=True),
    "api:evaluation-response-list": Case(
        lambda w: b_evaluation(w, "plan_id"),
        methods=("get", "post"),
        api=True,
        body={"wave": 1, "answers": {"c1": 3}, "consented": True, "idempotency_key": "taken"},
    ),
    "api:evaluation-paper-import": Case(
        lambda w: b_evaluation(w, "plan_id", "wave_id"), methods=("post",), api=True
    ),
    "local_statistics:figures": Case(foreign_code),
    "local_statistics:authorities": Case(
        foreign_code, methods=("get", "post"), body={"authorities": "E09000007"}
    ),
    "api:local-statistics": Case(foreign_code, api=True),
    "finance:reports": Case(foreign_code),
    "finance:budget": Case(foreign_code),
    "finance:line-new": Case(foreign_code, methods=("get", "post"), body={"category": "materials"}),
    "finance:line": Case(lambda w: b_budget_line(w), methods=("get", "post")),
    "finance:rates": Case(foreign_code, methods=("get", "post")),
    "finance:costs": Case(foreign_code),
    "finance:costs-import": Case(foreign_code, methods=("get", "post")),
    "finance:unit-costs": Case(foreign_code),
    "api:finance-unit-costs": Case(foreign_code, api=True),
    "finance:session-cost": Case(
        lambda w: b_managed_rows(w, "session_id"), methods=("get", "post")
    ),
    "finance:line-change": Case(
        lambda w: b_budget_line(w),
        methods=("get", "post"),
        body={"category": "materials", "description": "Taken", "planned": "1"},
    ),
    "finance:line-remove": Case(lambda w: b_budget_line(w), methods=("get", "post")),
    "finance:year-close": Case(foreign_code, methods=("post",), body={"year": 2025}),
    "finance:year-reopen": Case(
        lambda w: [{"code": w.b.code, "year": 2025}],
        methods=("get", "post"),
        body={"reason": "Taken over"},
    ),
    "finance:agreements": Case(foreign_code),
    "finance:agreement-new": Case(foreign_code, methods=("get", "post")),
    "finance:agreement": Case(
        lambda w: b_finance_rows(w, "agreement_id"),
        methods=("get", "post"),
        body={"agency": 1, "earns": "none"},
    ),
    "finance:agreement-remove": Case(
        lambda w: b_finance_rows(w, "agreement_id"), methods=("get", "post")
    ),
    "finance:delegate-charges": Case(foreign_code, methods=("get", "post")),
    "finance:rate-remove": Case(lambda w: b_finance_rows(w, "rate_id"), methods=("post",)),
    "finance:exemption-remove": Case(
        lambda w: b_finance_rows(w, "exemption_id"), methods=("post",)
    ),
    "api:finance-agreement-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={"year": 2025, "agency": 1, "amount": "1.00"},
    ),
    "api:finance-agreement-detail": Case(
        lambda w: b_finance_rows(w, "agreement_id"),
        methods=("get", "put", "delete"),
        api=True,
        body={"agency": 1, "earns": "none"},
    ),
    "api:finance-budget": Case(foreign_code, api=True),
    "api:finance-budget-line-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={"year": 2025, "category": "materials", "description": "x", "planned": "1.00"},
    ),
    "api:finance-budget-line-detail": Case(lambda w: b_budget_line(w), api=True),
    "api:finance-entry-create": Case(
        lambda w: b_budget_line(w),
        methods=("post",),
        api=True,
        body={"on": "2025-06-01", "amount": "1.00"},
    ),
    "api:finance-session-cost": Case(
        lambda w: b_managed_rows(w, "session_id"),
        methods=("get", "put"),
        api=True,
        body={"venue_actual": "1.00"},
    ),
    "api:finance-delegate-rate-list": Case(
        foreign_code,
        methods=("get", "post"),
        api=True,
        body={"sector": "police", "full_day": "1.00", "half_day": "1.00"},
    ),
    "api:finance-delegate-rate-detail": Case(
        lambda w: b_finance_rows(w, "rate_id"), methods=("delete",), api=True
    ),
    "api:finance-exemption-list": Case(
        foreign_code, methods=("get", "post"), api=True, body={"agency": 1}
    ),
    "api:finance-exemption-detail": Case(
        lambda w: b_finance_rows(w, "exemption_id"), methods=("delete",), api=True
    ),
    "api:finance-year-list": Case(foreign_code, api=True),
    "api:finance-year-close": Case(
        lambda w: [{"code": w.b.code, "year": 2025}], methods=("post",), api=True, body={}
    ),
    "api:finance-year-reopen": Case(
        lambda w: b_closed_year(w), methods=("post",), api=True, body={"reason": "Taken over"}
    ),
    # Regional (a region's coordinators only): A's coordinator coordinates no region, so B's
    # region and A's own answer the 404 of an unknown one; B's sharing choice under B's code.
    "regional:benchmarks": Case(lambda w: region_attempts(w)),
    "regional:benchmarks-download": Case(
        lambda w: [
            dict(attempt, kind=kind) for attempt in region_attempts(w) for kind in ("csv", "xlsx")
        ]
    ),
    "api:regional-benchmarks": Case(lambda w: region_attempts(w), api=True),
    "regional:sharing": Case(
        foreign_code, methods=("get", "post"), body={"shares_with_region": "yes"}
    ),
    "annual_reports:report": Case(foreign_code),
    "annual_reports:pdf": Case(foreign_code),
    "annual_reports:xlsx": Case(foreign_code),
    "annual_reports:narrative": Case(
        foreign_code, methods=("get", "post"), body={"priorities": "Taken over"}
    ),
    "api:annual-report": Case(foreign_code, api=True),
    "api:annual-report-narrative": Case(
        foreign_code, methods=("put",), api=True, body={"year": 2025, "priorities": "Taken"}
    ),
    "audit:list": Case(foreign_code),
    "audit:detail": Case(
        lambda w: [
            {"code": w.b.code, "pk": w.b_audit_event.pk},
            {"code": w.a.code, "pk": w.b_audit_event.pk},
        ]
    ),
}


def qualified_route_names(patterns=None, namespace: str = "") -> list[str]:
    """Every route's ``namespace:name``; unnamed routes appear as ``<unnamed …>``."""
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += qualified_route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def test_every_route_has_an_isolation_case():
    routes = set(qualified_route_names())
    missing = sorted(routes - set(CASES))
    assert not missing, f"Add these routes to the isolation matrix: {missing}"
    stale = sorted(set(CASES) - routes)
    assert not stale, f"These cases name routes that no longer exist: {stale}"


@pytest.fixture
def world(db, sign_in):
    a = PartnershipFactory.create(code="partnership-a")
    b = PartnershipFactory.create(code="partnership-b")
    a_coordinator = MembershipFactory.create(partnership=a, role=Role.COORDINATOR).user
    b_coordinator = MembershipFactory.create(partnership=b, role=Role.COORDINATOR).user
    b_member = MembershipFactory.create(partnership=b, role=Role.LEARNER).user
    set_member_roles(
        partnership=b, user=b_member, roles=[Role.LEARNER, Role.TRAINER], changed_by=b_coordinator
    )
    b_audit_event = AuditEvent.objects.get(partnership=b)
    b_token, _ = issue_access_token(user=b_member, name="B's script")
    shared = AdoptionFactory.create(partnership=a).framework
    AdoptionFactory.create(partnership=b, framework=shared)
    own = PartnershipFrameworkFactory.create(owner_partnership=b)
    AdoptionFactory.create(partnership=b, framework=own)
    world = World(
        a,
        b,
        a_coordinator,
        b_member,
        b_audit_event,
        b_token,
        b_local_course=CourseFactory.create(tier__framework=shared, local_to=b),
        b_local_role=RoleFactory.create(tier__framework=shared, local_to=b),
        b_framework_course=CourseFactory.create(tier__framework=own),
    )
    Equivalence.objects.create(
        partnership=b, course=world.b_local_course, counts_for=world.b_framework_course
    )
    return world


def attempts():
    for name, case in sorted(CASES.items()):
        if isinstance(case, Case):
            for method in case.methods:
                yield pytest.param(name, method, id=f"{name}-{method}")


@pytest.mark.parametrize(("route", "method"), list(attempts()))
def test_partnership_a_cannot_reach_partnership_b(route, method, world, client, sign_in):
    case = CASES[route]
    assert isinstance(case, Case)
    sign_in(world.a_coordinator)
    headers = {}
    if case.api:
        _, token = issue_access_token(user=world.a_coordinator, name="isolation test")
        headers["Authorization"] = f"Bearer {token}"
    memberships_before = sorted(Membership.objects.values_list("partnership_id", "user_id", "role"))
    audit_before = AuditEvent.objects.count()
    catalogue_before = catalogue_state()
    for kwargs in case.attempts(world):
        url = reverse(route, kwargs=kwargs)
        sends_body = method in ("post", "patch", "put")
        body = (case.body or {"roles": [Role.COORDINATOR]}) if sends_body else None
        if case.api and body is not None:
            response = getattr(client, method)(
                url, body, content_type="application/json", headers=headers
            )
        else:
            response = getattr(client, method)(url, body, headers=headers)
        assert response.status_code == 404, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
    assert sorted(Membership.objects.values_list("partnership_id", "user_id", "role")) == (
        memberships_before
    )
    assert AuditEvent.objects.count() == audit_before
    assert AccessToken.objects.get(pk=world.b_token.pk).revoked_at is None
    assert catalogue_state() == catalogue_before


def catalogue_state() -> dict[str, list]:
    """Every catalogue row a coordinator's page could change, as plain values."""
    from interagency.catalogue.models import (
        Adoption,
        CompetenceFramework,
        CourseTailoring,
        PathwayItem,
        Tier,
    )

    return {
        "frameworks": sorted(
            CompetenceFramework.objects.values_list("pk", "name", "version", "superseded_by")
        ),
        "tiers": sorted(Tier.objects.values_list("pk", "code", "name")),
        "courses": sorted(Course.objects.values_list("pk", "title", "tier", "local_to")),
        "roles": sorted(CatalogueRole.objects.values_list("pk", "name", "local_to")),
        "pathway_items": sorted(PathwayItem.objects.values_list("pk", "course", "kind")),
        "adoptions": sorted(Adoption.objects.values_list("partnership", "framework")),
        "equivalences": sorted(
            Equivalence.objects.values_list("pk", "course", "counts_for", "partnership")
        ),
        "tailorings": sorted(
            CourseTailoring.objects.values_list("partnership", "course", "hidden", "local_title")
        ),
    }


def test_a_missing_object_and_a_foreign_object_answer_alike(world, client, sign_in):
    sign_in(world.a_coordinator)
    foreign = client.get(f"/p/{world.a.code}/audit/{world.b_audit_event.pk}/")
    missing = client.get(f"/p/{world.a.code}/audit/999999/")
    assert foreign.status_code == missing.status_code == 404
    # Identical pages apart from per-response values (CSP nonce, masked CSRF token).
    assert without_per_response_values(foreign.text) == without_per_response_values(missing.text)


def without_per_response_values(html: str) -> str:
    import re

    return re.sub(r'(nonce|value)="[^"]*"', "", html)

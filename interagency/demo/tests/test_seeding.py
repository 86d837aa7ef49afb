"""The synthetic data generator: sizes, repeatability, idempotence, the demo."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from interagency.accounts.models import User
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, Certificate, Charge, Session, Venue
from interagency.demo import seeding
from interagency.evaluation.models import EvaluationPlan, Response
from interagency.people.models import Agency, Person, Sector
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Membership, Partnership

DEMO_PASSWORD = "a long demo password for tests"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Partnership.objects.count(), User.objects.count(), Membership.objects.count()


def roles_held(partnership: Partnership) -> dict[str, int]:
    memberships = Membership.objects.for_partnership(partnership)
    return {role: memberships.filter(role=role).count() for role in Role.values}


@pytest.mark.django_db
def test_borough_scale_creates_camden_with_its_learners_and_a_coordinator():
    output = seed("--scale", "borough", "--people", "300")

    camden = Partnership.objects.get()
    assert camden.code == "camden"
    assert camden.local_authority_codes == ["E09000007"]
    held = roles_held(camden)
    assert held[Role.LEARNER] == 300
    assert held[Role.COORDINATOR] == 1
    assert held[Role.BOARD_MEMBER] >= 1
    assert held[Role.LINE_MANAGER] == 24  # 8%
    assert held[Role.AGENCY_LEAD] == 6  # 2%
    assert held[Role.TRAINER] == 3  # 1%
    assert User.objects.count() == 300 + 1 + held[Role.BOARD_MEMBER]
    assert "Camden: 303 people" in output


@pytest.mark.django_db
def test_county_scale_is_one_partnership_of_a_countys_size_in_camdens_place():
    assert seeding.COUNTY_PEOPLE == 100_000  # the default; a test seeds fewer
    output = seed("--scale", "county", "--people", "60")

    camden = Partnership.objects.get()
    assert camden.code == "camden"
    assert roles_held(camden)[Role.LEARNER] == 60
    assert "Seeded county scale" in output


@pytest.mark.django_db
def test_synthetic_people_have_lower_case_work_emails_and_no_usable_password():
    seed("--scale", "borough", "--people", "50")

    users = list(User.objects.all())
    domains = set(seeding.agency_domains("camden"))
    for user in users:
        assert user.email == user.email.lower()
        assert user.email.split("@")[1] in domains
        assert " " in user.full_name
        assert not user.has_usable_password()
    assert len({user.email for user in users}) == len(users)


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not():
    first = seeding.synthetic_people("camden", 200, seed=7)
    again = seeding.synthetic_people("camden", 200, seed=7)
    other = seeding.synthetic_people("camden", 200, seed=8)
    assert first == again
    assert [p.email for p in first] != [p.email for p in other]


@pytest.mark.django_db
def test_the_same_seed_twice_stores_identical_emails():
    seed("--scale", "borough", "--people", "120", "--seed", "42")
    first = sorted(User.objects.values_list("email", "full_name"))
    # Bookings, records and certificates protect people; agencies protect their people;
    # evaluation responses and plans protect sessions.
    for model in (
        Response,
        EvaluationPlan,
        Certificate,
        Charge,
        TrainingRecord,
        Booking,
        Session,
        Venue,
        Person,
    ):
        model.objects.all().delete()
    User.objects.all().delete()
    Partnership.objects.all().delete()

    seed("--scale", "borough", "--people", "120", "--seed", "42")
    assert sorted(User.objects.values_list("email", "full_name")) == first


@pytest.mark.django_db
def test_a_second_borough_run_changes_nothing():
    seed("--scale", "borough", "--people", "300")
    before = counts()
    emails = set(User.objects.values_list("email", flat=True))

    output = seed("--scale", "borough", "--people", "300")

    assert counts() == before
    assert set(User.objects.values_list("email", flat=True)) == emails
    assert "already seeded" in output


@pytest.mark.django_db
def test_region_scale_creates_the_33_london_partnerships():
    output = seed("--scale", "region", "--people", "330")

    partnerships = list(Partnership.objects.all())
    assert len(partnerships) == 33
    codes = sorted(code for p in partnerships for code in p.local_authority_codes)
    assert codes == [f"E090000{n:02d}" for n in range(1, 34)]
    for partnership in partnerships:
        held = roles_held(partnership)
        assert held[Role.LEARNER] >= 1
        assert held[Role.COORDINATOR] == 1
    # Shared by child population: Croydon has far more children than the City of London.
    croydon = roles_held(Partnership.objects.get(code="croydon"))[Role.LEARNER]
    city = roles_held(Partnership.objects.get(code="city-of-london"))[Role.LEARNER]
    assert croydon > city
    assert Membership.objects.filter(role=Role.LEARNER).count() == pytest.approx(330, abs=20)
    assert output.count("people") >= 33

    before = counts()
    seed("--scale", "region", "--people", "330")
    assert counts() == before


@pytest.mark.django_db
def test_region_after_borough_keeps_camden_and_adds_the_rest():
    seed("--scale", "borough", "--people", "40")
    camden_users = set(
        Membership.objects.filter(partnership__code="camden").values_list("user_id", flat=True)
    )
    seed("--scale", "region", "--people", "330")
    assert Partnership.objects.count() == 33
    assert (
        set(Membership.objects.filter(partnership__code="camden").values_list("user_id", flat=True))
        == camden_users
    )


def test_people_are_shared_by_child_population():
    authorities = seeding.london_local_authorities()
    sizes = seeding.people_by_population(authorities, 8000 * 33)
    assert sum(sizes) == pytest.approx(8000 * 33, rel=0.001)
    assert min(sizes) >= 1


@pytest.mark.django_db
def test_demo_scale_is_idempotent_and_its_accounts_can_sign_in(client):
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    before = counts()
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    assert counts() == before

    # Through the sign-in page: axes needs the request that client.login() does not pass.
    for local_part, _name, _role in seeding.DEMO_ACCOUNTS:
        email = f"{local_part}@{seeding.DEMO_DOMAIN}"
        response = client.post(
            "/account/sign-in/", {"username": email.upper(), "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
        client.logout()


@pytest.mark.django_db
def test_demo_scale_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("INTERAGENCY_DEMO_PASSWORD", DEMO_PASSWORD)
    seed("--scale", "demo")
    assert User.objects.get(email=f"learner@{seeding.DEMO_DOMAIN}").check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_scale_without_a_password_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("INTERAGENCY_DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--password"):
        seed("--scale", "demo")
    assert User.objects.count() == 0


def workforce(partnership: Partnership) -> dict[str, object]:
    """What the seeder made of a partnership's agencies and people, as plain values."""
    people = Person.objects.for_partnership(partnership)
    return {
        "agencies": sorted(
            Agency.objects.for_partnership(partnership).values_list("name", "sector", "lead")
        ),
        "people": sorted(
            people.values_list("user__email", "agency__name", "service__name", "role__name",
                               "line_manager__work_email")
        ),
    }  # fmt: skip


@pytest.mark.django_db
def test_borough_scale_gives_agencies_by_sector_and_every_learner_a_person_record():
    output = seed("--scale", "borough", "--people", "400")

    camden = Partnership.objects.get()
    sectors = dict(
        Agency.objects.for_partnership(camden)
        .values("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    for sector in (Sector.EDUCATION, Sector.HEALTH, Sector.CHILDRENS_SOCIAL_CARE, Sector.POLICE):
        assert sectors.get(sector, 0) >= 1, sector
    assert sectors[Sector.EDUCATION] > sectors[Sector.POLICE]
    learners = Membership.objects.for_partnership(camden).filter(role=Role.LEARNER)
    people = Person.objects.for_partnership(camden)
    assert people.count() == learners.count() == 400
    assert set(people.values_list("user_id", flat=True)) == set(
        learners.values_list("user_id", flat=True)
    )
    assert not people.filter(role__isnull=True).exists()
    assert not people.filter(role__framework__slug__isnull=True).exists()
    assert set(people.values_list("role__framework__slug", flat=True)) == {"competence-matters"}
    # Line managers are the seeded line managers, in the same agency.
    managed = people.filter(line_manager__isnull=False)
    assert managed.exists()
    manager_users = set(
        Membership.objects.for_partnership(camden)
        .filter(role=Role.LINE_MANAGER)
        .values_list("user_id", flat=True)
    )
    assert set(managed.values_list("line_manager__user_id", flat=True)) <= manager_users
    assert not managed.exclude(line_manager__agency=F("agency")).exists()
    # Agency leads lead an agency their own record sits in.
    led = Agency.objects.for_partnership(camden).filter(lead__isnull=False)
    assert led.exists()
    for agency in led:
        assert people.filter(user=agency.lead, agency=agency).exists()
    assert "agencies" in output


@pytest.mark.django_db
def test_a_second_borough_run_leaves_agencies_and_people_as_they_were():
    seed("--scale", "borough", "--people", "150", "--seed", "3")
    camden = Partnership.objects.get()
    before = workforce(camden)

    seed("--scale", "borough", "--people", "150", "--seed", "3")

    assert workforce(camden) == before


def test_agencies_follow_the_sector_shares_and_names_are_unique():
    plan = seeding.agency_plan("Camden", 8000, set())
    names = [name.lower() for name, _sector in plan]
    assert len(names) == len(set(names))
    share = {
        sector: sum(1 for _n, s in plan if s == sector) / len(plan)
        for sector, _ in seeding.SECTOR_SHARES
    }
    assert share[Sector.EDUCATION] == pytest.approx(0.30, abs=0.02)
    assert share[Sector.HEALTH] == pytest.approx(0.25, abs=0.02)
    assert share[Sector.POLICE] == pytest.approx(0.05, abs=0.02)


@pytest.mark.django_db
def test_demo_scale_gives_the_demo_accounts_person_records():
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    seed("--scale", "demo", "--password", DEMO_PASSWORD)

    def person(local_part: str) -> Person:
        return Person.objects.select_related("agency", "line_manager").get(
            user__email=f"{local_part}@{seeding.DEMO_DOMAIN}"
        )

    learner, manager, lead = person("learner"), person("manager"), person("agencylead")
    assert learner.line_manager == manager
    assert lead.agency.lead == lead.user
    assert learner.role is not None
    assert Agency.objects.filter(partnership__code="camden").count() >= 3


# Sessions, bookings, registers and certificates ------------------------------------------


def delivery_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Venue, Session, Booking, Certificate, Charge, TrainingRecord)
    }


@pytest.mark.clock
@pytest.mark.django_db
def test_borough_scale_gives_five_years_of_sessions_with_closed_registers():
    from django.utils import timezone

    from interagency.delivery.models import Attendance, BookingStatus

    output = seed("--scale", "borough", "--people", "400")
    now = timezone.now()
    sessions = Session.objects.all()
    assert sessions.count() == 30  # 400 people × 0.015 a year × 5 years
    assert sessions.filter(starts_at__lt=now - datetime.timedelta(days=3 * 365)).exists()
    assert sessions.filter(starts_at__gt=now + datetime.timedelta(days=30)).exists()
    assert f"{sessions.count()} sessions" in output

    closed = sessions.filter(status=Session.Status.CLOSED)
    assert closed.exists() and not closed.filter(ends_at__gt=now).exists()
    confirmed_past = Booking.objects.filter(
        session__status=Session.Status.CLOSED, status=BookingStatus.CONFIRMED
    )
    # Every confirmed place on a closed register has an outcome; attended ones a certificate.
    assert Attendance.objects.count() == confirmed_past.count()
    assert Certificate.objects.count() == Attendance.objects.filter(outcome="attended").count()
    assert (
        TrainingRecord.objects.count()
        == Attendance.objects.filter(outcome__in=["attended", "partly"]).count()
    )
    for certificate in Certificate.objects.select_related(
        "booking__person", "booking__session__course"
    )[:20]:
        assert certificate.person_name == certificate.booking.person.full_name
        course = certificate.booking.session.course
        assert certificate.outcomes == [str(outcome) for outcome in course.outcomes or []]
    # Places taken always match the confirmed bookings, and never exceed the capacity.
    for session in sessions.exclude(status=Session.Status.CANCELLED):
        held = session.bookings.filter(status=BookingStatus.CONFIRMED).count()
        assert session.places_taken == held <= session.capacity
    assert (
        not Booking.objects.filter(session__status=Session.Status.CANCELLED)
        .exclude(status=BookingStatus.SESSION_CANCELLED)
        .exists()
    )


@pytest.mark.django_db
def test_a_second_borough_run_adds_no_sessions():
    seed("--scale", "borough", "--people", "200")
    first = delivery_counts()
    seed("--scale", "borough", "--people", "200")
    assert delivery_counts() == first


@pytest.mark.django_db
def test_a_partnership_seeded_before_sessions_gets_them_once():
    seed("--scale", "borough", "--people", "200")
    models = (Response, EvaluationPlan, Certificate, Charge, TrainingRecord, Booking)
    for model in (*models, Session, Venue):
        model.objects.all().delete()

    output = seed("--scale", "borough", "--people", "200")
    assert "already seeded; added 15 sessions" in output
    after = delivery_counts()
    assert after["Session"] == 15
    seed("--scale", "borough", "--people", "200")
    assert delivery_counts() == after


@pytest.fixture
def demo(db):
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    return {user.email.split("@")[0]: user for user in User.objects.all()}


def page(client, user, path: str) -> str:
    from conftest import sign_in_verified

    sign_in_verified(client, user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_demo_learner_sees_a_booking_a_waiting_place_and_a_certificate(demo, client):
    text = page(client, demo["learner"], "/p/camden/sessions/my-bookings/")
    assert "Number 2 on the waiting list" in text
    certificate = Certificate.objects.get(booking__person__user=demo["learner"])
    assert certificate.number in text
    assert certificate.person_name == "Sam Green"

    listed = page(client, demo["learner"], "/p/camden/sessions/upcoming/")
    assert "places left" in listed
    assert "Full – join the waiting list" in listed

    verified = client.get("/verify/", {"number": certificate.number}).content.decode()
    assert "This certificate is genuine" in verified and "Sam Green" in verified


def test_the_demo_coordinator_sees_the_waiting_list_and_the_trainer_a_register(demo, client):
    full = Session.objects.get(capacity=6)
    text = page(client, demo["coordinator"], f"/p/camden/sessions/manage/{full.pk}/")
    waiting = ["Liam Byrne", "Sam Green", "Maya Patel"]
    positions = [text.index(name, text.index("Waiting list")) for name in waiting]
    assert positions == sorted(positions)

    yesterday = Session.objects.get(status=Session.Status.SCHEDULED, capacity=10)
    register = page(client, demo["trainer"], f"/p/camden/sessions/{yesterday.pk}/register/")
    assert "Jess Turner" in register


def test_a_second_demo_run_adds_no_sessions(demo):
    first = delivery_counts()
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    assert delivery_counts() == first
    assert first["Session"] == seeding.DEMO_SESSIONS

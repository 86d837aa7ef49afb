"""Each role's daily work: my training, my team, a trainer's sessions, the start page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
)
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    Booking,
    BookingStatus,
    SessionTrainer,
)
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.models import PeopleImport, Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory
from interagency.records.models import Declaration, TrainingRecord

pytestmark = pytest.mark.clock


@pytest.fixture
def pathway(partnership):
    """A practitioner must do Core (within 12 months, every 36) and Intro (once)."""
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework, name="Group B", order=2)
    role = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    path = PathwayFactory.create(role=role, window_months=12)
    core = CourseFactory.create(framework=framework, tier=tier, title="Core")
    intro = CourseFactory.create(framework=framework, tier=tier, title="Intro", refresh_months=None)
    PathwayItemFactory.create(pathway=path, course=core, repeat_every_months=36)
    PathwayItemFactory.create(pathway=path, course=intro, repeat_every_months=None)
    return {"role": role, "core": core, "intro": intro}


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Royal Free")


def url(name, partnership, **kwargs):
    return reverse(f"sessions:{name}", kwargs={"code": partnership.code, **kwargs})


def completed(person, course, on):
    return TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=on,
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )


def coming(partnership, course, days=14):
    return SessionFactory.create(
        partnership=partnership,
        course=course,
        parts__start=timezone.localdate() + datetime.timedelta(days=days),
    )


# My training ------------------------------------------------------------------------------


@pytest.fixture
def learner(member_with, partnership, agency, pathway):
    user = member_with(Role.LEARNER)
    person = PersonFactory.create(
        agency=agency, user=user, full_name="Lena Learner", role=pathway["role"]
    )
    completed(person, pathway["intro"], timezone.localdate() - datetime.timedelta(days=200))
    return user


def test_my_training_shows_what_is_overdue_and_books_its_next_date(
    client, sign_in, learner, partnership, pathway
):
    session = coming(partnership, pathway["core"])
    sign_in(learner)
    response = client.get(url("my-training", partnership))
    assert response.status_code == 200
    text = response.text
    assert "Your role:" in text and "Practitioner" in text
    assert "Overdue" in text and "Done" in text
    book_url = url("book", partnership, session_id=session.pk)
    assert f'action="{book_url}"' in text
    assert "Intro" in text.split("Training history")[1]  # the record of the course done

    booked = client.post(book_url)
    assert booked.status_code == 302
    assert Booking.objects.get(session=session).person.full_name == "Lena Learner"
    again = client.get(url("my-training", partnership)).text
    assert "Booked" in again
    assert f'action="{book_url}"' not in again  # nothing left to book for Core


def test_my_training_without_a_staff_record_says_whom_to_ask(client, sign_in, member_with):
    user = member_with(Role.LEARNER)
    sign_in(user)
    response = client.get(reverse("sessions:my-training", kwargs={"code": "camden"}))
    assert response.status_code == 200
    assert "Ask your training coordinator to add you" in response.text


def test_my_training_reads_the_same_queries_for_one_or_many_dates_and_records(
    client, sign_in, learner, partnership, pathway, django_assert_max_num_queries
):
    coming(partnership, pathway["core"])
    sign_in(learner)
    client.get(url("my-training", partnership))  # the session's first request warms caches
    # Statuses read equivalences and hours rules besides the courses: a ceiling, fixed below.
    with django_assert_max_num_queries(25) as few:
        client.get(url("my-training", partnership))
    person = Person.objects.get(user=learner)
    for days in range(20, 26):
        coming(partnership, pathway["core"], days=days)
    for year in range(2015, 2020):
        completed(person, pathway["core"], datetime.date(year, 3, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("my-training", partnership))
    assert response.status_code == 200


# My team ----------------------------------------------------------------------------------


@pytest.fixture
def team(member_with, agency, pathway):
    """A line manager with two people of their own and a stranger in the same agency."""
    user = member_with(Role.LINE_MANAGER)
    service = ServiceFactory.create(agency=agency, partnership=agency.partnership, name="A&E")
    boss = PersonFactory.create(agency=agency, user=user, full_name="Maya Manager")
    ana = PersonFactory.create(
        agency=agency,
        line_manager=boss,
        full_name="Ana Team",
        role=pathway["role"],
        service=service,
    )
    ben = PersonFactory.create(
        agency=agency, line_manager=boss, full_name="Ben Team", role=pathway["role"]
    )
    PersonFactory.create(agency=agency, full_name="Sam Stranger", role=pathway["role"])
    return {"user": user, "ana": ana, "ben": ben}


def test_a_manager_sees_only_their_team_with_dates_to_book(
    client, sign_in, team, partnership, pathway
):
    session = coming(partnership, pathway["core"])
    sign_in(team["user"])
    response = client.get(url("my-team", partnership))
    assert response.status_code == 200
    text = response.text
    assert "Ana Team" in text and "Ben Team" in text
    assert "Sam Stranger" not in text
    assert "Maya Manager" not in text.split("<main")[1]
    assert url("book-people", partnership, session_id=session.pk) in text
    assert "By service" in text and "A&amp;E" in text
    assert "By role" in text and "By tier" in text and "Group B" in text


def test_a_manager_books_several_of_their_team_on_one_session(
    client, sign_in, team, partnership, pathway
):
    session = coming(partnership, pathway["core"])
    sign_in(team["user"])
    response = client.post(
        url("my-team-book", partnership),
        {"people": [team["ana"].pk, team["ben"].pk], "session": session.pk},
        follow=True,
    )
    assert "Booked: Ana Team, Ben Team." in response.text
    booked = set(
        Booking.objects.filter(session=session).values_list("person__full_name", flat=True)
    )
    assert booked == {"Ana Team", "Ben Team"}


def test_a_manager_cannot_book_someone_outside_their_team(
    client, sign_in, team, partnership, pathway, agency
):
    session = coming(partnership, pathway["core"])
    stranger = agency.people.get(full_name="Sam Stranger")
    sign_in(team["user"])
    response = client.post(
        url("my-team-book", partnership), {"people": [stranger.pk], "session": session.pk}
    )
    assert response.status_code == 200
    assert "You may book only the people listed for you" in response.text
    assert not Booking.objects.exists()


def test_booking_the_team_needs_a_session(client, sign_in, team, partnership):
    sign_in(team["user"])
    response = client.post(url("my-team-book", partnership), {"people": [team["ana"].pk]})
    assert "Choose the session to book the selected people on." in response.text
    assert not Booking.objects.exists()


def test_another_partnerships_session_cannot_be_chosen(
    client, sign_in, team, partnership, other_partnership, pathway
):
    theirs = coming(other_partnership, pathway["core"])
    sign_in(team["user"])
    response = client.post(
        url("my-team-book", partnership), {"people": [team["ana"].pk], "session": theirs.pk}
    )
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_an_agency_lead_sees_their_agency_by_agency_service_role_and_tier(
    client, sign_in, member_with, team, agency, partnership
):
    lead = member_with(Role.AGENCY_LEAD)
    agency.lead = lead
    agency.save()
    elsewhere = AgencyFactory.create(partnership=partnership, name="Whittington")
    PersonFactory.create(agency=elsewhere, full_name="Olly Other")
    sign_in(lead)
    text = client.get(url("my-team", partnership)).text
    assert "Your agency&#x27;s staff" in text
    assert "Sam Stranger" in text and "Ana Team" in text
    assert "Olly Other" not in text
    assert "By agency" in text and "By service" in text


def test_my_team_reads_the_same_queries_for_a_few_or_many_people(
    client, sign_in, team, agency, partnership, pathway, django_assert_max_num_queries
):
    coming(partnership, pathway["core"])
    sign_in(team["user"])
    client.get(url("my-team", partnership))
    with django_assert_max_num_queries(30) as few:
        client.get(url("my-team", partnership))
    boss = team["ana"].line_manager
    for number in range(12):
        PersonFactory.create(agency=agency, line_manager=boss, role=pathway["role"])
        coming(partnership, pathway["intro"], days=20 + number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("my-team", partnership))
    assert response.status_code == 200


# The trainer ------------------------------------------------------------------------------


@pytest.fixture
def delivered(member_with, partnership, agency):
    """A trainer's session that started two hours ago and their session next week."""
    user = member_with(Role.TRAINER)
    started = SessionFactory.create(
        partnership=partnership,
        course__title="Working Together",
        parts__start=timezone.localdate() - datetime.timedelta(days=1),
    )
    later = SessionFactory.create(partnership=partnership, course__title="Neglect")
    other = SessionFactory.create(partnership=partnership, course__title="Not mine")
    for session in (started, later):
        SessionTrainer.objects.create(session=session, user=user, name="Tia Trainer")
    return {"user": user, "started": started, "later": later, "other": other}


def test_the_trainer_sees_their_registers_to_take_and_coming_sessions(
    client, sign_in, delivered, partnership
):
    sign_in(delivered["user"])
    response = client.get(url("my-sessions", partnership))
    assert response.status_code == 200
    text = response.text
    assert url("register", partnership, session_id=delivered["started"].pk) in text
    assert url("register", partnership, session_id=delivered["later"].pk) in text
    assert "Not mine" not in text
    menu = client.get(reverse("tenancy:dashboard", kwargs={"code": partnership.code})).text
    assert "My sessions" in menu
    assert "Working Together" in menu  # its register is waiting on the start page


def test_mark_all_attended_then_the_exceptions(client, sign_in, delivered, partnership, agency):
    session = delivered["started"]
    people = [PersonFactory.create(agency=agency, full_name=name) for name in ("Ada", "Bo", "Cy")]
    bookings = [BookingFactory.create(session=session, person=person) for person in people]
    Attendance.objects.create(
        booking=bookings[2], outcome=AttendanceOutcome.NO_SHOW, recorded_by=delivered["user"]
    )
    sign_in(delivered["user"])
    register = url("register", partnership, session_id=session.pk)
    response = client.post(register, {"action": "mark_all"}, follow=True)
    assert "2 people marked as attended" in response.text
    outcomes = dict(Attendance.objects.values_list("booking__person__full_name", "outcome"))
    assert outcomes == {"Ada": "attended", "Bo": "attended", "Cy": "no_show"}
    audited = AuditEvent.objects.filter(subject_type="delivery.Attendance")
    assert audited.count() == 2
    assert {event.actor_user_id for event in audited} == {delivered["user"].pk}
    # The exception: Bo did not come after all.
    client.post(register, {f"outcome-{bookings[1].pk}": "no_show"})
    assert Attendance.objects.get(booking=bookings[1]).outcome == "no_show"


def test_mark_all_attended_waits_for_the_session_to_start(client, sign_in, delivered, partnership):
    session = delivered["later"]
    BookingFactory.create(session=session)
    sign_in(delivered["user"])
    response = client.post(
        url("register", partnership, session_id=session.pk), {"action": "mark_all"}, follow=True
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


# The start page ---------------------------------------------------------------------------


def dashboard(partnership):
    return reverse("tenancy:dashboard", kwargs={"code": partnership.code})


def test_the_coordinators_start_page_lists_the_work_waiting(
    client, sign_in, coordinator, partnership, agency
):
    ended = SessionFactory.create(
        partnership=partnership,
        parts__start=timezone.localdate() - datetime.timedelta(days=3),
    )
    soon = SessionFactory.create(
        partnership=partnership,
        minimum_numbers=5,
        parts__start=timezone.localdate() + datetime.timedelta(days=3),
    )
    BookingFactory.create(session=soon, status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None)
    BookingFactory.create(
        session=soon,
        status=BookingStatus.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
    )
    PeopleImport.objects.create(
        partnership=partnership,
        agency=agency,
        status=PeopleImport.Status.FAILED,
        file_name="staff.csv",
    )
    Declaration.objects.create(
        partnership=partnership,
        person=PersonFactory.create(partnership=partnership, agency=agency),
        course=ended.course,
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
        hours=1,
        provider="A course elsewhere",
        evidence="x.pdf",
        evidence_name="x.pdf",
        evidence_type="application/pdf",
    )
    assert ended.status == "scheduled"
    sign_in(coordinator)
    text = client.get(dashboard(partnership)).text
    assert "To do" in text
    code = partnership.code
    assert f'href="/p/{code}/sessions/approvals/"><strong>1</strong> bookings waiting' in text
    assert "<strong>1</strong> registers not closed after the session ended" in text
    assert "<strong>1</strong> sessions starting within a week under their minimum" in text
    assert "<strong>1</strong> waiting-list offers expiring within a day" in text
    assert "<strong>1</strong> staff-list imports that failed or left rows out" in text
    assert f'href="/p/{code}/records/declarations/"><strong>1</strong> declarations' in text
    assert "Training coordinator" in text  # the role's name, never its code


def test_the_coordinators_start_page_reads_a_fixed_number_of_queries(
    client, sign_in, coordinator, partnership, django_assert_max_num_queries
):
    sign_in(coordinator)
    client.get(dashboard(partnership))
    with django_assert_max_num_queries(20) as few:
        client.get(dashboard(partnership))
    for days in range(1, 6):
        session = SessionFactory.create(
            partnership=partnership,
            parts__start=timezone.localdate() - datetime.timedelta(days=days),
        )
        BookingFactory.create(
            session=session, status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(dashboard(partnership))


def test_a_board_member_reaches_compliance_and_evaluation_results(
    client, sign_in, member_with, partnership, team
):
    board = member_with(Role.BOARD_MEMBER)
    sign_in(board)
    text = client.get(dashboard(partnership)).text
    assert "Training compliance" in text and "Royal Free" in text
    assert reverse("evaluation:home", kwargs={"code": partnership.code}) in text
    assert "Ana Team" not in text  # counts only, never names
    assert "Board member" in text


def test_each_role_finds_its_pages_in_the_menu(client, sign_in, learner, team, partnership):
    sign_in(learner)
    text = client.get(dashboard(partnership)).text
    assert url("my-training", partnership) in text and "Your training" in text
    assert url("my-team", partnership) not in text
    sign_in(team["user"])
    text = client.get(dashboard(partnership)).text
    assert url("my-team", partnership) in text and "Your team" in text
    assert "2 people have training overdue" in text


# The catalogue ----------------------------------------------------------------------------


def test_the_course_page_books_its_coming_dates(client, sign_in, learner, partnership, pathway):
    session = coming(partnership, pathway["core"])
    course_page = reverse(
        "catalogue:course", kwargs={"code": partnership.code, "course_id": pathway["core"].pk}
    )
    anonymous = client.get(course_page).text
    assert "Sign in to book" in anonymous
    sign_in(learner)
    text = client.get(course_page).text
    book_url = url("book", partnership, session_id=session.pk)
    assert f'action="{book_url}"' in text
    client.post(book_url)
    assert Booking.objects.get(session=session).person.user == learner


def test_which_training_starts_from_the_members_own_role(
    client, sign_in, learner, partnership, pathway
):
    which = reverse("catalogue:which-training", kwargs={"code": partnership.code})
    assert "Your staff record names" not in client.get(which).text
    sign_in(learner)
    text = client.get(which).text
    role_page = reverse(
        "catalogue:role", kwargs={"code": partnership.code, "role_id": pathway["role"].pk}
    )
    assert "Your staff record names this role" in text
    assert f'href="{role_page}">Practitioner: the training this role needs' in text


def test_my_sessions_reads_the_same_queries_for_one_or_many_sessions(
    client, sign_in, delivered, partnership, django_assert_max_num_queries
):
    sign_in(delivered["user"])
    client.get(url("my-sessions", partnership))
    with django_assert_max_num_queries(12) as few:
        client.get(url("my-sessions", partnership))
    for days in range(2, 8):
        session = SessionFactory.create(
            partnership=partnership,
            parts__start=timezone.localdate() + datetime.timedelta(days=days),
        )
        SessionTrainer.objects.create(session=session, user=delivered["user"], name="Tia")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("my-sessions", partnership)).status_code == 200


def test_a_managers_start_page_reads_a_fixed_number_of_queries(
    client, sign_in, team, agency, pathway, partnership, django_assert_max_num_queries
):
    sign_in(team["user"])
    client.get(dashboard(partnership))
    with django_assert_max_num_queries(25) as few:
        client.get(dashboard(partnership))
    boss = team["ana"].line_manager
    for _ in range(8):
        PersonFactory.create(agency=agency, line_manager=boss, role=pathway["role"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(dashboard(partnership)).status_code == 200

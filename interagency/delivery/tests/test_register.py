"""The register: recording outcomes, closing it once, and the trainer's and printable pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import CourseFactory, CourseTailoringFactory
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    BookingStatus,
    Certificate,
    Charge,
    Session,
    SessionTrainer,
)
from interagency.delivery.services.attendance import (
    AttendanceEntry,
    RegisterError,
    close_register,
    record_attendance,
    record_register,
)
from interagency.delivery.signals import register_closed
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.models import TrainingRecord
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = pytest.mark.clock

A = AttendanceOutcome


@pytest.fixture
def past_session(partnership):
    """Two days of 09:30–16:30 (7 hours each) that began a week ago, £40 for a no-show."""
    course = CourseFactory.create(
        title="Working Together", outcomes=["Knows how to raise a concern"]
    )
    return SessionFactory.create(
        partnership=partnership,
        course=course,
        parts=2,
        parts__start=timezone.localdate() - datetime.timedelta(days=7),
        no_show_charge=Decimal("40.00"),
    )


def book(session, name, **kwargs):
    return BookingFactory.create(
        session=session,
        person=PersonFactory.create(full_name=name, agency__partnership=session.partnership),
        **kwargs,
    )


def parts_of(session):
    return list(session.parts.order_by("starts_at"))


# Services ------------------------------------------------------------------------------


def test_closing_makes_records_charges_and_certificates(past_session, coordinator):
    first, second = parts_of(past_session)
    ada = book(past_session, "Ada Lovelace")
    bea = book(past_session, "Bea Partly")
    cal = book(past_session, "Cal Absent")
    dan = book(past_session, "Dan Noshow")
    record_attendance(
        booking=ada, outcome=A.ATTENDED, arrived_late=True, late_minutes=10, recorded_by=coordinator
    )
    record_attendance(
        booking=bea, outcome=A.PARTLY, parts_attended=[first], recorded_by=coordinator
    )
    record_attendance(booking=cal, outcome=A.ABSENT_WITH_NOTICE, recorded_by=coordinator)
    record_attendance(booking=dan, outcome=A.NO_SHOW, recorded_by=coordinator)

    close_register(session=past_session, closed_by=coordinator)

    past_session.refresh_from_db()
    assert past_session.status == Session.Status.CLOSED
    assert past_session.register_closed_by == coordinator
    assert past_session.register_closed_at is not None
    records = {record.person.full_name: record for record in TrainingRecord.objects.all()}
    assert set(records) == {"Ada Lovelace", "Bea Partly"}
    assert records["Ada Lovelace"].hours == Decimal("14.0")
    assert not records["Ada Lovelace"].partly_completed
    assert records["Ada Lovelace"].completed_on == timezone.localtime(second.starts_at).date()
    assert records["Bea Partly"].hours == Decimal("7.0")
    assert records["Bea Partly"].partly_completed
    assert records["Bea Partly"].completed_on == timezone.localtime(first.starts_at).date()
    charge = Charge.objects.get()
    assert (charge.booking, charge.agency, charge.amount) == (dan, dan.agency, Decimal("40.00"))
    assert charge.partnership == past_session.partnership
    certificate = Certificate.objects.get()
    assert certificate.booking == ada
    assert certificate.person_name == "Ada Lovelace"
    assert certificate.course_title == "Working Together"
    assert certificate.tier_name == past_session.course.tier.name
    assert certificate.attended_on == timezone.localtime(second.starts_at).date()
    assert certificate.hours == Decimal("14.0")
    assert certificate.outcomes == ["Knows how to raise a concern"]
    assert certificate.partnership_name == past_session.partnership.name
    closed = AuditEvent.objects.get(
        subject_type="delivery.Session", subject_id=str(past_session.pk)
    )
    assert closed.changes["status"] == ["scheduled", "closed"]
    assert closed.changes["certificates"] == 1
    assert AuditEvent.objects.filter(subject_type="delivery.Certificate").count() == 1
    assert AuditEvent.objects.filter(subject_type="records.TrainingRecord").count() == 2


def test_closing_twice_changes_nothing(past_session, coordinator, member_with):
    ada = book(past_session, "Ada Lovelace")
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    close_register(session=past_session, closed_by=coordinator)
    events = AuditEvent.objects.count()
    closed_at = Session.objects.get(pk=past_session.pk).register_closed_at

    # Another person closing a stale copy of the session: the claim finds it closed.
    stale = Session.objects.get(pk=past_session.pk)
    stale.status = Session.Status.SCHEDULED
    close_register(session=stale, closed_by=member_with(Role.TRAINER))
    close_register(session=past_session, closed_by=coordinator)

    assert TrainingRecord.objects.count() == 1
    assert Certificate.objects.count() == 1
    assert AuditEvent.objects.count() == events
    session = Session.objects.get(pk=past_session.pk)
    assert (session.register_closed_at, session.register_closed_by) == (closed_at, coordinator)


def test_the_register_refuses_before_the_session_starts(partnership, coordinator):
    start = timezone.localdate() + datetime.timedelta(days=3)
    session = SessionFactory.create(partnership=partnership, parts=1, parts__start=start)
    ada = book(session, "Ada Lovelace")
    expected = f"The register opens when the session starts at 9:30am on {start.day} {start:%B %Y}."
    with pytest.raises(ServiceError) as refused:
        record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    assert refused.value.message == expected
    with pytest.raises(ServiceError) as refused:
        close_register(session=session, closed_by=coordinator)
    assert refused.value.message == expected
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    assert not Attendance.objects.exists()


def test_closing_names_everyone_without_an_outcome(past_session, coordinator):
    ada = book(past_session, "Ada Lovelace")
    book(past_session, "Bea Missing")
    book(past_session, "Cal Missing")
    book(past_session, "Dee Cancelled", status=BookingStatus.CANCELLED)
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    with pytest.raises(ServiceError) as refused:
        close_register(session=past_session, closed_by=coordinator)
    assert refused.value.message == (
        "Record an outcome for everyone before closing the register. "
        "Missing: Bea Missing, Cal Missing."
    )
    past_session.refresh_from_db()
    assert past_session.status == Session.Status.SCHEDULED
    assert not TrainingRecord.objects.exists() and not Certificate.objects.exists()


@pytest.fixture
def closed_signals():
    """What ``register_closed`` receivers see: one dict per signal sent, while the test runs."""
    seen: list[dict] = []

    def receiver(sender, session, closed_by, **kwargs):
        seen.append(
            {
                "sender": sender,
                "session": session.pk,
                "closed_by": closed_by,
                "status": session.status,
                # Written before the signal, in the same transaction.
                "records": TrainingRecord.objects.count(),
                "certificates": Certificate.objects.count(),
            }
        )

    register_closed.connect(receiver, dispatch_uid="test_register_closed")
    yield seen
    register_closed.disconnect(dispatch_uid="test_register_closed")


def test_closing_sends_register_closed_once_after_the_records(
    past_session, coordinator, member_with, closed_signals
):
    ada = book(past_session, "Ada Lovelace")
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    close_register(session=past_session, closed_by=coordinator)
    stale = Session.objects.get(pk=past_session.pk)
    stale.status = Session.Status.SCHEDULED
    close_register(session=stale, closed_by=member_with(Role.TRAINER))
    close_register(session=past_session, closed_by=coordinator)
    assert closed_signals == [
        {
            "sender": Session,
            "session": past_session.pk,
            "closed_by": coordinator,
            "status": Session.Status.CLOSED,
            "records": 1,
            "certificates": 1,
        }
    ]


def test_a_refused_close_sends_no_register_closed(
    partnership, past_session, coordinator, closed_signals
):
    book(past_session, "Bea Missing")
    with pytest.raises(ServiceError):
        close_register(session=past_session, closed_by=coordinator)
    future = SessionFactory.create(
        partnership=partnership, parts=1, parts__start=timezone.localdate() + datetime.timedelta(3)
    )
    with pytest.raises(ServiceError):
        close_register(session=future, closed_by=coordinator)
    assert closed_signals == []


def test_no_charge_when_the_session_charges_nothing(past_session, coordinator):
    past_session.no_show_charge = Decimal("0.00")
    past_session.save()
    dan = book(past_session, "Dan Noshow")
    record_attendance(booking=dan, outcome=A.NO_SHOW, recorded_by=coordinator)
    close_register(session=past_session, closed_by=coordinator)
    assert not Charge.objects.exists()


def test_a_regional_learner_gets_the_record_in_their_own_partnership(past_session, coordinator):
    neighbour = PartnershipFactory.create(region=past_session.partnership.region)
    visitor = PersonFactory.create(full_name="Rae Regional", agency__partnership=neighbour)
    booking = BookingFactory.create(session=past_session, person=visitor, is_regional=True)
    record_attendance(booking=booking, outcome=A.ATTENDED, recorded_by=coordinator)
    close_register(session=past_session, closed_by=coordinator)
    assert TrainingRecord.objects.get().partnership == neighbour
    assert Certificate.objects.get().partnership == past_session.partnership


def test_the_certificate_shows_the_partnerships_own_course_title(past_session, coordinator):
    CourseTailoringFactory.create(
        partnership=past_session.partnership,
        course=past_session.course,
        local_title="Safeguarding together (Camden)",
    )
    ada = book(past_session, "Ada Lovelace")
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    close_register(session=past_session, closed_by=coordinator)
    assert Certificate.objects.get().course_title == "Safeguarding together (Camden)"


@pytest.mark.parametrize(
    ("outcome", "parts", "late", "minutes", "message"),
    [
        ("", None, False, None, "Select whether Ada Lovelace attended."),
        (A.PARTLY, "none", False, None, "Select the parts Ada Lovelace attended."),
        (
            A.PARTLY,
            "all",
            False,
            None,
            "Ada Lovelace attended every part: select ‘Attended’ instead.",
        ),
        (A.ATTENDED, "first", False, None, "Select parts only when Ada Lovelace partly attended."),
        (A.NO_SHOW, None, True, 5, "Ada Lovelace can only arrive late if they attended."),
        (A.ATTENDED, None, True, None, "Enter how many minutes late Ada Lovelace arrived."),
        (A.ATTENDED, None, True, 0, "Minutes late for Ada Lovelace must be between 1 and 600."),
    ],
)
def test_a_wrong_line_is_refused_with_a_message(
    past_session, coordinator, outcome, parts, late, minutes, message
):
    ada = book(past_session, "Ada Lovelace")
    every = parts_of(past_session)
    chosen = {"all": every, "first": every[:1]}.get(parts or "none", [])
    with pytest.raises(ServiceError) as refused:
        record_attendance(
            booking=ada,
            outcome=outcome,
            parts_attended=chosen,
            arrived_late=late,
            late_minutes=minutes,
            recorded_by=coordinator,
        )
    assert refused.value.message == message
    assert not Attendance.objects.exists()


def test_a_register_with_one_wrong_line_saves_nothing(past_session, coordinator):
    ada = book(past_session, "Ada Lovelace")
    bea = book(past_session, "Bea Late")
    with pytest.raises(RegisterError) as refused:
        record_register(
            session=past_session,
            entries=[
                AttendanceEntry(ada, A.ATTENDED),
                AttendanceEntry(bea, A.ATTENDED, arrived_late=True),
            ],
            recorded_by=coordinator,
        )
    assert refused.value.lines == {
        bea.pk: [("late_minutes", "Enter how many minutes late Bea Late arrived.")]
    }
    assert not Attendance.objects.exists()


def test_correcting_an_outcome_is_audited_with_before_and_after(past_session, coordinator):
    ada = book(past_session, "Ada Lovelace")
    record_attendance(booking=ada, outcome=A.NO_SHOW, recorded_by=coordinator)
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    record_attendance(booking=ada, outcome=A.ATTENDED, recorded_by=coordinator)
    events = AuditEvent.objects.filter(subject_type="delivery.Attendance").order_by("pk")
    assert [event.action for event in events] == ["created", "changed"]
    assert events[1].changes == {"outcome": ["no_show", "attended"]}


# Pages -----------------------------------------------------------------------------------


def register_url(session) -> str:
    return reverse(
        "sessions:register", kwargs={"code": session.partnership.code, "session_id": session.pk}
    )


@pytest.fixture
def trainer(member_with, past_session):
    user = member_with(Role.TRAINER)
    SessionTrainer.objects.create(session=past_session, user=user, name=user.full_name)
    return user


def test_the_trainer_sees_the_register_in_name_order_with_agencies(
    client, sign_in, trainer, past_session
):
    agency = AgencyFactory.create(partnership=past_session.partnership, name="Royal Free")
    for name in ("Zoe Last", "Ada First"):
        BookingFactory.create(
            session=past_session, person=PersonFactory.create(full_name=name, agency=agency)
        )
    book(past_session, "Wai Waiting", status=BookingStatus.WAITING, waiting_since=timezone.now())
    sign_in(trainer)
    response = client.get(register_url(past_session))
    assert response.status_code == 200
    text = response.text
    assert text.index("Ada First") < text.index("Zoe Last")
    assert "Royal Free" in text
    assert "Wai Waiting" not in text
    assert "Partly attended" in text and "Arrived late" in text
    assert 'hx-post="' in text


def test_a_trainer_of_another_session_gets_a_404(client, sign_in, member_with, past_session):
    other = SessionFactory.create(partnership=past_session.partnership)
    user = member_with(Role.TRAINER)
    SessionTrainer.objects.create(session=other, user=user, name="Other trainer")
    sign_in(user)
    assert client.get(register_url(past_session)).status_code == 404
    print_url = reverse(
        "sessions:register-print",
        kwargs={"code": past_session.partnership.code, "session_id": past_session.pk},
    )
    assert client.get(print_url).status_code == 404


def test_a_learner_may_not_take_a_register(client, sign_in, member_with, past_session):
    sign_in(member_with(Role.LEARNER))
    assert client.get(register_url(past_session)).status_code == 403


def test_saving_the_whole_register_without_javascript(client, sign_in, trainer, past_session):
    first, _ = parts_of(past_session)
    ada = book(past_session, "Ada Lovelace")
    bea = book(past_session, "Bea Partly")
    sign_in(trainer)
    response = client.post(
        register_url(past_session),
        {
            f"outcome-{ada.pk}": A.ATTENDED,
            f"late-{ada.pk}": "yes",
            f"late_minutes-{ada.pk}": "15",
            f"outcome-{bea.pk}": A.PARTLY,
            f"parts-{bea.pk}": [str(first.pk)],
            "action": "save",
        },
    )
    assert response.status_code == 302
    ada_line = Attendance.objects.get(booking=ada)
    assert (ada_line.outcome, ada_line.arrived_late, ada_line.late_minutes) == (
        A.ATTENDED,
        True,
        15,
    )
    assert list(Attendance.objects.get(booking=bea).parts_attended.all()) == [first]
    assert ada_line.recorded_by == trainer


def test_a_wrong_register_shows_every_problem_and_saves_nothing(
    client, sign_in, trainer, past_session
):
    ada = book(past_session, "Ada Lovelace")
    bea = book(past_session, "Bea Partly")
    sign_in(trainer)
    response = client.post(
        register_url(past_session),
        {
            f"outcome-{ada.pk}": A.ATTENDED,
            f"late-{ada.pk}": "yes",
            f"late_minutes-{ada.pk}": "a while",
            f"outcome-{bea.pk}": A.PARTLY,
            "action": "save",
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert f'href="#late_minutes-{ada.pk}"' in text
    assert "Enter the minutes Ada Lovelace was late as a whole number, like 15." in text
    assert f'href="#parts-{bea.pk}"' in text
    assert "Select the parts Bea Partly attended." in text
    assert 'value="a while"' in text
    assert not Attendance.objects.exists()


def test_closing_from_the_page(client, sign_in, trainer, past_session):
    ada = book(past_session, "Ada Lovelace")
    sign_in(trainer)
    response = client.post(
        register_url(past_session), {f"outcome-{ada.pk}": A.ATTENDED, "action": "close"}
    )
    assert response.status_code == 302
    page = client.get(register_url(past_session)).text
    assert "Register closed" in page and "Closed" in page
    certificate = Certificate.objects.get()
    assert certificate.number in page
    assert 'name="action"' not in page


def test_closing_from_the_page_names_who_is_missing(client, sign_in, trainer, past_session):
    ada = book(past_session, "Ada Lovelace")
    book(past_session, "Bea Missing")
    sign_in(trainer)
    response = client.post(
        register_url(past_session), {f"outcome-{ada.pk}": A.ATTENDED, "action": "close"}
    )
    assert response.status_code == 200
    assert "Missing: Bea Missing." in response.text
    # The lines given were not lost: Ada's outcome was saved before the close was refused.
    assert Attendance.objects.filter(booking=ada).exists()
    assert Session.objects.get(pk=past_session.pk).status == Session.Status.SCHEDULED


def test_before_the_start_the_page_says_when_it_opens(client, sign_in, coordinator, partnership):
    session = SessionFactory.create(partnership=partnership)
    book(session, "Ada Lovelace")
    sign_in(coordinator)
    response = client.get(register_url(session))
    assert response.status_code == 200
    assert "The register opens when the session starts at 9:30am" in response.text
    assert 'name="action"' not in response.text
    assert "Ada Lovelace" in response.text


def test_htmx_saves_one_line(client, sign_in, trainer, past_session):
    ada = book(past_session, "Ada Lovelace")
    bea = book(past_session, "Bea Other")
    sign_in(trainer)
    response = client.post(
        register_url(past_session),
        {
            "row": str(ada.pk),
            f"outcome-{ada.pk}": A.NO_SHOW,
            f"outcome-{bea.pk}": A.ATTENDED,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved" in response.text and "<html" not in response.text
    assert Attendance.objects.get().booking == ada
    response = client.post(
        register_url(past_session),
        {"row": str(bea.pk), f"outcome-{bea.pk}": A.ATTENDED, f"late-{bea.pk}": "yes"},
        headers={"HX-Request": "true"},
    )
    assert "Enter how many minutes late Bea Other arrived." in response.text
    assert Attendance.objects.count() == 1


def test_the_printable_register_has_a_signature_column(client, sign_in, trainer, past_session):
    book(past_session, "Ada Lovelace")
    sign_in(trainer)
    url = reverse(
        "sessions:register-print",
        kwargs={"code": past_session.partnership.code, "session_id": past_session.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    assert "Signature" in text and "Ada Lovelace" in text
    assert "register-print.css" in text
    assert "govuk-service-navigation" not in text


def test_the_register_takes_the_same_queries_for_one_or_forty_bookings(
    client, sign_in, coordinator, past_session, django_assert_max_num_queries
):
    first, _ = parts_of(past_session)
    ada = book(past_session, "Ada Lovelace")
    record_attendance(
        booking=ada, outcome=A.PARTLY, parts_attended=[first], recorded_by=coordinator
    )
    sign_in(coordinator)
    with django_assert_max_num_queries(20) as one:
        client.get(register_url(past_session))
    for number in range(39):
        booking = book(past_session, f"Person {number:02d}")
        record_attendance(
            booking=booking,
            outcome=A.PARTLY,
            parts_attended=[first],
            arrived_late=True,
            late_minutes=5,
            recorded_by=coordinator,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(register_url(past_session))
    assert response.text.count('class="govuk-fieldset__heading"') == 40


def test_the_registers_page_lists_only_the_trainers_own_sessions(
    client, sign_in, trainer, past_session, partnership
):
    CourseTailoringFactory.create(
        partnership=partnership, course=past_session.course, local_title="Working Together locally"
    )
    coming = SessionFactory.create(partnership=partnership, course__title="Neglect")
    SessionTrainer.objects.create(session=coming, user=trainer, name="Trainer")
    SessionFactory.create(partnership=partnership, course__title="Someone else's course")
    sign_in(trainer)
    response = client.get(reverse("sessions:registers", kwargs={"code": partnership.code}))
    assert response.status_code == 200
    text = response.text
    assert "Working Together locally" in text and "Neglect" in text
    assert "Someone else&#x27;s course" not in text and "Someone else's course" not in text
    assert text.index("Working Together locally") < text.index("Neglect")
    assert register_url(past_session) in text


def test_the_registers_page_takes_the_same_queries_for_one_or_many_sessions(
    client, sign_in, coordinator, partnership, django_assert_max_num_queries
):
    SessionFactory.create(partnership=partnership)
    sign_in(coordinator)
    url = reverse("sessions:registers", kwargs={"code": partnership.code})
    with django_assert_max_num_queries(15) as one:
        client.get(url)
    for _ in range(10):
        SessionFactory.create(partnership=partnership)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).text.count("/register/") >= 11

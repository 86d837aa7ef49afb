"""The demo's sessions: a few that show each part of the story, then the borough's year.

Upcoming sessions with places, one full with a waiting list (the demo learner
second in line), a past one with its register closed and the learner's
certificate, and one that ended yesterday with its register still to take.
Around them the borough (:mod:`.demo_borough`: ten agencies, 300 people) and
its year (:mod:`.demo_history`: earlier training, the other sessions of six
months each side of now, approvals waiting, the audit trail), then evaluation
plans and responses (``evaluation.demo_responses``).
"""

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interagency.catalogue.models import PathwayItem
from interagency.delivery.models import AttendanceOutcome, BookingStatus, Session, Venue
from interagency.demo.seeding.catalogue import london_courses, london_roles
from interagency.demo.seeding.delivery_plans import (
    BookingPlan,
    DeliveryCounts,
    SessionPlan,
    session_parts,
    weekday,
)
from interagency.demo.seeding.delivery_writing import write_sessions
from interagency.demo.seeding.demo_borough import seed_demo_borough
from interagency.demo.seeding.demo_history import (
    DEMO_SESSIONS,
    SECOND_VENUE,
    add_approvals,
    ask_for_approval,
    audit_history,
    demo_session_plans,
    earlier_training,
    fill_with_waiting,
    staff_needs,
    team_of,
)
from interagency.evaluation.demo_responses import seed_demo_responses
from interagency.people.models import Person
from interagency.tenancy.models import Partnership

DEMO_VENUE = "Demo Training Centre"
DEMO_STAFF = (
    "Alex Morgan",
    "Bilal Hussain",
    "Chloe Bennett",
    "Dami Adeyemi",
    "Eleni Popescu",
    "Farah Khan",
    "Gavin Reid",
    "Hannah Lloyd",
    "Imran Shah",
    "Jess Turner",
    "Kemi Owusu",
    "Liam Byrne",
    "Maya Patel",
    "Niall Murphy",
    "Orla Campbell",
    "Pete Wilson",
)
DEMO_STAFF_DOMAIN = "demo-staff.example"
# London framework roles for the staff of each demo agency (by the agencies' order by name),
# so the training status has pathways to show; the last of the staff is left without one.
DEMO_STAFF_ROLES = (
    ("Community Paediatrician", "Radiologist"),
    ("Children’s Social Worker", "Manager of Children’s Residential Home"),
    ("Learning Support Assistant", "Educational Psychologist"),
    ("Sports Instructor", "Community Safety Officer (Police Crisis intervention Team)"),
)

Attendee = tuple[int, int, str]  # (person id, agency id, full name)


def demo_staff(partnership: Partnership, agencies: Sequence[Any]) -> list[Attendee]:
    """Named staff of the demo agencies (no accounts), to fill the demo sessions; made once."""
    staff = []
    roles = london_roles(partnership)
    for index, full_name in enumerate(DEMO_STAFF):
        email = f"{full_name.lower().replace(' ', '.')}@{DEMO_STAFF_DOMAIN}"
        names = DEMO_STAFF_ROLES[index % len(agencies) % len(DEMO_STAFF_ROLES)]
        role = None if index == len(DEMO_STAFF) - 1 else roles.get(names[index // 4 % 2])
        person, _ = Person.objects.for_partnership(partnership).get_or_create(
            partnership=partnership,
            work_email=email,
            defaults={
                "full_name": full_name,
                "agency": agencies[index % len(agencies)],
                "job_title": role.name if role else "Practitioner",
                "role": role,
                "started_on": datetime.date(2021, 4, 1),
            },
        )
        staff.append((person.pk, person.agency_id, person.full_name))
    return staff


def create_demo_venue(partnership: Partnership) -> Venue:
    return Venue.objects.create(
        partnership=partnership,
        name=DEMO_VENUE,
        address="1 Demo Street\nLondon",
        postcode="N1C 4AG",
        access_information="Step-free access from the street; hearing loop in every room.",
        parking="No parking on site; the nearest car park is on Demo Road.",
        refreshments="Tea, coffee and lunch provided.",
    )


class DemoStory:
    """The demo's cast (its courses, venue, trainer, learner and staff) and its dates."""

    def __init__(
        self,
        *,
        courses: list[Any],
        done_course: Any,
        venue: Venue,
        trainer: Any,
        learner: Attendee,
        staff: list[Attendee],
        now: datetime.datetime,
    ) -> None:
        self.courses, self.venue, self.trainer = courses, venue, trainer
        self.done_course = done_course
        self.learner, self.staff, self.now = learner, staff, now
        self.today = timezone.localtime(now).date()

    def course(self, index: int) -> Any:
        return self.courses[min(index, len(self.courses) - 1)]

    def days(self, number: int) -> datetime.date:
        """The weekday ``number`` days from today (or the Monday after)."""
        return weekday(self.today + datetime.timedelta(days=number))

    def booked(
        self, person: Attendee, days_ago: float, status=BookingStatus.CONFIRMED, **fields
    ) -> BookingPlan:
        return BookingPlan(person, status, self.now - datetime.timedelta(days=days_ago), **fields)

    def upcoming(self) -> list[SessionPlan]:
        """Places left with the learner booked; full with a waiting list; online; nearly empty."""
        booked, staff, learner = self.booked, self.staff, self.learner
        venue, trainer = self.venue, self.trainer
        scheduled = Session.Status.SCHEDULED
        return [
            SessionPlan(
                self.course(1),
                session_parts("day", self.days(10)),
                20,
                scheduled,
                venue,
                trainer,
                bookings=[booked(learner, 6)]
                + [booked(p, 5 - i / 2) for i, p in enumerate(staff[:5])],
            ),
            SessionPlan(
                self.course(4),
                session_parts("day", self.days(17)),
                6,
                scheduled,
                venue,
                trainer,
                bookings=[booked(p, 20 - i) for i, p in enumerate(staff[5:11])]
                + [
                    booked(staff[11], 4, BookingStatus.WAITING),
                    booked(learner, 3, BookingStatus.WAITING),
                    booked(staff[12], 2, BookingStatus.WAITING),
                ],
            ),
            SessionPlan(
                self.course(8),
                session_parts("twilight", self.days(24)),
                16,
                scheduled,
                None,
                trainer,
                bookings=[booked(p, 3) for p in staff[:3]],
            ),
            SessionPlan(
                self.course(12),
                session_parts("morning", self.days(45)),
                24,
                scheduled,
                venue,
                None,
                bookings=[booked(p, 1) for p in staff[13:15]],
            ),
        ]

    def past(self) -> list[SessionPlan]:
        """A register closed, with records and certificates; one ended yesterday, to take."""
        booked, staff, learner = self.booked, self.staff, self.learner
        attended = AttendanceOutcome.ATTENDED
        return [
            SessionPlan(
                self.done_course,
                session_parts("two_days", self.days(-28)),
                12,
                Session.Status.CLOSED,
                self.venue,
                self.trainer,
                no_show_charge=Decimal("50.00"),
                bookings=[booked(learner, 60, outcome=attended)]
                + [booked(p, 59, outcome=attended) for p in staff[:6]]
                + [
                    booked(staff[6], 58, outcome=AttendanceOutcome.PARTLY, parts_attended=1),
                    booked(staff[7], 57, outcome=AttendanceOutcome.NO_SHOW),
                ],
            ),
            SessionPlan(
                self.course(2),
                session_parts("day", self.today - datetime.timedelta(days=1)),
                10,
                Session.Status.SCHEDULED,
                self.venue,
                self.trainer,
                bookings=[booked(p, 30) for p in staff[8:13]],
            ),
        ]


def seed_demo_delivery(
    partnership: Partnership,
    accounts: dict[str, Any],
    agencies: Sequence[Any],
    *,
    now: datetime.datetime | None = None,
) -> DeliveryCounts:
    """The demo borough's people, training and sessions (see the module's docstring), once."""
    if Venue.objects.for_partnership(partnership).filter(name=DEMO_VENUE).exists():
        return DeliveryCounts(skipped=True)
    now = now or timezone.now()
    rng = random.Random(f"demo:{partnership.code}")
    courses = london_courses(partnership)
    if not courses:
        return DeliveryCounts()
    staff = demo_staff(partnership, agencies)
    people = Person.objects.for_partnership(partnership)
    learner = people.filter(user=accounts["learner"]).get()
    manager = people.filter(user=accounts["manager"]).get()
    seed_demo_borough(partnership, manager=manager, today=timezone.localtime(now).date(), rng=rng)
    story = DemoStory(
        courses=courses,
        # Not one of the coming sessions' courses (1, 2, 4, 8, 12): done, not booked again.
        done_course=first_required(
            learner, [c for i, c in enumerate(courses) if i not in {1, 2, 4, 8, 12}] or courses
        ),
        venue=create_demo_venue(partnership),
        trainer=accounts["trainer"],
        learner=(learner.pk, learner.agency_id, learner.full_name),
        staff=staff,
        now=now,
    )
    plans = story.upcoming() + story.past()
    plans += borough_year(partnership, story, manager, coordinator=accounts["coordinator"], rng=rng)
    counts = write_sessions(
        partnership, plans, coordinator=accounts["coordinator"], rng=rng, now=now
    )
    first = Session.objects.for_partnership(partnership).order_by("pk").values("pk")[:1]
    audit_history(
        partnership, coordinator=accounts["coordinator"], first_session=first[0]["pk"], now=now
    )
    seed_demo_responses(partnership, seed="demo", now=now)
    ask_for_approval(partnership)
    return counts


def borough_year(
    partnership: Partnership,
    story: DemoStory,
    manager: Person,
    *,
    coordinator: Any,
    rng: random.Random,
) -> list[SessionPlan]:
    """The borough's earlier training, then its other sessions of the year around now."""
    needs, people = staff_needs(partnership)
    earlier_training(
        partnership,
        needs,
        people,
        coordinator=coordinator,
        today=story.today,
        rng=rng,
        now=story.now,
    )
    courses = {course.pk: course for course in story.courses}
    venue = Venue.objects.create(
        partnership=partnership,
        name=SECOND_VENUE,
        address="Health Education Centre\nHospital Lane\nLondon",
        postcode="NW3 2QG",
        access_information="Step-free entrance; lift to the first floor.",
    )
    plans = demo_session_plans(
        count=DEMO_SESSIONS - len(story.upcoming()) - len(story.past()),
        courses=courses,
        needs=needs,
        everyone=[(row[0], row[1], row[2]) for row in people],
        venues=[story.venue, venue],
        trainer=story.trainer,
        rng=rng,
        now=story.now,
    )
    fill_with_waiting(plans, needs, rng, story.now)
    add_approvals(plans, team_of(partnership, manager), story.now)
    return plans


def first_required(learner: Person, courses: list[Any]) -> Any:
    """The first of ``courses`` the learner's role requires (else the first): the closed
    register's course, so the training status shows it done for those who attended."""
    if learner.role_id is None:
        return courses[0]
    required = set(
        PathwayItem.objects.filter(
            pathway__role_id=learner.role_id, kind=PathwayItem.Kind.REQUIRED
        ).values_list("course_id", flat=True)
    )
    return next((course for course in courses if course.pk in required), courses[0])

"""What the regional tests build: partnerships that share, their costed sessions, people and
evaluations, all in the last financial year to have ended (the page's default)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from interagency.delivery.models import Attendance, AttendanceOutcome
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.models import WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import code_for, ended_session, full_answers, make_plan
from interagency.finance import services as finance
from interagency.people.tests.factories import PersonFactory
from interagency.regional.forms import default_year
from interagency.regional.services import set_sharing


def last_year() -> int:
    """The financial year the page shows by default: the last one that has ended."""
    return default_year(timezone.localdate())


def day_in_last_year() -> datetime.date:
    """A day well inside the last financial year to have ended (always in the past)."""
    return datetime.date(last_year(), 9, 15)


def sharing(partnership, shares: bool = True):
    set_sharing(partnership=partnership, shares=shares, changed_by=None)
    return partnership


def costed_session(partnership, *, fee: str, attended: int):
    """A session of last year costing ``fee``, attended by ``attended`` different people."""
    session = SessionFactory.create(partnership=partnership, parts__start=day_in_last_year())
    finance.set_session_cost(
        session=session, costs={"trainer_fee_actual": Decimal(fee)}, changed_by=treasurer()
    )
    for _ in range(attended):
        person = PersonFactory.create(agency__partnership=partnership)
        booking = BookingFactory.create(session=session, person=person, agency=person.agency)
        Attendance.objects.create(booking=booking, outcome=AttendanceOutcome.ATTENDED)
    return session


def treasurer():
    """Someone who enters the costs."""
    from interagency.accounts.tests.factories import UserFactory

    return UserFactory.create()


def c1_answers(people: int, rise: int) -> list[tuple[int, int]]:
    """Start and end answers to item c1: up by ``rise``, one learner in three a point more."""
    return [(1 + n % 2, 1 + n % 2 + rise + (n % 3 == 0)) for n in range(people)]


def confidence_changes(people: int, rise: int) -> list[float]:
    """The confidence scale's changes: c1's, over its five items."""
    return [(end - start) / 5 for start, end in c1_answers(people, rise)]


def evaluated(partnership, *, people: int, rise: int, days_ago: int | None = None):
    """A plan of a session last year (or ``days_ago``) whose learners answered start and end
    (c1 rising)."""
    if days_ago is None:
        days_ago = (timezone.localdate() - day_in_last_year()).days
    plan = make_plan(partnership, session=ended_session(partnership, days_ago=days_ago))
    for start, end in c1_answers(people, rise):
        code = code_for(plan)
        for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=full_answers(c1=c1),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )
    return plan

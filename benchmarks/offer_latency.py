"""How soon a waiting-list offer reaches the mail server after a cancellation, behind a queue.

    .venv/bin/python benchmarks/offer_latency.py --database sqlite
    .venv/bin/python benchmarks/offer_latency.py --database postgres --confirmations 500

Seeds a fresh database (``_database.py``) with one session of 500 places
(``--confirmations``) booked through ``book_place``, so 500 booking
confirmations (each with its calendar invitation) wait in the outbox, and
two learners on its waiting list. Then starts an aiosmtpd server on loopback
and the worker as the demo runs it (``interagency db_worker --skip-checks``,
``EMAIL_URL`` pointing at that server), and:

* busy: once the server has taken ``--after`` confirmations (the worker is
  draining the queue), cancels a confirmed booking through
  ``cancel_booking``; the freed place is offered to the first learner
  waiting, and the offer email joins the queue behind the confirmations
  still pending;
* idle: once every confirmation has gone, cancels another booking; the
  second learner's offer is the only email queued.

Each time it measures from the cancellation's commit to the offer's arrival
at the server, and counts how many other emails the server took between the
two. Prints the figures; docs/performance.md's "Waiting-list offers behind a
queue" section quotes them.
"""

import argparse
import email
import email.policy
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import ROOT, drop_postgres_database, set_up_fresh_database
from run import POSTGRES_SERVER  # benchmarks/run.py

BENCH_DATABASE = "interagency_bench_offers"
LOOPBACK = "127.0.0.1"
# The busy cancellations come when the server has taken this many confirmations.
BUSY_AFTER = (60, 225, 390)
WAITING = [f"waiting{n}@offers.example" for n in range(len(BUSY_AFTER) + 1)]
ARRIVAL_TIMEOUT = 300.0
OFFER_SUBJECT = "A place is free"


class Arrivals:
    """An aiosmtpd handler keeping each recipient with the moment the server took it."""

    def __init__(self) -> None:
        self.taken: list[tuple[float, str]] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        # An offer is told from the same learner's waiting-list email by its subject.
        kind = "offer" if str(message["Subject"]).startswith(OFFER_SUBJECT) else "other"
        with self.changed:
            for recipient in envelope.rcpt_tos:
                self.taken.append((time.perf_counter(), f"{kind}:{recipient}"))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, done, timeout: float = ARRIVAL_TIMEOUT) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: done(self.taken), timeout=timeout):
                raise SystemExit(f"Not arrived within {timeout:.0f} s: {len(self.taken)} taken")

    def count(self) -> int:
        with self.changed:
            return len(self.taken)


def seed(confirmations: int):
    """One session of ``confirmations`` places, all booked, and two learners waiting."""
    from interagency.accounts.models import User
    from interagency.delivery.services.bookings import book_place
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.people.models import Person
    from interagency.people.tests.factories import AgencyFactory
    from interagency.tenancy.tests.factories import PartnershipFactory

    partnership = PartnershipFactory.create()
    agency = AgencyFactory.create(partnership=partnership)
    session = SessionFactory.create(partnership=partnership, capacity=confirmations)
    coordinator = User.objects.create(email="coordinator@offers.example", password="!")  # noqa: S106 (unusable)
    emails = [f"learner{n}@offers.example" for n in range(confirmations)] + WAITING
    people = Person.objects.bulk_create(
        Person(partnership=partnership, agency=agency, full_name=f"Learner {n}", work_email=email)
        for n, email in enumerate(emails)
    )
    started = time.perf_counter()
    bookings = [book_place(session=session, person=person, booked_by=None) for person in people]
    print(f"booked {len(bookings)} in {time.perf_counter() - started:.1f} s", flush=True)
    return bookings, coordinator


def start_worker(port: int) -> subprocess.Popen:
    """The worker as ``interagency demo`` starts it, sending to the loopback server."""
    env = {**os.environ, "EMAIL_URL": f"smtp://{LOOPBACK}:{port}?timeout=20"}
    command = [str(Path(sys.executable).parent / "interagency"), "db_worker", "--skip-checks"]
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )


def wait_until_no_task_is_due() -> None:
    """Until the worker has run every queued task (each confirmation queued one)."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while (
        DBTaskResult.objects.ready().exists()
        or DBTaskResult.objects.filter(status="RUNNING").exists()
    ):
        if time.monotonic() > deadline:
            raise SystemExit("The worker did not empty its queue.")
        time.sleep(0.2)


def offer_after_cancelling(arrivals: Arrivals, booking, coordinator, waiting: str):
    """Cancel ``booking``; seconds until ``waiting``'s offer arrived, and emails taken between."""
    from interagency.delivery.services.bookings import cancel_booking

    cancel_booking(booking=booking, cancelled_by=coordinator)
    cancelled_at, taken_before = time.perf_counter(), arrivals.count()
    offer = f"offer:{waiting}"
    arrivals.wait_for(lambda taken: any(to == offer for _, to in taken))
    index = next(n for n, (_, to) in enumerate(arrivals.taken) if to == offer)
    return arrivals.taken[index][0] - cancelled_at, index - taken_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--confirmations", type=int, default=500)
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    parser.add_argument("--postgres-database", default=BENCH_DATABASE)
    args = parser.parse_args()
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-offer-bench-",
    )
    import logging

    from aiosmtpd.controller import Controller
    from outbox_mail import free_port

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    bookings, coordinator = seed(args.confirmations)
    arrivals, port = Arrivals(), free_port()
    controller = Controller(arrivals, hostname=LOOPBACK, port=port)
    controller.start()
    worker = start_worker(port)
    load_before = os.getloadavg()
    try:
        began = time.perf_counter()
        busy = []
        for n, after in enumerate(BUSY_AFTER):
            arrivals.wait_for(
                lambda taken, after=after: len(taken) >= after * args.confirmations // 500
            )
            busy.append(offer_after_cancelling(arrivals, bookings[n], coordinator, WAITING[n]))
        # The confirmations, the waiting-list emails, each offer and each cancellation's.
        everything = args.confirmations + len(WAITING) + 2 * len(BUSY_AFTER)
        arrivals.wait_for(lambda taken: len(taken) >= everything)
        drained = time.perf_counter() - began
        wait_until_no_task_is_due()
        time.sleep(1.5)  # the worker is idle, polling for tasks
        last = len(BUSY_AFTER)
        idle = offer_after_cancelling(arrivals, bookings[last], coordinator, WAITING[last])
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
        if args.database == "postgres":
            drop_postgres_database(args.postgres_server, args.postgres_database)
    load_after = os.getloadavg()
    print(f"{version}; {args.confirmations} confirmations, the worker as the demo runs it")
    print(f"all confirmations at the server {drained:.1f} s after the worker started")
    for name, (seconds, between) in [*(("busy", each) for each in busy), ("idle", idle)]:
        print(
            f"{name}: offer at the server {seconds:.2f} s after the cancellation, "
            f"{between} other emails taken in between"
        )
    print(f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after")


if __name__ == "__main__":
    main()

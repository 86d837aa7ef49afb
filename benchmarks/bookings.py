"""Time booking throughput: N bookings from K threads on a fresh SQLite or PostgreSQL database.

    .venv/bin/python benchmarks/bookings.py --database sqlite
    .venv/bin/python benchmarks/bookings.py --database postgres

Each booking is the real service (``book_place``): the session lock, the
quota counts, the conditional UPDATE of places_taken, the insert, the audit
entry and the notice queued in the outbox, in one transaction. Each thread has
its own database connection and closes it at the end. Two shapes:

* spread: the bookings fall on 50 sessions, so few of them wait for each other;
* one session: every booking is for the same session (half get a place, half
  wait), the worst case for the per-session lock.

Each is run with the emails queued (the notices module, as deployed) and
without them (the notices replaced by no-ops), which shows the engine's own
cost beside the cost of rendering the emails and invitations.

Prints bookings per second and writes them into docs/performance.md under
"Booking throughput", replacing only this database's block.
"""

import argparse
import contextlib
import datetime
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import drop_postgres_database, set_up_fresh_database
from run import POSTGRES_SERVER, REPORT, git_revision, machine  # benchmarks/run.py

BENCH_DATABASE = "interagency_bench_bookings"
SESSIONS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--bookings", type=int, default=1000, help="Bookings per run (N).")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 16], help="K values.")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=BENCH_DATABASE,
        prefix="interagency-booking-bench-",
    )

    results = []
    for emails in (True, False):
        for threads in args.threads:
            for shape in ("spread", "one session"):
                results.append(run_once(shape, args.bookings, threads, emails=emails))
    section = render(args, results, version)
    print(section)
    if not args.no_write:
        write_block(REPORT, f"bookings-{args.database}", section)
    if args.database == "postgres":
        drop_postgres_database(args.postgres_server, BENCH_DATABASE)


def run_once(shape: str, bookings: int, threads: int, *, emails: bool) -> dict:
    """Create fresh sessions and people, book them from ``threads`` threads, check, time."""
    from unittest import mock

    from django.db import connection
    from django.db.models import Count, Q

    from interagency.core.errors import ServiceError
    from interagency.delivery import notices
    from interagency.delivery.models import (
        PLACE_HOLDING_STATUSES,
        Booking,
        BookingStatus,
        Session,
    )
    from interagency.delivery.services.bookings import book_place
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.people.models import Person
    from interagency.people.tests.factories import AgencyFactory
    from interagency.tenancy.tests.factories import PartnershipFactory

    partnership = PartnershipFactory.create()
    agencies = [AgencyFactory.create(partnership=partnership) for _ in range(10)]
    Person.objects.bulk_create(
        Person(
            partnership=partnership,
            agency=agencies[n % len(agencies)],
            full_name=f"Learner {n}",
            work_email=f"learner{n}@{partnership.code}.example",
        )
        for n in range(bookings)
    )
    people = list(Person.objects.filter(partnership=partnership).order_by("pk"))
    if shape == "spread":
        sessions = [
            SessionFactory.create(partnership=partnership, capacity=bookings // SESSIONS + 1)
            for _ in range(SESSIONS)
        ]
    else:
        sessions = [SessionFactory.create(partnership=partnership, capacity=bookings // 2)]
    jobs = [(sessions[n % len(sessions)], person) for n, person in enumerate(people)]
    refused: list[str] = []
    start = threading.Barrier(threads + 1)

    def worker(share: list) -> None:
        try:
            start.wait()
            for session, person in share:
                try:
                    book_place(session=session, person=person, booked_by=None)
                except ServiceError as error:
                    refused.append(error.message)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(jobs[k::threads],)) for k in range(threads)]
    names = ["booking_confirmed", "booking_waiting", "approval_requested"]
    with contextlib.ExitStack() as stack:
        if not emails:
            for name in names:
                stack.enter_context(mock.patch.object(notices, name, return_value=None))
        for thread in workers:
            thread.start()
        start.wait()
        started = time.perf_counter()
        for thread in workers:
            thread.join()
        seconds = time.perf_counter() - started

    counts = Booking.objects.filter(session__in=sessions).aggregate(
        confirmed=Count("pk", filter=Q(status=BookingStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=BookingStatus.WAITING)),
        holding=Count("pk", filter=Q(status__in=PLACE_HOLDING_STATUSES)),
    )
    taken = sum(
        Session.objects.filter(pk__in=[s.pk for s in sessions]).values_list(
            "places_taken", flat=True
        )
    )
    assert not refused, refused[:3]
    assert counts["confirmed"] + counts["waiting"] == bookings, counts
    assert taken == counts["holding"], (taken, counts)
    result = {
        "shape": shape,
        "emails": emails,
        "threads": threads,
        "bookings": bookings,
        "seconds": seconds,
        "rate": bookings / seconds,
        **counts,
    }
    print(
        f"{shape}, {threads} threads, emails {'on' if emails else 'off'}: "
        f"{bookings} bookings in {seconds:.1f} s "
        f"= {result['rate']:.0f}/s ({counts['confirmed']} confirmed, {counts['waiting']} waiting)",
        flush=True,
    )
    return result


def render(args, results: list[dict], version: str) -> str:
    info = machine()
    name = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    lines = [
        f"### {name}",
        "",
        f"Measured {datetime.date.today():%Y-%m-%d} on {git_revision()}. Machine: "
        f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python "
        f"{sys.version.split()[0]}, {version}.",
        "",
        f"Command: `.venv/bin/python benchmarks/bookings.py --database {args.database}`",
        "",
        "| Emails queued | Sessions | Threads | Bookings | Confirmed | Waiting | Seconds "
        "| Bookings/s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        where = f"{SESSIONS} sessions" if r["shape"] == "spread" else "one session"
        lines.append(
            f"| {'yes' if r['emails'] else 'no'} | {where} | {r['threads']} "
            f"| {r['bookings']:,} | {r['confirmed']:,} "
            f"| {r['waiting']:,} | {r['seconds']:.1f} | **{r['rate']:.0f}** |"
        )
    lines.append("")
    return "\n".join(lines)


def write_block(report: Path, key: str, section: str) -> None:
    """Replace this database's block under the "Booking throughput" heading, or add it."""
    heading = "## Booking throughput"
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{section}{end}"
    text = report.read_text()
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    elif heading in text:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    report.write_text(text)


if __name__ == "__main__":
    main()

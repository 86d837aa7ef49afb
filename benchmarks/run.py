"""Seed a fresh database at a scale, then time the shell pages as a coordinator.

    .venv/bin/python benchmarks/run.py --scale borough --database sqlite
    .venv/bin/python benchmarks/run.py --scale borough --database postgres --requests 30

Writes the figures into docs/performance.md, replacing only the section for
this (scale, database), so every combination's figures sit side by side.
Not part of the test suite: it takes minutes and its figures are measurements,
not assertions.
"""

import argparse
import datetime
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import (  # benchmarks/_database.py
    ROOT,
    drop_postgres_database,
    gather_planner_statistics,
    set_up_fresh_database,
)

REPORT = ROOT / "docs" / "performance.md"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_DATABASE = "interagency_bench"
SECTION_ORDER = [
    "borough-sqlite",
    "borough-postgres",
    "county-sqlite",
    "county-postgres",
    "region-sqlite",
    "region-postgres",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=["borough", "county", "region"], default="borough")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=None, help="Override the scale's size.")
    parser.add_argument(
        "--postgres-server",
        default=POSTGRES_SERVER,
        help=f"Server where {BENCH_DATABASE} is dropped and recreated (default {POSTGRES_SERVER}).",
    )
    parser.add_argument(
        "--postgres-database",
        default=BENCH_DATABASE,
        help="The database to drop, recreate and drop again, when several people measure on "
        f"one server (default {BENCH_DATABASE}).",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        default=None,
        metavar="TEXT",
        help="Time only the pages whose path ends with one of these, e.g. /sessions/; prints "
        "the figures and leaves the report alone (its section holds every page).",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="Time the pages without planner statistics (no ANALYZE after the seed), as "
        "the earlier figures in the report were.",
    )
    parser.add_argument(
        "--duplicates",
        type=int,
        default=0,
        metavar="N",
        help="After the seed, list N of Camden's people a second time in another agency "
        "(same work email in capitals), as two agencies' staff lists do, so the duplicates "
        "page has N groups (the seed itself has none).",
    )
    parser.add_argument("--no-write", action="store_true", help="Print, leave the report alone.")
    parser.add_argument("--report", type=Path, default=REPORT, help="Where to write the figures.")
    parser.add_argument(
        "--revision", default=None, help="What was measured, when not a git checkout's HEAD."
    )
    return parser.parse_args()


def peak_rss_mib() -> float:
    # ru_maxrss is in kibibytes on Linux: the process's peak resident set so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        ram = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else ram
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def git_revision() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def main() -> None:
    args = parse_args()
    database_version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-bench-",
    )
    import interagency

    print(f"Measuring the code in {Path(interagency.__file__).parent}", flush=True)

    from django.core.management import call_command

    rss_before = peak_rss_mib()

    seed_options: dict = {"scale": args.scale, "seed": args.seed}
    if args.people:
        seed_options["people"] = args.people
    print(f"Seeding {args.scale} on {args.database}…", flush=True)
    started = time.perf_counter()
    call_command("seed", **seed_options, stdout=sys.stdout)
    seed_seconds = time.perf_counter() - started
    rss_after = peak_rss_mib()
    if args.duplicates:
        add_duplicates(args.duplicates)
    # Time the pages on the planner statistics production has after a bulk load.
    analyze_seconds = None if args.no_analyze else gather_planner_statistics()
    if analyze_seconds is not None:
        print(f"ANALYZE took {analyze_seconds:.1f} s", flush=True)

    started = time.perf_counter()
    call_command("seed", **seed_options, stdout=StringIO())
    rerun_seconds = time.perf_counter() - started

    from interagency.accounts.models import User
    from interagency.delivery.models import Booking, Certificate, Session
    from interagency.tenancy.models import Membership, Partnership

    sizes = {
        "partnerships": Partnership.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "sessions": Session.objects.count(),
        "bookings": Booking.objects.count(),
        "certificates": Certificate.objects.count(),
    }
    pages = time_pages(args.requests, only=args.pages)

    section = render_section(
        args=args,
        sizes=sizes,
        seed_seconds=seed_seconds,
        analyze_seconds=analyze_seconds,
        rerun_seconds=rerun_seconds,
        rss_before=rss_before,
        rss_after=rss_after,
        pages=pages,
        database_version=database_version,
    )
    print()
    print(section)
    if not args.no_write and not args.pages:
        write_section(args.report, f"{args.scale}-{args.database}", section)
        print(f"Wrote {args.report}")
    if args.database == "postgres":
        drop_postgres_database(args.postgres_server, args.postgres_database)


def add_duplicates(count: int) -> None:
    """List ``count`` of Camden's person records again in another agency, email in capitals."""
    from interagency.people.models import Agency, Person

    people = list(
        Person.objects.filter(partnership__code="camden")
        .exclude(work_email="")
        .order_by("pk")[:count]
    )
    agencies = list(Agency.objects.filter(partnership__code="camden").order_by("pk")[:2])
    copies = [
        Person(
            partnership_id=person.partnership_id,
            agency=agencies[0] if person.agency_id != agencies[0].pk else agencies[1],
            full_name=person.full_name,
            work_email=person.work_email.upper(),
            job_title=person.job_title,
            role_id=person.role_id,
        )
        for person in people
    ]
    Person.objects.bulk_create(copies, batch_size=2000)
    print(f"Listed {len(copies):,} of Camden's people a second time", flush=True)


def time_pages(requests: int, only: list[str] | None = None) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from interagency.core.permissions import Role
    from interagency.tenancy.models import Membership

    membership = (
        Membership.objects.filter(partnership__code="camden", role=Role.COORDINATOR)
        .select_related("user", "partnership")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No coordinator in Camden: did the seed run?")
    coordinator, code = membership.user, membership.partnership.code
    device = TOTPDevice.objects.create(user=coordinator, name="Benchmark", confirmed=True)
    # A failing page is measured and reported (status 500), not fatal to the run.
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(coordinator)
    session = signed_in.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    anonymous = Client(raise_request_exception=False)
    # The line manager search as htmx asks for it while the member types (matches only).
    htmx = Client(raise_request_exception=False, headers={"HX-Request": "true"})
    htmx.cookies = signed_in.cookies

    scenarios = [
        *session_pages(signed_in, code),
        ("Start (redirects a one-partnership coordinator)", signed_in, "/"),
        ("Partnership dashboard", signed_in, f"/p/{code}/"),
        ("People area", signed_in, f"/p/{code}/people/"),
        ("Members list", signed_in, f"/p/{code}/members/"),
        *people_pages(signed_in, htmx, code),
        ("Audit trail", signed_in, f"/p/{code}/audit/"),
        ("Health check", signed_in, "/healthz"),
        ("Sign-in page (anonymous)", anonymous, "/account/sign-in/"),
    ]
    if only:
        scenarios = [s for s in scenarios if any(s[2].endswith(end) for end in only)]
    results = []
    for name, client, path in scenarios:
        response = client.get(path)  # warm-up: templates compiled, connection open
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        # Count now: the next request clears the connection's query log.
        queries = len(captured)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "name": name,
                "path": path,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": queries,
                "p50": statistics.median(timings),
                "p95": percentile(timings, 0.95),
                "requests": requests,
            }
        )
        print(f"  {path:<28} {results[-1]['p50']:8.1f} ms p50", flush=True)
    return results


def session_pages(signed_in, code: str) -> list[tuple]:
    """The coordinator's session pages, the learners' list and the API's lists, on the
    partnership's busiest upcoming session and its latest closed register."""
    from django.db.models import Count
    from django.utils import timezone

    from interagency.delivery.models import Session

    sessions = Session.objects.filter(partnership__code=code)
    busiest = (
        sessions.filter(status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())
        .annotate(booked=Count("bookings"))
        .order_by("-booked", "starts_at")
        .first()
    )
    closed = sessions.filter(status=Session.Status.CLOSED).order_by("-starts_at").first()
    if busiest is None or closed is None:
        return []
    api = f"/api/v1/partnerships/{code}"
    return [
        ("Coordinator's session page (busiest upcoming)", signed_in,
         f"/p/{code}/sessions/manage/{busiest.pk}/"),
        ("Sessions (coordinator's list)", signed_in, f"/p/{code}/sessions/"),
        ("Upcoming sessions (learners' list)", signed_in, f"/p/{code}/sessions/upcoming/"),
        ("Register of a closed session", signed_in, f"/p/{code}/sessions/{closed.pk}/register/"),
        ("API: sessions, five years, 100 a page", signed_in,
         f"{api}/sessions?from=2000-01-01&page_size=100"),
        ("API: one session", signed_in, f"{api}/sessions/{busiest.pk}"),
        ("API: bookings, 100 a page", signed_in, f"{api}/bookings?page_size=100"),
        ("API: a session's waiting list", signed_in, f"{api}/sessions/{busiest.pk}/waiting-list"),
    ]  # fmt: skip


def people_pages(signed_in, htmx, code: str) -> list[tuple]:
    """The people list, its search (the list page, the API, the line manager search),
    the duplicates page and the training status page."""
    api = f"/api/v1/partnerships/{code}"
    people = f"/p/{code}/people"
    return [
        ("People list", signed_in, f"{people}/list/"),
        ("People search: two words", signed_in, f"{people}/list/?q=oli+smi"),
        ("People search: one common word", signed_in, f"{people}/list/?q=jo"),
        ("People search: nobody", signed_in, f"{people}/list/?q=zzqx"),
        ("API: people search", signed_in, f"{api}/people?q=oli+smi"),
        ("Line manager search (htmx)", htmx, f"{people}/new/?manager_search=oli+smi"),
        ("Possible duplicates", signed_in, f"{people}/duplicates/"),
        ("Training status", signed_in, f"{people}/training-status/"),
    ]


def render_section(
    *,
    args,
    sizes,
    seed_seconds,
    analyze_seconds,
    rerun_seconds,
    rss_before,
    rss_after,
    pages,
    database_version,
) -> str:
    import django

    about = machine()
    today = datetime.date.today().isoformat()
    database = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[args.database]
    people = f" --people {args.people}" if args.people else ""
    duplicates = f" --duplicates {args.duplicates}" if args.duplicates else ""
    no_analyze = " --no-analyze" if analyze_seconds is None else ""
    if analyze_seconds is None:
        statistics_note = "No `ANALYZE` (`--no-analyze`): the planner guesses row counts."
    else:
        statistics_note = (
            "Then `ANALYZE` (planner statistics, as production's autovacuum gathers after "
            f"a bulk load): {analyze_seconds:.1f} s."
        )
    lines = [
        f"### {args.scale.capitalize()} scale on {database}",
        "",
        f"Measured {today} on {args.revision or git_revision()}. "
        f"Machine: {about['cpu']}, {about['cores']} cores, {about['ram']} RAM, {about['os']}; "
        f"Python {about['python']}, "
        f"Django {django.get_version()}, {database_version}.",
        "",
        f"Command: `.venv/bin/python benchmarks/run.py --scale {args.scale} "
        f"--database {args.database} --requests {args.requests}{people}{duplicates}{no_analyze}`",
        "",
        f"**Seed** (`interagency seed --scale {args.scale} --seed {args.seed}{people}`): "
        f"{sizes['people']:,} people and {sizes['memberships']:,} memberships in "
        f"{sizes['partnerships']} partnership{'s' if sizes['partnerships'] != 1 else ''}, "
        f"with {sizes['sessions']:,} sessions over five years, {sizes['bookings']:,} "
        f"bookings and {sizes['certificates']:,} certificates, "
        f"in **{seed_seconds:.1f} s**; peak RSS {rss_after:.0f} MiB "
        f"({rss_before:.0f} MiB before seeding). {statistics_note} "
        f"Second run (nothing to do): {rerun_seconds:.2f} s.",
        "",
        f"**Pages** as the Camden coordinator, {pages[0]['requests']} requests each after "
        "one warm-up:",
        "",
        "| Page | Path | Status | p50 ms | p95 ms | Queries | Size |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        lines.append(
            f"| {page['name']} | `{page['path']}` | {page['status']} | {page['p50']:.1f} | "
            f"{page['p95']:.1f} | {page['queries']} | {page['bytes'] / 1024:.1f} KiB |"
        )
    return "\n".join(lines) + "\n"


HEADER = """# Performance

Figures from `benchmarks/run.py`; each section below is rewritten when its
(scale, database) is measured again, and the others are left alone.

## How measured

The script creates a fresh database (SQLite in a temporary directory, or the
PostgreSQL database `interagency_bench`, dropped and recreated), runs the
migrations, then times `interagency seed` at the chosen scale in the same
process: wall-clock duration, and peak resident memory from
`resource.getrusage` (the whole process's peak, so it includes Django and
the migrations). It then runs `ANALYZE`, so the pages are planned on row
counts as production's autovacuum leaves them after a bulk load
(`--no-analyze` skips it). Then it signs in as the seeded Camden coordinator (session
with a verified TOTP device, as after a real two-factor sign-in) and requests
each page through Django's test `Client` (the session pages use the busiest
upcoming session and the latest closed register; the API is called with the
same signed-in session as the pages): one warm-up request, the query count
of one request (`CaptureQueriesContext`), then N timed requests. The times are
server time inside the process (middleware, views, templates, database),
without a network or WSGI server; p95 is the nearest-rank percentile.
Settings are the production ones with `DEBUG=0` and `INTERAGENCY_TESTING=1`
(MD5 password hashing, no HTTPS redirect).

## How to re-run

    .venv/bin/python benchmarks/run.py --scale borough --database sqlite
    .venv/bin/python benchmarks/run.py --scale borough --database postgres
    .venv/bin/python benchmarks/run.py --scale region --database sqlite
    .venv/bin/python benchmarks/run.py --scale region --database postgres

PostgreSQL must accept `postgres` without a password on 127.0.0.1:5432
(`--postgres-server` to change); the run drops and recreates `interagency_bench`.

## Results
"""


def write_section(report: Path, key: str, section: str) -> None:
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{section}{end}"
    text = report.read_text() if report.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        # Keep the usual order: insert before the first section that should follow.
        later = [k for k in SECTION_ORDER[SECTION_ORDER.index(key) + 1 :] if k in text]
        marker = f"<!-- begin {later[0]} -->" if later else None
        if marker and marker in text:
            text = text.replace(marker, f"{block}\n\n{marker}", 1)
        else:
            text = text.rstrip("\n") + f"\n\n{block}\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)


if __name__ == "__main__":
    main()

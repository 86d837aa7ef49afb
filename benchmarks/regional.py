"""Time the regional benchmarks (page, API and the figures alone) over a seeded region.

    .venv/bin/python benchmarks/regional.py --database postgres
    .venv/bin/python benchmarks/regional.py --database postgres --people 33000

Seeds a fresh database at the region scale (33 partnerships; ``--people`` sets
the learners in total, the seed's default otherwise), gathers planner
statistics, loads the shipped official statistics, refreshes every
partnership's stored compliance standings and its last year end's counts
(``refresh-compliance``, as cron would), makes every
partnership share with the region and one regional coordinator (``--reuse``
measures such a database again and keeps it), then times
``/r/<region>/benchmarks/`` and ``/api/v1/r/<region>/benchmarks`` through
Django's test client (one warm-up, the query count, then N timed requests),
``regional_benchmarks`` alone (the last year ended, whose compliance the year
end's stored counts hold, then the year running, whose compliance the standings
hold for), and each source's share of it (finance's unit
costs, local statistics, records' compliance, evaluation's outcomes), each
over every partnership. Writes the figures, with the machine's load average,
into the "Regional benchmarks" part of docs/performance.md. Not part of the
test suite: its figures are measurements, not assertions. ``--seed-only``
seeds, refreshes and shares, then keeps the database for ``--reuse``;
``--live-year-end`` ranks the ended year live, as before decision 0036.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import (  # benchmarks/_database.py
    drop_postgres_database,
    gather_planner_statistics,
    set_up_fresh_database,
)
from compliance import timed, write
from run import machine


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--requests", type=int, default=5, help="Timed requests per row.")
    parser.add_argument("--people", type=int, default=None, help="Learners in the region.")
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--postgres-database", default="interagency_regional")
    parser.add_argument("--no-write", action="store_true", help="Print, leave the report alone.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the database already seeded, refreshed and shared (and keep it).",
    )
    parser.add_argument(
        "--live-year-end",
        action="store_true",
        help="Ignore the compliance stored at the year's end (decision 0036): rank the ended "
        "year live, as before it was stored.",
    )
    parser.add_argument(
        "--ended-year-only",
        action="store_true",
        help="Time only the page, API and figures of the last year ended (no sources).",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="Seed, refresh and share, then stop and keep the database (measure with --reuse).",
    )
    return parser.parse_args()


def regional_client(region):
    """A test client signed in as a new coordinator of ``region``, second factor verified."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from interagency.regional.services import grant_regional_coordinator

    users = get_user_model().objects
    user = users.filter(email="region-benchmark@example.org").first()
    if user is None:  # a reused database keeps the one made before
        user = users.create_user(email="region-benchmark@example.org")
        grant_regional_coordinator(user=user, region=region, granted_by=None)
    device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sources(year: int, as_of) -> list:
    """One call per source over every sharing partnership, as ``regional_benchmarks`` makes."""
    from interagency.finance.unit_costs import GroupBy, unit_costs
    from interagency.local_statistics.selectors import local_figures
    from interagency.records.selectors.partnership import (
        Scope,
        partnership_compliance,
        partnership_people,
    )
    from interagency.records.selectors.region import stored_totals
    from interagency.regional.benchmarks import add_outcomes
    from interagency.regional.selectors import sharing_partnerships
    from interagency.tenancy.models import Region

    region = Region.objects.get(partnerships__code="camden")

    def each(call):
        return lambda: [call(p) for p in sharing_partnerships(region)] and 200

    def outcomes():
        from interagency.regional.benchmarks import Totals

        partnerships = sharing_partnerships(region)
        add_outcomes(partnerships, {p.pk: Totals() for p in partnerships}, year)
        return 200

    return [
        (
            "Unit costs (finance), every partnership",
            each(lambda p: unit_costs(p, year, GroupBy.TIER)),
        ),
        ("Children in need rates (local statistics)", each(lambda p: local_figures(p, year))),
        (
            "Compliance and participation (records)",
            each(
                lambda p: partnership_compliance(
                    p, partnership_people(p), today=as_of, scope=Scope()
                )
            ),
        ),
        (
            "Compliance read together (records' stored_totals: the year end's stored counts, "
            "else the standings if they hold for the day)",
            lambda: stored_totals(sharing_partnerships(region), as_of) is not None and 200,
        ),
        ("Outcomes (evaluation), the region at once", outcomes),
    ]


def main() -> None:
    args = parse_args()
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-bench-regional-",
        reuse=args.reuse,
    )
    seed_seconds = 0.0 if args.reuse else seeded(args)
    if args.live_year_end:
        from interagency.records.selectors import region as records_region

        records_region.year_ends_holding = lambda partnerships, day: []  # type: ignore[assignment]

    from django.utils import timezone

    from interagency.people.models import Person
    from interagency.regional.benchmarks import regional_benchmarks, year_end
    from interagency.regional.forms import default_year
    from interagency.regional.services import set_sharing
    from interagency.tenancy.models import Partnership, Region

    region = Region.objects.get(partnerships__code="camden")
    partnerships = list(Partnership.objects.filter(region=region))
    if not args.reuse:
        for partnership in partnerships:
            set_sharing(partnership=partnership, shares=True, changed_by=None)
    if args.seed_only:
        print(f"Seeded in {seed_seconds:.0f} s; kept for --reuse.")
        return
    people = Person.objects.filter(partnership__region=region).count()
    today = timezone.localdate()
    year = default_year(today)
    as_of = min(today, year_end(year))
    client = regional_client(region)
    current = f"/r/{region.code}/benchmarks/?year={year + 1}"
    load_before = os.getloadavg()
    page = f"/r/{region.code}/benchmarks/"
    rows = [
        timed(f"Page {page}", args.requests, lambda: client.get(page).status_code),
        timed(
            "API: regional benchmarks",
            args.requests,
            lambda: client.get(f"/api/v1/r/{region.code}/benchmarks").status_code,
        ),
        timed(
            "regional_benchmarks() alone",
            args.requests,
            lambda: regional_benchmarks(region, year, today) and 200,
        ),
    ]
    if not args.ended_year_only:
        rows += [
            timed(
                f"Page {current} (the year running: as of today)",
                args.requests,
                lambda: client.get(current).status_code,
            ),
            timed(
                "regional_benchmarks() alone, the year running",
                args.requests,
                lambda: regional_benchmarks(region, year + 1, today) and 200,
            ),
        ]
        for label, call in sources(year, as_of):
            rows.append(timed(label, max(args.requests // 2, 1), call))
    load_after = os.getloadavg()
    shown = regional_benchmarks(region, year, today)
    section = render(
        args, version, seed_seconds, len(partnerships), people, year, shown, rows,
        (load_before, load_after),
    )  # fmt: skip
    print(section)
    if not args.no_write:
        write(f"regional-{args.database}", section)
    if args.database == "postgres" and not args.reuse:
        drop_postgres_database(args.postgres_server, args.postgres_database)


def seeded(args: argparse.Namespace) -> float:
    """Seed the region, load the statistics and refresh every standing, as cron would; the
    seconds the seed took."""
    from django.core.management import call_command

    options: dict = {"scale": "region", "seed": 1}
    if args.people:
        options["people"] = args.people
    started = time.perf_counter()
    call_command("seed", **options, stdout=sys.stdout)
    seed_seconds = time.perf_counter() - started
    call_command("load_local_statistics", stdout=sys.stdout)
    call_command("refresh_compliance", stdout=sys.stdout)
    gather_planner_statistics()
    return seed_seconds


def render(args, version, seed_seconds, partnerships, people, year, shown, rows, loads) -> str:
    host = machine()
    costed = sum(1 for row in shown.partnerships if row.cost_per_participant.value is not None)
    rated = sum(1 for row in shown.partnerships if row.sessions_per_1000_in_need.value is not None)
    uptime = os.popen("uptime").read().strip()  # noqa: S605, S607 (a fixed command)
    lines = [
        f"### Regional benchmarks: region scale on {version}",
        "",
        f"{partnerships} partnerships sharing, {people:,} people; seeded in {seed_seconds:.0f} s "
        f"(`seed --scale region --seed 1{f' --people {args.people}' if args.people else ''}`). "
        f"Financial year {year} to {year + 1}: {costed} partnership(s) with a cost per "
        f"participant shown, {rated} with children in need rates, {len(shown.scales)} outcome "
        f"scale(s). {args.requests} timed requests per row (the sources half as many). Load "
        f"average (1, 5, 15 min) before {', '.join(f'{x:.1f}' for x in loads[0])}, after "
        f"{', '.join(f'{x:.1f}' for x in loads[1])}; `uptime` at the end: `{uptime}`; "
        f"{host.get('cpu', '')}, {host.get('cores', '')} cores.",
        "",
        "| what | status | queries | p50 | p95 |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['status']} | {row['queries']} | {row['p50']:.0f} ms | "
            f"{row['p95']:.0f} ms |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

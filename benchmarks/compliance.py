"""Time the partnership compliance page, its API and a regional sweep at a scale.

    .venv/bin/python benchmarks/compliance.py --scale borough --database postgres
    .venv/bin/python benchmarks/compliance.py --scale county --database postgres
    .venv/bin/python benchmarks/compliance.py --scale region --database postgres

Seeds a fresh database (as ``run.py`` does), gathers planner statistics, then
signs in as Camden's coordinator and times ``/p/camden/records/compliance/``
and ``/api/v1/partnerships/camden/compliance`` through Django's test client
(one warm-up, the query count, then N timed requests), and the compliance
selector for every partnership of the region one after the other (what a
regional view over all of them would compute). Writes the figures, with the
machine's load average, into the "Compliance" part of docs/performance.md.
Not part of the test suite: its figures are measurements, not assertions.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import (  # benchmarks/_database.py
    ROOT,
    drop_postgres_database,
    gather_planner_statistics,
    set_up_fresh_database,
)
from run import machine, percentile

REPORT = ROOT / "docs" / "performance.md"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=["borough", "county", "region"], default="borough")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--requests", type=int, default=10, help="Timed requests per page.")
    parser.add_argument("--people", type=int, default=None, help="Override the scale's size.")
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--postgres-database", default="interagency_bench_compliance")
    parser.add_argument("--no-write", action="store_true", help="Print, leave the report alone.")
    parser.add_argument(
        "--keep-in", default="", help="Keep the database (SQLite: in this directory) afterwards."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Measure the database kept earlier, unseeded."
    )
    parser.add_argument("--seed-only", action="store_true", help="Seed and keep, measure nothing.")
    parser.add_argument(
        "--live", action="store_true", help="Rank everyone live: no stored standings."
    )
    return parser.parse_args()


def signed_in_client():
    """A test client signed in as Camden's first coordinator, second factor verified."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from interagency.core.permissions import Role
    from interagency.tenancy.models import Membership

    membership = (
        Membership.objects.filter(partnership__code="camden", role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No coordinator in Camden: did the seed run?")
    device = TOTPDevice.objects.create(user=membership.user, name="Benchmark", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(label: str, requests: int, call) -> dict:
    """One warm-up, the query count of one call, then ``requests`` timed calls."""
    from django.db import connection

    status = call()
    # Counted by a wrapper: Django clears its query log at the start of every request.
    executed: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            executed.append(sql) or execute(sql, params, many, context)
        )
    ):
        call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    row = {
        "label": label,
        "status": status,
        "queries": len(executed),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
    }
    print(f"{label}: p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, {row['queries']} queries")
    return row


def regional_sweep() -> tuple[int, int]:
    """Every partnership's compliance, one after the other: (partnerships, people)."""
    from django.utils import timezone

    from interagency.records.selectors.partnership import (
        Scope,
        partnership_compliance,
        partnership_people,
    )
    from interagency.tenancy.models import Partnership

    count = people = 0
    for partnership in Partnership.objects.order_by("pk"):
        result = partnership_compliance(
            partnership,
            partnership_people(partnership),
            today=timezone.localdate(),
            scope=Scope(),
        )
        count += 1
        people += result.total.total.people
    return count, people


def stored_standings(*, live: bool) -> float | None:
    """Refresh every partnership's stored standings (decision 0035), or drop them all when
    measuring the live ranking; the seconds the refresh took."""
    from django.core.management import call_command

    from interagency.records.models import ComplianceRefresh, ComplianceStanding

    if live:
        ComplianceRefresh.objects.all().delete()
        ComplianceStanding.objects.all().delete()
        return None
    started = time.perf_counter()
    call_command("refresh_compliance", stdout=sys.stdout)
    seconds = time.perf_counter() - started
    gather_planner_statistics()
    return seconds


def main() -> None:
    args = parse_args()
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-bench-compliance-",
        keep_in=args.keep_in,
        reuse=args.reuse,
    )
    from django.core.management import call_command

    options: dict = {"scale": args.scale, "seed": 1}
    if args.people:
        options["people"] = args.people
    started = time.perf_counter()
    if not args.reuse:
        call_command("seed", **options, stdout=sys.stdout)
    seed_seconds = time.perf_counter() - started
    gather_planner_statistics()
    if args.seed_only:
        return
    refresh_seconds = stored_standings(live=args.live)

    from interagency.people.models import Person

    camden_people = Person.objects.filter(partnership__code="camden").count()
    load_before = os.getloadavg()
    client = signed_in_client()
    rows = [
        timed(
            "Partnership compliance page (Camden, everyone)",
            args.requests,
            lambda: client.get("/p/camden/records/compliance/").status_code,
        ),
        timed(
            "Partnership compliance page, one sector",
            args.requests,
            lambda: client.get("/p/camden/records/compliance/?sector=health").status_code,
        ),
        timed(
            "API: compliance summary (Camden)",
            args.requests,
            lambda: client.get("/api/v1/partnerships/camden/compliance").status_code,
        ),
        timed(
            "Regional sweep: every partnership's compliance",
            max(args.requests // 3, 1),
            lambda: regional_sweep() and 200,
        ),
    ]
    partnerships, everyone = regional_sweep()
    load_after = os.getloadavg()
    section = render(
        args,
        version,
        seed_seconds,
        refresh_seconds,
        camden_people,
        partnerships,
        everyone,
        rows,
        (load_before, load_after),
    )
    print(section)
    if not args.no_write:
        stored = "live" if args.live else "stored"
        write(f"compliance-{args.scale}-{args.database}-{stored}", section)
    if args.database == "postgres" and not (args.keep_in or args.reuse):
        drop_postgres_database(args.postgres_server, args.postgres_database)


def render(
    args, version, seed_seconds, refresh_seconds, camden_people, partnerships, everyone, rows, loads
) -> str:
    host = machine()
    lines = [
        f"### Compliance: {args.scale} on {version}, "
        + ("ranked live" if refresh_seconds is None else "stored standings"),
        "",
        f"{camden_people:,} people in Camden, {everyone:,} current in {partnerships} "
        f"partnership(s); "
        + ("seeded earlier, reused; " if args.reuse else f"seeded in {seed_seconds:.0f} s; ")
        + (
            "no stored standings (everyone ranked live). "
            if refresh_seconds is None
            else f"standings stored by `refresh-compliance` in {refresh_seconds:.1f} s. "
        )
        + f"{args.requests} timed requests per "
        f"row (the sweep a third as many). Load average (1, 5, 15 min) before "
        f"{', '.join(f'{x:.1f}' for x in loads[0])}, after "
        f"{', '.join(f'{x:.1f}' for x in loads[1])}; {host.get('cpu', '')}, "
        f"{host.get('cores', '')} cores.",
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


def write(key: str, section: str) -> None:
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{section}{end}"
    text = REPORT.read_text()
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    REPORT.write_text(text)
    print(f"Wrote {REPORT}")


if __name__ == "__main__":
    main()

"""Time a 100,000-row people import (read, check, apply) on a fresh SQLite or PostgreSQL database.

    .venv/bin/python benchmarks/import_people.py --database sqlite
    .venv/bin/python benchmarks/import_people.py --database postgres

Three imports of one agency's staff list, as an agency would send them: the
first (every row new), the same file again (every row unchanged), and a newer
full staff list (a tenth of the people changed, a hundredth gone, which are
marked as left). Each is timed in its steps: upload (read the file), preview
(check every row against the agency's people) and apply (check again and
write, in one transaction). Writes the figures into docs/performance.md under
"People import (100,000 rows)", replacing only this database's block.
"""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import set_up_fresh_database
from run import (  # benchmarks/run.py's helpers
    BENCH_DATABASE,
    POSTGRES_SERVER,
    REPORT,
    git_revision,
    machine,
    peak_rss_mib,
)

TEAMS = [f"Team {n}" for n in range(1, 41)]
ROLES = ["Children's Social Worker", "General Practitioner", "Health Visitor", "Teacher"]
HEADER = "Name,Email,Job title,Role,Team,Manager email,Start date,Staff number\n"


def staff_csv(rows: int, *, seed: int, changed_share=0.0, gone_share=0.0) -> bytes:
    rng = random.Random(seed)
    lines = [HEADER]
    for n in range(rows):
        started = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(5000))
        if gone_share and n % int(1 / gone_share) == 0:
            continue
        title = "Practitioner"
        if changed_share and n % int(1 / changed_share) == 1:
            title = "Senior practitioner"
        manager = f"person{n - n % 10}@agency.example" if n % 10 else ""
        lines.append(
            f"Person {n},person{n}@agency.example,{title},{ROLES[n % len(ROLES)]},"
            f"{TEAMS[n % len(TEAMS)]},{manager},{started:%d/%m/%Y},E{n:06d}\n"
        )
    return "".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    # The same PostgreSQL database as benchmarks/run.py, dropped and recreated.
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=BENCH_DATABASE,
        prefix="interagency-import-bench-",
    )

    from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory, TierFactory
    from interagency.people.models import PeopleImport, Person
    from interagency.people.services.imports import (
        run_people_import,
        save_import_mapping,
        start_people_import,
    )
    from interagency.people.tests.factories import AgencyFactory
    from interagency.tenancy.tests.factories import PartnershipFactory

    partnership = PartnershipFactory.create(code="camden")
    tier = TierFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=tier.framework)
    for name in ROLES:
        RoleFactory.create(tier=tier, name=name)
    agency = AgencyFactory.create(partnership=partnership, name="Camden Health")
    columns = {
        "full_name": "Name",
        "work_email": "Email",
        "job_title": "Job title",
        "role": "Role",
        "service": "Team",
        "line_manager_email": "Manager email",
        "started_on": "Start date",
        "external_id": "Staff number",
    }
    files = [
        ("First import (every row new)", staff_csv(args.rows, seed=1), False),
        ("Same file again (every row unchanged)", staff_csv(args.rows, seed=1), False),
        (
            "Newer full staff list (10% changed, 1% gone)",
            staff_csv(args.rows, seed=1, changed_share=0.1, gone_share=0.01),
            True,
        ),
    ]
    results = []
    for label, content, full in files:
        print(f"{label}: {len(content) / 1024 / 1024:.1f} MiB…", flush=True)
        timings = {}
        started = time.perf_counter()
        people_import = start_people_import(
            partnership=partnership,
            agency=agency,
            uploaded_by=None,
            file_name="staff.csv",
            content=content,
            is_full_staff_list=full,
        )
        timings["upload"] = time.perf_counter() - started
        started = time.perf_counter()
        save_import_mapping(people_import=people_import, columns=columns, changed_by=None)
        timings["preview"] = time.perf_counter() - started
        started = time.perf_counter()
        status = run_people_import(import_id=people_import.pk)
        timings["apply"] = time.perf_counter() - started
        people_import = PeopleImport.objects.get(pk=people_import.pk)
        assert status == "applied", people_import.error
        results.append((label, len(content), timings, people_import))
        print(f"  {timings} → {status}", flush=True)
    people = Person.objects.count()
    section = render(args, results, people, version)
    print(section)
    if not args.no_write:
        write_block(REPORT, f"import-{args.database}", section)


def render(args, results, people: int, version: str) -> str:
    info = machine()
    name = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    lines = [
        f"### {name}",
        "",
        f"Measured {datetime.date.today():%Y-%m-%d} on {git_revision()}. Machine: "
        f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python "
        f"{sys.version.split()[0]}, {version}. Peak RSS {peak_rss_mib():.0f} MiB.",
        "",
        f"Command: `.venv/bin/python benchmarks/import_people.py --database {args.database}`",
        "",
        "| Import | File | Upload s | Preview s | Apply s | Total s | Created | Updated "
        "| Unchanged | Marked left |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, size, t, imp in results:
        total = t["upload"] + t["preview"] + t["apply"]
        lines.append(
            f"| {label} | {size / 1024 / 1024:.1f} MiB | {t['upload']:.1f} | {t['preview']:.1f} "
            f"| {t['apply']:.1f} | **{total:.1f}** | {imp.created:,} | {imp.updated:,} "
            f"| {imp.unchanged:,} | {imp.marked_left:,} |"
        )
    lines += ["", f"{people:,} people in the database afterwards.", ""]
    return "\n".join(lines)


def write_block(report: Path, key: str, section: str) -> None:
    """Replace this database's block under the "People import" heading, or add it."""
    import re

    heading = "## People import (100,000 rows)"
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{section}{end}"
    text = report.read_text()
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    elif heading in text:
        text = (
            text.replace(heading, f"{heading}\n\n{block}", 1)
            if key.endswith("sqlite")
            else text.rstrip("\n") + f"\n\n{block}\n"
        )
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    report.write_text(text)


if __name__ == "__main__":
    main()

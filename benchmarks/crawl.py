"""Time every page of a partnership, as its members reach them, on a database kept from a seed.

    .venv/bin/python benchmarks/crawl.py --database postgres --postgres-database NAME
    .venv/bin/python benchmarks/crawl.py --database sqlite --keep-in /tmp/county

The pages come from the URL resolver: every named route under
``/p/<code>/``, its ids picked from the database (the partnership's latest
closed session, a person with a post, its first agency ...). Each page is
asked as the coordinator; the pages that show a member their own work (my
training, my team, my sessions, my bookings, approvals, the start page) are
asked again as a learner, a line manager, a trainer and a board member.
Action addresses (POST only), evaluation answer links and downloads are left
out; ``--downloads`` times the downloads too. One warm-up request, the query
count of one request, then N timed requests (fewer for a page over
``--slow-ms`` at its warm-up). Prints a markdown table, with the load
average before and after. Not part of the test suite.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import set_up_fresh_database  # benchmarks/_database.py
from run import percentile

# Routes that change something (their GET answers 405 or redirects), answer by token, or
# repeat a route timed under another name.
SKIPPED_NAMES = {
    "tenancy:area",
    "evaluation:answer",
    "evaluation:answer-thanks",
    "evaluation:plan-download",
}
ACTION_ENDINGS = (
    "cancel/", "remove/", "delete/", "retry/", "retry-failed/", "approve/", "refuse/",
    "accept/", "decline/", "withdraw/", "waive/", "apply/", "stop/", "reopen/", "close/",
    "chase/", "send/", "reset/", "merge/", "leave/", "end/", "decide/", "book/",
)  # fmt: skip
DOWNLOAD_ENDINGS = (".csv", ".xlsx", ".pdf", ".json")
# The pages that differ by who asks, asked again as each of these roles.
PERSONAL_PAGES = (
    "tenancy:dashboard",
    "sessions:my-training",
    "sessions:my-bookings",
    "sessions:my-team",
    "sessions:my-sessions",
    "sessions:approvals",
    "sessions:list",
    "catalogue:index",
    "finance:reports",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--postgres-database", default="interagency_bench")
    parser.add_argument("--keep-in", default="", help="The SQLite file's directory.")
    parser.add_argument("--code", default="camden", help="The partnership crawled.")
    parser.add_argument("--requests", type=int, default=10, help="Timed requests per page.")
    parser.add_argument("--slow-ms", type=float, default=3000, help="Slower warm-up: 3 requests.")
    parser.add_argument("--downloads", action="store_true", help="Time the downloads too.")
    parser.add_argument(
        "--pages",
        nargs="+",
        default=None,
        metavar="TEXT",
        help="Only the routes whose name or path contains one of these.",
    )
    return parser.parse_args()


def route_patterns() -> list[tuple[str, str]]:
    """(route, "namespace:name") of every named route under ``p/<slug:code>/``."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}"

    return [(r, n) for r, n in walk(get_resolver().url_patterns, "", "") if r.startswith("p/")]


def first(queryset, field: str = "pk"):
    row = queryset.values_list(field, flat=True).first()
    return row


def pick_ids(partnership) -> dict[str, object]:
    """An id for every path argument, from the partnership's own rows (None: it has none)."""
    from django.db.models import Count

    from interagency.audit.models import AuditEvent
    from interagency.catalogue.models import CompetenceFramework, Equivalence, Tier
    from interagency.catalogue.models import Role as CatalogueRole
    from interagency.delivery.models.sessions import Session, Venue
    from interagency.evaluation.models.instruments import Instrument
    from interagency.evaluation.models.plans import EvaluationPlan, Wave
    from interagency.finance.models import BudgetLine, PartnerAgreement
    from interagency.people.models.agencies import Agency
    from interagency.people.models.imports import PeopleImport
    from interagency.people.models.people import Person, Post
    from interagency.people.models.planning import Headcount, SurveyRequest
    from interagency.records.models import Declaration, RecordImport
    from interagency.tenancy.models import Membership

    own = {"partnership": partnership}
    closed = (
        Session.objects.filter(**own, status=Session.Status.CLOSED)
        .annotate(booked=Count("bookings"))
        .order_by("-starts_at")
        .first()
    )
    post = Post.objects.filter(**own).order_by("pk").first()
    adopted = CompetenceFramework.objects.filter(adoptions__partnership=partnership)
    return {
        "session_id": closed.pk if closed else None,
        "person_id": post.person_id if post else first(Person.objects.filter(**own).order_by("pk")),
        "post_id": post.pk if post else None,
        "agency_id": first(Agency.objects.filter(**own).order_by("pk")),
        "course_id": closed.course_id if closed else None,
        "role_id": first(CatalogueRole.objects.filter(framework__in=adopted).order_by("pk")),
        "framework_id": first(adopted.order_by("pk")),
        "tier_id": first(Tier.objects.filter(framework__in=adopted).order_by("pk")),
        "equivalence_id": first(Equivalence.objects.filter(**own).order_by("pk")),
        "instrument_id": first(Instrument.objects.filter(**own).order_by("pk")),
        "number": 1,
        "plan_id": first(EvaluationPlan.objects.filter(**own).order_by("pk")),
        "wave_id": first(Wave.objects.filter(plan__partnership=partnership).order_by("pk")),
        "headcount_id": first(Headcount.objects.filter(**own).order_by("pk")),
        "survey_id": first(SurveyRequest.objects.filter(**own).order_by("pk")),
        "import_id": first(PeopleImport.objects.filter(**own).order_by("-pk")),
        "records_import_id": first(RecordImport.objects.filter(**own).order_by("-pk")),
        "declaration_id": first(Declaration.objects.filter(**own).order_by("-pk")),
        "agreement_id": first(PartnerAgreement.objects.filter(**own).order_by("pk")),
        "line_id": first(BudgetLine.objects.filter(**own).order_by("pk")),
        "venue_id": first(Venue.objects.filter(**own).order_by("pk")),
        "user_id": first(Membership.objects.filter(**own).order_by("pk"), "user_id"),
        "pk": first(AuditEvent.objects.filter(**own).order_by("-pk")),
        "kind": "booking_confirmed",
    }


def pages(code: str, ids: dict, downloads: bool) -> list[tuple[str, str]]:
    """(name, path) of every page to time, in the resolver's order."""
    import re

    found, missing = [], []
    for route, name in route_patterns():
        if name in SKIPPED_NAMES or route.endswith(ACTION_ENDINGS):
            continue
        if route.endswith(DOWNLOAD_ENDINGS) and not downloads:
            continue
        if name == "records:import":
            route = route.replace("<int:import_id>", "<int:records_import_id>")
        path = "/" + route.replace("<slug:code>", code)
        for argument in re.findall(r"<(?:\w+:)?(\w+)>", path):
            value = ids.get(argument)
            if value is None:
                missing.append(name)
                break
            path = re.sub(rf"<(?:\w+:)?{argument}>", str(value), path)
        else:
            found.append((name, path))
    if missing:
        print(f"No row to show for: {', '.join(missing)}", flush=True)
    return found


def signed_in(user):
    """A test client signed in as ``user``, second factor verified."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="Benchmark").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def members(partnership) -> dict[str, object]:
    """One member per role who holds only that role, where there is one (else anyone)."""
    from django.db.models import Count

    from interagency.core.permissions import Role
    from interagency.tenancy.models import Membership

    chosen = {}
    for role in Role:
        memberships = Membership.objects.filter(partnership=partnership, role=role)
        only = (
            memberships.annotate(roles=Count("user__memberships"))
            .filter(roles=1)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        any_one = memberships.select_related("user").order_by("pk").first()
        if only or any_one:
            chosen[role.value] = (only or any_one).user
    return chosen


def time_page(client, path: str, requests: int, slow_ms: float) -> dict:
    from django.db import connection

    started = time.perf_counter()
    response = client.get(path)
    warm_up = (time.perf_counter() - started) * 1000
    executed: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: (
            executed.append(sql) or execute(sql, params, many, context)
        )
    ):
        client.get(path)
    count = requests if warm_up < slow_ms else min(requests, 3)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code,
        "queries": len(executed),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "requests": count,
        "kib": len(response.content) / 1024,
    }


def main() -> None:
    args = parse_args()
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-crawl-",
        keep_in=args.keep_in,
        reuse=True,
    )
    import interagency
    from interagency.people.models.people import Person
    from interagency.tenancy.models import Partnership

    print(f"Measuring the code in {Path(interagency.__file__).parent}", flush=True)
    partnership = Partnership.objects.get(code=args.code)
    people = Person.objects.filter(partnership=partnership).count()
    print(f"{version}, {args.code}: {people:,} people", flush=True)
    users = members(partnership)
    clients = {role: signed_in(user) for role, user in users.items()}
    plan = [("coordinator", name, path) for name, path in pages(args.code, pick_ids(partnership),
                                                                args.downloads)]  # fmt: skip
    plan.append(("coordinator", "tenancy:home", "/"))
    personal = [(n, p) for _, n, p in plan if n in PERSONAL_PAGES or n == "tenancy:home"]
    for role in ("learner", "manager", "trainer", "board"):
        if role in clients:
            plan += [(role, name, path) for name, path in personal]
    if args.pages:
        plan = [row for row in plan if any(t in row[1] or t in row[2] for t in args.pages)]
    load_before = os.getloadavg()
    rows = []
    for role, name, path in plan:
        row = {"role": role, "name": name, "path": path}
        row |= time_page(clients[role], path, args.requests, args.slow_ms)
        rows.append(row)
        print(
            f"  {role:<11} {path:<60} {row['status']} {row['p50']:8.0f} {row['p95']:8.0f} ms "
            f"{row['queries']:4} q",
            flush=True,
        )
    load_after = os.getloadavg()
    print()
    print(render(rows, version=version, people=people, before=load_before, after=load_after))


def render(rows, *, version, people, before, after) -> str:
    over = [r for r in rows if r["p95"] > 300]
    lines = [
        f"{version}, {people:,} people; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.1f}' for x in before)} before, "
        f"{', '.join(f'{x:.1f}' for x in after)} after; "
        f"{len(rows)} pages, {len(over)} over 300 ms p95.",
        "",
        "| Page | As | Status | p50 ms | p95 ms | Queries | Requests | KiB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| `{r['path']}` | {r['role']} | {r['status']} | {r['p50']:,.0f} | "
            f"{r['p95']:,.0f} | {r['queries']} | {r['requests']} | {r['kib']:,.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

"""Race for places over HTTP: many learners book one session through the real server at once.

    .venv/bin/python benchmarks/race_http.py --database sqlite
    .venv/bin/python benchmarks/race_http.py --database postgres

Seeds a fresh database (``_database.py``) with one partnership, two sessions
of 20 places and 540 learners, each a member with a person record and a
personal access token. Starts the server as ``interagency serve`` does (a
subprocess on a free port with the same settings environment: Gunicorn
worker processes), then books through ``POST /api/v1/partnerships/{code}/
bookings`` (the endpoint the API documents; each learner books themselves):

* the race: 500 requests from 50 threads (``--requests``, ``--threads``) on
  the first session, each a different learner; 20 get a place, the rest
  join the waiting list (each a write too);
* one thread: 40 requests one after another on the second session.

Reports requests a second, p50 and p95 latency, the server's CPU per request
(the utime+stime of the Gunicorn arbiter and its workers from ``/proc``,
before and after, divided by the requests), on PostgreSQL the CPU of the
database's own backends serving the server (found in ``pg_stat_activity``,
read from ``/proc`` the same way), the client's own CPU (its threads run on
the same cores) and the three added up, the answers (2xx, 4xx refusals
counted apart from errors: 5xx and failed connections), and what the
database holds afterwards: overbooked (confirmed beyond capacity, or
``places_taken`` not equal to the bookings holding a place), duplicates (two
live bookings of one person on one session) and phantoms (a client told it
was booked with no such booking row, a booking row whose client got an
error, or a status told that is not the one stored).

Writes the figures into docs/performance.md under "Booking race over HTTP",
replacing only this database's block (``--no-write`` prints them only).
"""

import argparse
import datetime
import http.client
import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import ROOT, drop_postgres_database, set_up_fresh_database
from run import POSTGRES_SERVER, REPORT, git_revision, machine, percentile  # benchmarks/run.py

BENCH_DATABASE = "interagency_bench_race"
CAPACITY = 20
SINGLE_REQUESTS = 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=500, help="Requests in the race.")
    parser.add_argument("--threads", type=int, default=50, help="Client threads in the race.")
    parser.add_argument("--workers", type=int, help="Server worker processes (serve's default).")
    parser.add_argument("--server-threads", type=int, help="Threads per worker (serve's default).")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    parser.add_argument(
        "--postgres-database", default=BENCH_DATABASE, help="Dropped and created afresh."
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=args.postgres_database,
        prefix="interagency-race-bench-",
    )
    code, sessions, tokens = seed(args.requests + SINGLE_REQUESTS)
    server = Server(workers=args.workers, threads=args.server_threads)
    try:
        server.start()
        warm_up(server, code, tokens[0][1])
        load_before = os.getloadavg()
        race = run_round(server, code, sessions[0], tokens[: args.requests], threads=args.threads)
        single = run_round(server, code, sessions[1], tokens[args.requests :], threads=1)
        load_after = os.getloadavg()
        shape = server.shape
    finally:
        server.stop()
    for result in (race, single):
        result.update(check(result))
        print(summary(result), flush=True)
    section = render(args, [race, single], version, shape, (load_before, load_after))
    print(section)
    if not args.no_write:
        write_block(REPORT, f"race-{args.database}", section)
    if args.database == "postgres":
        drop_postgres_database(args.postgres_server, args.postgres_database)


def seed(learners: int) -> tuple[str, list[int], list[tuple[int, str]]]:
    """One partnership, two sessions, ``learners`` members with a person and a token each."""
    from django.db import transaction

    from interagency.accounts.models import AccessToken, User, hash_token
    from interagency.core.permissions import Role
    from interagency.delivery.tests.factories import SessionFactory
    from interagency.people.models import Person
    from interagency.people.tests.factories import AgencyFactory
    from interagency.tenancy.models import Membership
    from interagency.tenancy.tests.factories import PartnershipFactory

    with transaction.atomic():
        partnership = PartnershipFactory.create()
        agencies = [AgencyFactory.create(partnership=partnership) for _ in range(10)]
        sessions = [
            SessionFactory.create(partnership=partnership, capacity=CAPACITY) for _ in range(2)
        ]
        users = User.objects.bulk_create(
            User(email=f"learner{n}@race.example", full_name=f"Learner {n}", password="!")  # noqa: S106 (unusable)
            for n in range(learners)
        )
        Membership.objects.bulk_create(
            Membership(partnership=partnership, user=user, role=Role.LEARNER) for user in users
        )
        people = Person.objects.bulk_create(
            Person(
                partnership=partnership,
                agency=agencies[n % len(agencies)],
                user=user,
                full_name=user.full_name,
                work_email=user.email,
            )
            for n, user in enumerate(users)
        )
        tokens = []
        rows = []
        for user in users:
            lookup, text = AccessToken.generate()
            rows.append(
                AccessToken(user=user, name="race", lookup=lookup, token_hash=hash_token(text))
            )
            tokens.append(text)
        AccessToken.objects.bulk_create(rows)
    return (
        partnership.code,
        [session.pk for session in sessions],
        [(person.pk, token) for person, token in zip(people, tokens, strict=True)],
    )


class Server:
    """``interagency serve`` on a free port, in its own process group."""

    def __init__(self, *, workers: int | None, threads: int | None) -> None:
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None
        self.shape = ""

    def start(self) -> None:
        command = [str(Path(sys.executable).parent / "interagency"), "serve"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers:
            command += ["--workers", str(self.workers)]
        if self.threads:
            command += ["--threads", str(self.threads)]
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self.shape = self.process.stdout.readline().strip()
        print(self.shape, flush=True)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The server stopped: {self.process.returncode}")
            try:
                status, _ = request(self.connection(), "GET", "/healthz")
                if status == 200 and len(self.pids()) > max(1, self.workers or 1):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("The server did not answer /healthz within 60 s.")

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if "Traceback" in line or "ERROR" in line or "Error" in line:
                print(f"server: {line.rstrip()}", flush=True)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def pids(self) -> list[int]:
        """The arbiter and every process whose parent it is (the workers)."""
        assert self.process is not None
        root = self.process.pid
        found = [root]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == root:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> dict[int, float]:
        """utime + stime of each of the server's processes so far."""
        return process_cpu_seconds(self.pids())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process so far (a process gone since is left out)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14, 15
    return seconds


def database_backends() -> list[int]:
    """PostgreSQL's processes serving this database for the server (not this script's own)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process started since counts from nought."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: dict | None = None,
    token: str | None = None,
) -> tuple[int, dict | None]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    return response.status, payload


def warm_up(server: Server, code: str, token: str) -> None:
    """A few reads, so workers have loaded the API before the clock starts."""
    for _ in range(10):
        connection = server.connection()
        request(connection, "GET", f"/api/v1/partnerships/{code}/bookings", token=token)
        connection.close()


def run_round(
    server: Server, code: str, session_id: int, tokens: list[tuple[int, str]], *, threads: int
) -> dict:
    """Each learner books ``session_id`` once, from ``threads`` threads with a connection each."""
    path = f"/api/v1/partnerships/{code}/bookings"
    answers: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def worker(share: list[tuple[int, str]]) -> None:
        connection = server.connection()
        start.wait()
        for person_id, token in share:
            began = time.perf_counter()
            answer: dict = {"person": person_id}
            try:
                status, payload = request(
                    connection, "POST", path, {"session": session_id}, token=token
                )
                answer.update(status=status, payload=payload)
            except (OSError, http.client.HTTPException) as error:
                answer.update(status=None, error=repr(error))
                connection.close()
                connection = server.connection()
            answer["seconds"] = time.perf_counter() - began
            with lock:
                answers.append(answer)
        connection.close()

    workers = [threading.Thread(target=worker, args=(tokens[k::threads],)) for k in range(threads)]
    for thread in workers:
        thread.start()
    cpu_before = server.cpu_seconds()
    database_before = process_cpu_seconds(database_backends())
    client_before = client_cpu_seconds()
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    seconds = time.perf_counter() - began
    client_cpu = client_cpu_seconds() - client_before
    cpu = cpu_used(cpu_before, server.cpu_seconds())
    database_cpu = cpu_used(database_before, process_cpu_seconds(database_backends()))
    latencies = [answer["seconds"] for answer in answers]
    count = len(answers)
    return {
        "session": session_id,
        "threads": threads,
        "requests": count,
        "seconds": seconds,
        "rate": count / seconds,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "cpu_ms": cpu / count * 1000,
        "database_cpu_ms": database_cpu / count * 1000,
        "client_cpu_ms": client_cpu / count * 1000,
        "total_cpu_ms": (cpu + database_cpu + client_cpu) / count * 1000,
        "answers": answers,
    }


def client_cpu_seconds() -> float:
    """utime + stime of this process (the client's threads share the server's cores)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def check(result: dict) -> dict:
    """What the database holds after the round, against what each client was told."""
    from django.db.models import Count

    from interagency.delivery.models import (
        LIVE_STATUSES,
        PLACE_HOLDING_STATUSES,
        Booking,
        BookingStatus,
        Session,
    )

    answers = result["answers"]
    ok = [a for a in answers if a["status"] is not None and 200 <= a["status"] < 300]
    refused = [a for a in answers if a["status"] is not None and 400 <= a["status"] < 500]
    errors = [a for a in answers if a["status"] is None or a["status"] >= 500]
    other = len(answers) - len(ok) - len(refused) - len(errors)
    session = Session.objects.get(pk=result["session"])
    rows = {
        booking.person_id: booking
        for booking in Booking.objects.filter(session=session).order_by("pk")
    }
    confirmed = sum(1 for b in rows.values() if b.status == BookingStatus.CONFIRMED)
    holding = sum(1 for b in rows.values() if b.status in PLACE_HOLDING_STATUSES)
    waiting = sum(1 for b in rows.values() if b.status == BookingStatus.WAITING)
    duplicates = (
        Booking.objects.filter(session=session, status__in=LIVE_STATUSES)
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    phantoms = []
    for answer in ok:
        payload = answer["payload"] or {}
        row = rows.get(answer["person"])
        if row is None or row.pk != payload.get("id") or row.status != payload.get("status"):
            phantoms.append(("told booked", answer["person"], payload.get("status")))
    for answer in refused + errors:
        if answer["person"] in rows:
            phantoms.append(("booked after an error", answer["person"], answer["status"]))
    overbooked = max(0, confirmed - session.capacity)
    if session.places_taken != holding:
        overbooked = max(overbooked, 1)
    return {
        "ok": len(ok),
        "refused": len(refused),
        "errors": len(errors),
        "other": other,
        "confirmed": confirmed,
        "waiting": waiting,
        "overbooked": overbooked,
        "duplicates": duplicates,
        "phantoms": len(phantoms),
        "error_samples": [a.get("error") or a.get("status") for a in errors[:3]],
        "refusal_samples": [(a["payload"] or {}).get("detail") for a in refused[:3]],
    }


def summary(r: dict) -> str:
    text = (
        f"{r['threads']} threads: {r['requests']} requests in {r['seconds']:.1f} s = "
        f"{r['rate']:.1f}/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, CPU ms/request: "
        f"server {r['cpu_ms']:.1f}, database {r['database_cpu_ms']:.1f}, client "
        f"{r['client_cpu_ms']:.1f}, all {r['total_cpu_ms']:.1f}; {r['ok']} booked "
        f"({r['confirmed']} confirmed, "
        f"{r['waiting']} waiting), {r['refused']} refused, {r['errors']} errors, "
        f"{r['overbooked']} overbooked, {r['duplicates']} duplicates, {r['phantoms']} phantoms"
    )
    if r["errors"]:
        text += f"; errors e.g. {r['error_samples']}"
    if r["refused"]:
        text += f"; refusals e.g. {r['refusal_samples']}"
    return text


def render(args, results: list[dict], version: str, shape: str, loads) -> str:
    info = machine()
    name = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    served = re.sub(r"^Serving Interagency on \S+ with ", "", shape).replace(
        " (Ctrl+C stops it)", ""
    )
    command = f".venv/bin/python benchmarks/race_http.py --database {args.database}"
    for option, value in (("--workers", args.workers), ("--server-threads", args.server_threads)):
        if value:
            command += f" {option} {value}"
    (before, after) = loads
    lines = [
        f"### {name}",
        "",
        f"Measured {datetime.date.today():%Y-%m-%d} on {git_revision()}. Machine: "
        f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python "
        f"{sys.version.split()[0]}, {version}. Server: {served}. Load average "
        f"(1 min) {before[0]:.1f} before, {after[0]:.1f} after.",
        "",
        f"Command: `{command}`",
        "",
        "| Threads | Requests | Seconds | Requests/s | p50 ms | p95 ms | CPU ms/request: server "
        "| database backends | client | all | Confirmed | Waiting | Refused (4xx) | Errors "
        "| Overbooked | Duplicates | Phantoms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['threads']} | {r['requests']} | {r['seconds']:.1f} | **{r['rate']:.1f}** "
            f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['cpu_ms']:.1f} | {r['database_cpu_ms']:.1f} "
            f"| {r['client_cpu_ms']:.1f} | {r['total_cpu_ms']:.1f} "
            f"| {r['confirmed']} "
            f"| {r['waiting']} | {r['refused']} | {r['errors']} | {r['overbooked']} "
            f"| {r['duplicates']} | {r['phantoms']} |"
        )
    race, single = results
    lines += [
        "",
        f"{race['threads']} threads against 1: {race['rate'] / single['rate']:.2f} times the rate.",
        "",
    ]
    return "\n".join(lines)


def write_block(report: Path, key: str, section: str) -> None:
    """Replace this database's block under "Booking race over HTTP", or add it."""
    heading = "## Booking race over HTTP"
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

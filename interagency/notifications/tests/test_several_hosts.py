"""Several machines on one PostgreSQL: two web servers and two outbox workers share only it.

Two ``interagency serve`` processes (as two web hosts behind the proxy would
be) take bookings for one session from learners who alternate between them,
and two ``interagency send-pending-mail --send`` processes (as two worker
hosts) send what the bookings queued. Nothing is shared but the database:
no place is given twice, no one holds two bookings, and every email goes
once. See "Several machines" in docs/deployment.md.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from interagency.accounts.models import AccessToken, User, hash_token
from interagency.core.permissions import Role
from interagency.delivery.models import LIVE_STATUSES, Booking, BookingStatus
from interagency.delivery.tests.factories import SessionFactory
from interagency.notifications.models import OutboxMessage
from interagency.notifications.tests.outbox_support import (
    LOOPBACK,
    WorkerDatabase,
    _free_port,
    finish,
    run_mail_server,
    start_worker,
)
from interagency.people.models import Person
from interagency.people.tests.factories import AgencyFactory
from interagency.tenancy.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

CAPACITY = 10
LEARNERS = 30
CLIENT_THREADS = 6
# Generous: two servers start Django on a busy machine.
SERVER_READY_WITHIN_SECONDS = 60
MAX_WORKER_ROUNDS = 10


@pytest.fixture
def mail_server():
    yield from run_mail_server()


def seed_learners(partnership, count: int) -> list[tuple[str, str]]:
    """``count`` learners with a person record and an access token: (email, token) each."""
    agency = AgencyFactory.create(partnership=partnership)
    users = User.objects.bulk_create(
        User(email=f"learner{n}@hosts.example", full_name=f"Learner {n}", password="!")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(partnership=partnership, user=user, role=Role.LEARNER) for user in users
    )
    Person.objects.bulk_create(
        Person(
            partnership=partnership,
            agency=agency,
            user=user,
            full_name=user.full_name,
            work_email=user.email,
        )
        for user in users
    )
    learners = []
    tokens = []
    for user in users:
        lookup, text = AccessToken.generate()
        tokens.append(
            AccessToken(user=user, name="hosts", lookup=lookup, token_hash=hash_token(text))
        )
        learners.append((user.email, text))
    AccessToken.objects.bulk_create(tokens)
    return learners


def start_server(environment: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    """``interagency serve`` with one worker process on a free port, in its own process group."""
    port = _free_port()
    command = [str(Path(sys.executable).parent / "interagency"), "serve"]
    command += ["--host", LOOPBACK, "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(
        command,
        env={**environment, "ALLOWED_HOSTS": "127.0.0.1,localhost"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    return process, port


def request(port: int, method: str, path: str, body=None, token=None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    client = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        client.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = client.getresponse()
        raw = response.read()
    finally:
        client.close()
    try:
        return response.status, json.loads(raw) if raw else {}
    except ValueError:
        return response.status, {}


def wait_until_serving(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + SERVER_READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server on port {port} stopped"
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server on port {port} never answered /healthz")


def stop(process: subprocess.Popen[str]) -> None:
    """Kill a process, and a server's Gunicorn worker with it (its own process group)."""
    if process.poll() is None:
        try:
            if os.getpgid(process.pid) == process.pid:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


def test_two_web_servers_and_two_workers_on_one_database(partnership, mail_server, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "several machines share one PostgreSQL database; SQLite is one machine only "
            "(run with DATABASE_URL=postgres://...)"
        )
    session = SessionFactory.create(partnership=partnership, capacity=CAPACITY)
    learners = seed_learners(partnership, LEARNERS)
    environment = WorkerDatabase(tmp_path).environment(mail_server)
    processes: list[subprocess.Popen[str]] = []
    try:
        servers = [start_server(environment) for _ in range(2)]
        processes += [process for process, _ in servers]
        for process, port in servers:
            wait_until_serving(process, port)
        ports = [port for _, port in servers]

        # Every learner books once; one after another they go to the other server.
        path = f"/api/v1/partnerships/{partnership.code}/bookings"
        answers: dict[str, int] = {}
        lock = threading.Lock()

        def book(share: list[tuple[int, tuple[str, str]]]) -> None:
            for index, (email, token) in share:
                status, _ = request(
                    ports[index % 2], "POST", path, {"session": session.pk}, token=token
                )
                with lock:
                    answers[email] = status

        numbered = list(enumerate(learners))
        clients = [
            threading.Thread(target=book, args=(numbered[k::CLIENT_THREADS],))
            for k in range(CLIENT_THREADS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=120)
        assert Counter(answers.values()) == {201: LEARNERS}

        # Two workers at a time until nothing is left to send.
        for _ in range(MAX_WORKER_ROUNDS):
            workers = [start_worker(WorkerDatabase(tmp_path), mail_server) for _ in range(2)]
            processes += workers
            for worker in workers:
                finish(worker)
            if not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists():
                break
    finally:
        for process in processes:
            stop(process)

    bookings = Booking.objects.filter(session=session)
    assert bookings.filter(status=BookingStatus.CONFIRMED).count() == CAPACITY
    assert bookings.filter(status=BookingStatus.WAITING).count() == LEARNERS - CAPACITY
    session.refresh_from_db()
    assert session.places_taken == CAPACITY
    twice = (
        bookings.filter(status__in=LIVE_STATUSES)
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()

    queued = Counter(OutboxMessage.objects.values_list("to_email", "subject"))
    assert Counter(OutboxMessage.objects.values_list("status", flat=True)) == {"sent": len(queued)}
    arrived = Counter(mail_server.messages)
    assert arrived == queued  # every queued message, each exactly once
    assert set(arrived.values()) == {1}
    # Each learner heard once about their booking (confirmed or waiting).
    assert Counter(mail_server.recipients) == {email: 1 for email, _ in learners}

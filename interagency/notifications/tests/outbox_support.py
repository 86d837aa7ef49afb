"""What the outbox tests share: a mail server that counts and can hold, real worker processes."""

import asyncio
import datetime
import email
import email.policy
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.services import Notice, queue_messages
from interagency.tenancy.models import Partnership

WORKER_TIMEOUT_SECONDS = 120
LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    # aiosmtpd cannot listen on port 0: ask the OS for a free one first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class CountingMailServer:
    """An aiosmtpd handler: each recipient in arrival order, each connection that sent mail.

    With ``hold`` set it keeps every message waiting (the client sees no reply)
    until ``hold`` is set by the test, as a slow or stuck server would.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.recipients: list[str] = []
        # Each message as (recipient, subject), in arrival order.
        self.messages: list[tuple[str, str]] = []
        self.connections: set[tuple[str, int]] = set()
        self.arrived = threading.Event()
        self.hold: threading.Event | None = None
        self._lock = threading.Lock()

    @property
    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": LOOPBACK, "port": self.port, "timeout": 20},
            }
        }

    @property
    def email_url(self) -> str:
        return f"smtp://{LOOPBACK}:{self.port}?timeout=20"

    def copies(self) -> Counter[str]:
        with self._lock:
            return Counter(self.recipients)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.recipients.append(str(message["To"]))
            self.messages.append((str(message["To"]), str(message["Subject"])))
            self.connections.add(session.peer)
        self.arrived.set()
        while self.hold is not None and not self.hold.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"


def run_mail_server() -> Iterator[CountingMailServer]:
    server = CountingMailServer(_free_port())
    controller = Controller(server, hostname=LOOPBACK, port=server.port)
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    controller.start()
    try:
        yield server
    finally:
        if server.hold is not None:
            server.hold.set()
        controller.stop()
        log.setLevel(level)


def queue_confirmations(partnership: Partnership, count: int, *, first: int = 0) -> None:
    """``count`` booking confirmations through the service, to person<n>@example.org."""
    notices = [
        Notice(
            to_email=f"person{n}@example.org",
            key=f"test:confirmed:{n}",
            context={"name": f"Person {n}", "course": "Safeguarding Essentials"},
        )
        for n in range(first, first + count)
    ]
    queue_messages(partnership=partnership, kind=MessageKind.BOOKING_CONFIRMED, notices=notices)


class WorkerDatabase:
    """The test's database as a separate process sees it: a file copy of SQLite's
    in-memory test database, or PostgreSQL's test database itself."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite_file = folder / "interagency.sqlite3"
        self.is_sqlite = connection.vendor == "sqlite"

    def environment(self, mail_server: CountingMailServer) -> dict[str, str]:
        environment = dict(os.environ)
        environment.update(
            DJANGO_SETTINGS_MODULE="interagency.settings_test",
            EMAIL_URL=mail_server.email_url,
            INTERAGENCY_DATA_DIR=str(self.folder),
        )
        if self.is_sqlite:
            environment.pop("DATABASE_URL", None)
        else:
            database = connection.settings_dict
            environment["DATABASE_URL"] = (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
                f"@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
            )
        return environment

    def hand_over(self) -> None:
        """Make what the test wrote visible to worker processes (SQLite: copy it to a file)."""
        if self.is_sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.sqlite_file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def statuses(self) -> Counter[str]:
        """How many messages are in each status, as the workers left them."""
        if self.is_sqlite:
            with sqlite3.connect(self.sqlite_file) as database:
                rows = database.execute(
                    "SELECT status, COUNT(*) FROM notifications_outboxmessage GROUP BY status"
                ).fetchall()
            return Counter(dict(rows))
        return Counter(OutboxMessage.objects.values_list("status", flat=True))


def start_worker(
    database: WorkerDatabase, mail_server: CountingMailServer, *, clock_ahead_seconds: int = 0
) -> subprocess.Popen[str]:
    """``interagency send-pending-mail --send`` in a process of its own; its clock
    ``clock_ahead_seconds`` ahead of this one's (as if it ran that much later).

    This process's clock, pinned or travelled as it may be, not the machine's:
    the worker compares the times this process wrote with its own.
    """
    start = timezone.now() + datetime.timedelta(seconds=clock_ahead_seconds)
    program = (
        "import datetime, sys, time_machine\n"
        "time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()\n"
        "from interagency.cli import main\n"
        "main(['interagency', 'send-pending-mail', '--send'])\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", program, start.isoformat()],
        env=database.environment(mail_server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(worker: subprocess.Popen[str]) -> str:
    """Wait for a worker; its output, or an AssertionError with its errors."""
    out, err = worker.communicate(timeout=WORKER_TIMEOUT_SECONDS)
    assert worker.returncode == 0, err
    return out


def sent_by(output: str) -> int:
    """The number the command reports as sent ("...; 12 email(s) sent.")."""
    return int(output.rsplit(";", 1)[1].split()[0])


def written(messages) -> list[OutboxMessage]:
    """``messages`` as the sender writes them just before sending them (booking emails are
    queued unwritten: kind, recipient and keys), stored on their rows."""
    from interagency.notifications.sending import write_messages

    found = list(messages)
    write_messages(found)
    return found

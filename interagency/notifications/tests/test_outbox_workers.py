"""Real worker processes on one database: each message sent once; a killed worker's sent later.

The workers are ``interagency send-pending-mail --send`` processes, each with
its own database connection, against SQLite (a file copy of the test
database) or PostgreSQL (the test database itself), and a real SMTP server.
"""

import os
import signal
import threading
import time

import pytest

from interagency.notifications.sending import BATCH_SIZE, DEFAULT_LEASE_SECONDS
from interagency.notifications.tests.outbox_support import (
    WorkerDatabase,
    finish,
    queue_confirmations,
    run_mail_server,
    sent_by,
    start_worker,
)

# Ticking: a worker started later must find its clock later too.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock(tick=True)]

# Generous: two processes start Django on a busy machine before the first email.
WORKERS_MEET_WITHIN_SECONDS = 180


@pytest.fixture
def mail_server():
    yield from run_mail_server()


@pytest.fixture
def database(tmp_path) -> WorkerDatabase:
    return WorkerDatabase(tmp_path)


def wait_for(condition, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the workers never got that far"
        time.sleep(0.05)


def test_two_workers_on_one_database_send_each_message_exactly_once(
    partnership, mail_server, database
):
    queue_confirmations(partnership, 300)
    database.hand_over()
    # The server holds every message until both workers have one on the way, so
    # both are sure to be claiming from the same queue at the same time.
    mail_server.hold = threading.Event()
    workers = [start_worker(database, mail_server) for _ in range(2)]
    wait_for(lambda: len(mail_server.connections) == 2, seconds=WORKERS_MEET_WITHIN_SECONDS)
    mail_server.hold.set()
    sent = [sent_by(finish(worker)) for worker in workers]

    assert all(count > 0 for count in sent)  # both took part
    assert sum(sent) == 300
    copies = mail_server.copies()
    assert len(copies) == 300
    assert set(copies.values()) == {1}
    assert database.statuses() == {"sent": 300}


def test_a_worker_killed_mid_send_has_its_messages_sent_once_its_lease_has_passed(
    partnership, mail_server, database
):
    queue_confirmations(partnership, 150)
    database.hand_over()
    mail_server.hold = threading.Event()  # the first email never gets its reply
    doomed = start_worker(database, mail_server)
    assert mail_server.arrived.wait(WORKERS_MEET_WITHIN_SECONDS)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    mail_server.hold.set()
    (first,) = mail_server.recipients
    # The killed worker's batch is still claimed; the rest waits for a sender.
    assert database.statuses() == {"sending": BATCH_SIZE, "pending": 150 - BATCH_SIZE}

    # Another worker straight away sends what was never claimed, not the claimed batch.
    assert sent_by(finish(start_worker(database, mail_server))) == 150 - BATCH_SIZE
    assert database.statuses() == {"sending": BATCH_SIZE, "sent": 150 - BATCH_SIZE}

    # Within a minute of the kill (the lease has passed), the next run sends the batch.
    later = start_worker(database, mail_server, clock_ahead_seconds=DEFAULT_LEASE_SECONDS + 5)
    assert sent_by(finish(later)) == BATCH_SIZE
    assert database.statuses() == {"sent": 150}
    copies = mail_server.copies()
    assert len(copies) == 150  # none lost
    # The one the server had when the worker died went twice; every other once.
    assert copies.pop(first) == 2
    assert set(copies.values()) == {1}

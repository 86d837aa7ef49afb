"""Time the email outbox: emails per second to a local SMTP server, one connection each or batched.

    .venv/bin/python benchmarks/outbox_mail.py --database sqlite --emails 1000
    .venv/bin/python benchmarks/outbox_mail.py --database postgres

Queues N booking confirmations through the real service on a fresh database,
then sends them to an aiosmtpd server on loopback twice over: one claim and
one SMTP connection per message (how the sender worked before batches), and
``send_due_messages`` (claims of ``BATCH_SIZE``, 50 a connection). Prints the
figures; docs/performance.md's "Email outbox" section quotes them.
"""

import argparse
import logging
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import drop_postgres_database, set_up_fresh_database
from run import POSTGRES_SERVER  # benchmarks/run.py

BENCH_DATABASE = "interagency_bench_outbox"
LOOPBACK = "127.0.0.1"


class Receiver:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def queue(partnership, emails: int, run: str) -> list[int]:
    from interagency.notifications.models import MessageKind, OutboxMessage
    from interagency.notifications.services import Notice, queue_messages

    notices = [
        Notice(
            to_email=f"person{n}@example.org",
            key=f"bench:{run}:{n}",
            context={"name": f"Person {n}", "course": "Safeguarding Essentials"},
        )
        for n in range(emails)
    ]
    queue_messages(partnership=partnership, kind=MessageKind.BOOKING_CONFIRMED, notices=notices)
    return list(
        OutboxMessage.objects.filter(key__startswith=f"bench:{run}:")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, help="Claims of this many (BATCH_SIZE).")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    args = parser.parse_args()
    version = set_up_fresh_database(
        database=args.database,
        postgres_server=args.postgres_server,
        postgres_name=BENCH_DATABASE,
        prefix="interagency-outbox-bench-",
    )
    from aiosmtpd.controller import Controller
    from django.test.utils import override_settings

    from interagency.notifications.sending import send_due_messages, send_outbox_message
    from interagency.tenancy.tests.factories import PartnershipFactory

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    receiver, port = Receiver(), free_port()
    controller = Controller(receiver, hostname=LOOPBACK, port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": LOOPBACK, "port": port, "timeout": 10},
        }
    }
    try:
        with override_settings(MAILERS=mailers):
            partnership = PartnershipFactory()
            ids = queue(partnership, args.emails, "one-each")
            started = time.perf_counter()
            for message_id in ids:
                send_outbox_message(message_id)
            one_each = args.emails / (time.perf_counter() - started)
            queue(partnership, args.emails, "batched")
            started = time.perf_counter()
            sent = send_due_messages(**({"batch_size": args.batch_size} if args.batch_size else {}))
            batched = sent / (time.perf_counter() - started)
    finally:
        controller.stop()
        if args.database == "postgres":
            drop_postgres_database(args.postgres_server, BENCH_DATABASE)
    assert receiver.count == 2 * args.emails, receiver.count
    print(f"{version}, {args.emails} emails to aiosmtpd on loopback")
    print(f"one connection per message: {one_each:7.1f} emails/s")
    print(f"batched (50 a connection): {batched:7.1f} emails/s")


if __name__ == "__main__":
    main()

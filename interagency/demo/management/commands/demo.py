"""Create or migrate the demo database, load demo data, print logins and serve."""

import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from interagency.demo.seeding import DEMO_ACCOUNTS, load_demo


class Command(BaseCommand):
    help = "Start the demo: SQLite database, demo data, production server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the demo and exit without serving."
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        password = self._password()
        load_demo(password=password)
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(self.style.SUCCESS(f"Interagency demo ready (database: {database})"))
        self.stdout.write(f"\n  Open http://{host}:{port}/ and sign in as any of:\n")
        for local_part, _name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"    {role.label:<22} {local_part}@demo.interagency.test")
        self.stdout.write(f"\n  Password for every demo account: {password}\n")
        self.stdout.write(
            "  Two-factor sign-in is not enforced in the demo; in production coordinators must "
            "set it up.\n  Emails (password reset, bookings) are printed here instead of being "
            "sent.\n"
        )
        if not no_serve:
            # The background worker sends the booking emails (printed here) beside the server.
            worker = start_worker()
            try:
                call_command("serve", host=host, port=port)
            finally:
                worker.terminate()
                worker.wait(timeout=30)

    def _password(self) -> str:
        """INTERAGENCY_DEMO_PASSWORD, or a random one kept beside the database."""
        if os.environ.get("INTERAGENCY_DEMO_PASSWORD"):
            return os.environ["INTERAGENCY_DEMO_PASSWORD"]
        stored = settings.DATA_DIR / "demo_password"
        if not stored.exists():
            stored.write_text(secrets.token_urlsafe(12))
            stored.chmod(0o600)
        return stored.read_text().strip()


def start_worker() -> subprocess.Popen:
    """``interagency db_worker`` in a child process with the demo's environment."""
    return subprocess.Popen([sys.executable, "-m", "interagency.cli", "db_worker"])

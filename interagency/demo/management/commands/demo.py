"""Create or migrate the demo database, load demo data, print logins and serve."""

import os
import secrets
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from interagency.cli import DEMO_HOST, DEMO_PORT
from interagency.core.static_files import collect_static_if_changed
from interagency.demo.loaded import demo_data_is_loaded, forget_demo_data, remember_demo_data
from interagency.demo.processes import ProcessGroup, can_fork, interagency
from interagency.demo.schema import forget_schema, remember_schema, schema_is_current
from interagency.demo.static_storage import demo_static_storage, static_files_unchanged
from interagency.demo.steps import Collecting, Outcome
from interagency.demo.warm import warm_up

# Exit statuses of the child collecting static files beside the migration.
STATIC_UNCHANGED = 0
STATIC_COLLECTED = 3


class Command(BaseCommand):
    help = "Start the demo: SQLite database, demo data, production server and worker."
    # The demo's settings are fixed (cli.demo_environment) and `./run test` runs
    # the checks on every change: here they would only delay every start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=DEMO_HOST)
        parser.add_argument("--port", type=int, default=DEMO_PORT)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Web server processes (default: two per CPU core plus one).",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the demo and exit without serving."
        )

    def handle(self, *args, host: str, port: int, workers, no_serve: bool, **options):
        with ProcessGroup() as group:
            collecting = self._start_collecting_static(group)
            with self.step(self._migrating_title(collecting)) as report:
                report(self._migrate())
            self._finish_collecting_static(group, collecting)
            if no_serve:
                self._load_demo_data()
                return
            self._serve(group, host, port, workers)

    @staticmethod
    def _migrating_title(collecting: Collecting | None) -> str:
        title = "Migrating the database"
        return title if collecting is None else f"{title} (static files are collected beside it)"

    def _migrate(self) -> str:
        """Migrate when the migration files or the database changed since the last start."""
        if schema_is_current():
            return "already up to date"
        forget_schema()
        if not migrations_pending():
            remember_schema()
            return "already up to date"
        forget_demo_data()  # a migration may change what the demo data needs
        call_command("migrate", interactive=False, verbosity=0)
        remember_schema()
        return "migrated"

    def _start_collecting_static(self, group: ProcessGroup) -> Collecting | None:
        """A child collecting the static files while this process migrates (where fork exists).

        The two share nothing (collectstatic never opens the database), and
        compressing the files takes about as long as a first migrate: side by
        side, on two cores, the first start is shorter by up to that much.
        WhiteNoise lists the static files as each web worker starts, so the
        server starts only once the child is done.
        """
        if not can_fork() or static_files_unchanged():
            return None  # collected here, after the migration (at once when unchanged)
        connections.close_all()  # no database connection may be shared with the child
        started = time.monotonic()
        finished_read, finished_write = os.pipe()

        def collect() -> int:
            os.close(finished_read)
            # Yield to the migration, the longer of the two: WhiteNoise compresses with a
            # thread per core and more, and on a busy machine the demo's processes share
            # one slice of it (Linux groups a terminal's processes), so at equal priority
            # the migration took twice as long. Lowered, this child takes what is spare.
            os.nice(10)
            with demo_static_storage():
                collected = collect_static_if_changed()
            # The monotonic clock is the machine's: the demo reads when this ended.
            os.write(finished_write, str(time.monotonic()).encode())
            return STATIC_COLLECTED if collected else STATIC_UNCHANGED

        child = group.fork(collect)
        os.close(finished_write)
        return Collecting(child, started, finished_read)

    def _finish_collecting_static(self, group: ProcessGroup, collecting: Collecting | None):
        with self.step("Collecting static files") as report:
            if collecting is None:
                with demo_static_storage():
                    collected = collect_static_if_changed()
            else:
                status = collecting.child.wait()
                group.children.remove(collecting.child)
                report.started, report.finished = collecting.started, collecting.finished()
                if status not in {STATIC_COLLECTED, STATIC_UNCHANGED}:
                    raise CommandError(
                        f"Collecting the static files failed (status {status}): see above."
                    )
                collected = status == STATIC_COLLECTED
            if collected:
                report("collected and compressed")
            else:
                report("unchanged since the last start, not collected again")

    def _serve(self, group: ProcessGroup, host: str, port: int, workers: int | None) -> None:
        """The server boots while the demo data loads; the worker starts once pages answer."""
        serve = ["serve", "--host", host, "--port", str(port), "--skip-checks"]
        if workers is not None:
            serve += ["--workers", str(workers)]
        self.stdout.write("==> Starting the web server")
        self.stdout.flush()
        if can_fork():
            # No database connection may be shared with the child.
            connections.close_all()

            def warm_and_serve() -> None:
                # The server's workers are forked from this child: what it warms, they share.
                warm_up(settings.SITE_URL)
                call_command(*serve)

            group.fork(warm_and_serve)
        else:
            group.start(interagency(*serve))
        self._load_demo_data()
        with self.step("Waiting for the web server to answer"):
            answering = group.wait_until_answering(f"{_loopback_url(host, port)}/healthz")
        if not answering:
            raise CommandError(
                "The web server stopped before it answered: see its message above (is port "
                f"{port} already in use? Try --port)."
            )
        # The worker sends the booking emails (printed here) beside the server.
        group.start(interagency("db_worker", "--skip-checks"))
        self._print_ready()
        status = group.wait()
        raise CommandError(f"The demo stopped: its server or worker exited with status {status}.")

    def _load_demo_data(self) -> None:
        with self.step("Loading the demo data") as report:
            password = self._password()
            if demo_data_is_loaded(password):
                report("unchanged since the last start, not loaded again")
            else:
                from interagency.demo.seeding import load_demo  # only when loading: seconds

                forget_demo_data()  # a load cut short must not pass for a complete one
                load_demo(password=password)
                remember_demo_data(password)
        self._print_logins(password)

    @contextmanager
    def step(self, title: str):
        """Say what is happening, then how long it took (and what came of it).

        The block is given a ``report(outcome)`` function; its ``started`` and
        ``finished`` may be set to time work done in a child beside other steps.
        """
        self.stdout.write(f"==> {title}")
        self.stdout.flush()
        outcome = Outcome(time.monotonic())
        yield outcome
        elapsed = (outcome.finished or time.monotonic()) - outcome.started
        detail = f": {outcome.said[-1]}" if outcome.said else ""
        self.stdout.write(f"    done in {elapsed:.1f} s{detail}")
        self.stdout.flush()

    def _print_logins(self, password: str) -> None:
        from interagency.demo.seeding import DEMO_ACCOUNTS

        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(self.style.SUCCESS(f"\nInteragency demo prepared (database: {database})"))
        self.stdout.write("\n  Sign in as any of:\n")
        for local_part, _name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"    {role.label:<22} {local_part}@demo.interagency.test")
        self.stdout.write(f"\n  Password for every demo account: {password}\n")
        self.stdout.write(
            "  Two-factor sign-in is not enforced in the demo; in production coordinators must "
            "set it up.\n  Emails (password reset, bookings) are printed here instead of being "
            f"sent; their links point to {settings.SITE_URL}/.\n"
        )
        self.stdout.flush()

    def _print_ready(self) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"\nInteragency demo ready: open {settings.SITE_URL}/")
            + " (Ctrl+C stops the server and the worker)\n"
        )
        self.stdout.flush()

    def _password(self) -> str:
        """INTERAGENCY_DEMO_PASSWORD, or a random one kept beside the database."""
        if os.environ.get("INTERAGENCY_DEMO_PASSWORD"):
            return os.environ["INTERAGENCY_DEMO_PASSWORD"]
        stored = settings.DATA_DIR / "demo_password"
        if not stored.exists():
            stored.write_text(secrets.token_urlsafe(12))
            stored.chmod(0o600)
        return stored.read_text().strip()


def migrations_pending() -> bool:
    """Whether migrate has work to do (a no-op migrate still spends seconds on its signals)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _loopback_url(host: str, port: int) -> str:
    """Where this machine reaches the server: a wildcard address is reached on loopback."""
    if host in {"", "0.0.0.0"}:  # noqa: S104
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

"""Serve Interagency with a production server: Gunicorn's worker processes.

Gunicorn runs several processes, so one slow page never holds up everyone
else; Waitress (threads in one process) remains for where Gunicorn cannot run
(Windows). See docs/decisions/0014-gunicorn-worker-processes.md.
"""

import os
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def cores() -> int:
    """The CPUs this process may use (a container's or taskset's limit, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def count_from(option: str, given: int | None, variable: str, default: int) -> int:
    """A number of processes or threads: the option, else the variable, else the default."""
    if given is None:
        raw = os.environ.get(variable, "").strip()
        if not raw:
            return default
        if not raw.isdigit():
            raise CommandError(f"{variable}={raw!r} is not a whole number (it sets {option}).")
        given = int(raw)
    if given < 1:
        raise CommandError(f"{option} must be 1 or more, not {given}.")
    return given


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Command(BaseCommand):
    help = "Serve the application with the production WSGI server (Gunicorn worker processes)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            help="Worker processes (default: WEB_CONCURRENCY, else two per CPU core plus one).",
        )
        parser.add_argument(
            "--threads", type=int, help="Threads in each worker (default: THREADS, else 4)."
        )

    def handle(self, *args, host: str, port: int, **options):
        workers = count_from("--workers", options["workers"], "WEB_CONCURRENCY", 2 * cores() + 1)
        threads = count_from("--threads", options["threads"], "THREADS", 4)
        # Imported once here, the pages are shared by every worker forked below, and
        # no worker's first request waits for them.
        import_module(settings.ROOT_URLCONF)
        # Workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        try:
            from gunicorn.app.base import BaseApplication  # noqa: F401 (Unix only)
        except ImportError:
            self._serve_with_waitress(host, port, workers * threads)
            return
        self.stdout.write(
            f"Serving Interagency on http://{bind_address(host, port)}/ with {workers} worker "
            f"processes of {threads} threads (Ctrl+C stops it)"
        )
        self.stdout.flush()
        run_gunicorn(
            bind=bind_address(host, port),
            workers=workers,
            worker_class="gthread",
            threads=threads,
            timeout=120,
            graceful_timeout=30,
            # A worker is replaced after this many requests, so no leak grows without end.
            max_requests=2000,
            max_requests_jitter=200,
            proc_name="interagency",
            errorlog="-",
            # One server per data folder, several per machine (demo, tests): no shared socket.
            control_socket_disable=True,
        )

    def _serve_with_waitress(self, host: str, port: int, threads: int) -> None:
        from waitress import serve

        from interagency.wsgi import application

        self.stdout.write(
            f"Serving Interagency on http://{bind_address(host, port)}/ with Waitress, one "
            f"process of {threads} threads (Gunicorn is not available here; Ctrl+C stops it)"
        )
        serve(application, host=host, port=port, threads=threads, ident="Interagency")


def run_gunicorn(**config: Any) -> None:
    """Run Gunicorn's arbiter here; each worker loads the application after it is forked."""
    from gunicorn.app.base import BaseApplication

    class InteragencyServer(BaseApplication):
        def load_config(self) -> None:
            assert self.cfg is not None
            for name, value in config.items():
                # Settings newer than the installed Gunicorn (the control socket) are skipped.
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def load(self):
            from interagency.wsgi import application

            return application

    InteragencyServer().run()

"""A fresh database for a benchmark: settings, the SQLite directory or PostgreSQL database, Django.

The set-up the benchmarks share: environment settings for measuring (no
debug, emails kept in memory, quiet logs), SQLite in a temporary directory or
a PostgreSQL database dropped and created afresh, then ``django.setup()`` and
the migrations; and the planner statistics a benchmark gathers after loading
its data.
"""

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# The checkout whose ``interagency`` package is measured.
ROOT = Path(__file__).resolve().parents[1]

# The settings a measurement runs with (the database and directories are added).
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "interagency.settings",
    "INTERAGENCY_TESTING": "1",
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-key-not-used-anywhere-else-0123456789",
    "ALLOWED_HOSTS": "testserver,localhost",  # the test Client's host
    "EMAIL_URL": "locmem://",
    "LOG_LEVEL": "WARNING",
}


def recreate_postgres_database(server: str, name: str) -> str:
    """Drop and create the database ``name`` on ``server``; its URL."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def drop_postgres_database(server: str, name: str) -> None:
    """Drop the database ``name`` on ``server`` (closing this process's connection first)."""
    import psycopg
    from django.db import connection

    connection.close()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def set_up_fresh_database(
    *,
    database: str,
    postgres_server: str,
    postgres_name: str,
    prefix: str,
    keep_in: str = "",
    reuse: bool = False,
) -> str:
    """Configure and set up Django on a fresh, migrated database; the database's version.

    ``database`` is "sqlite" (a file in a temporary directory, removed when
    the process ends) or "postgres" (``postgres_name`` on ``postgres_server``,
    dropped and recreated). ``keep_in`` names a directory kept afterwards (the SQLite
    file's), and ``reuse`` leaves an existing database as it is and only migrates it:
    a county seed takes minutes, so one seed serves several measurements.
    """
    sys.path.insert(0, str(ROOT))
    if keep_in:
        workdir = keep_in
        Path(workdir).mkdir(parents=True, exist_ok=True)
        shutil.rmtree(Path(workdir) / "static", ignore_errors=True)
        if not reuse:
            for old in Path(workdir).glob("interagency.sqlite3*"):
                old.unlink()
    else:
        workdir = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ.update(
        {
            **SETTINGS,
            "INTERAGENCY_DATA_DIR": workdir,
            "STATIC_ROOT": str(Path(workdir) / "static"),
        }
    )
    # An existing STATIC_ROOT, so WhiteNoise does not warn on every request.
    (Path(workdir) / "static").mkdir()
    if database == "postgres" and reuse:
        os.environ["DATABASE_URL"] = f"{postgres_server}/{postgres_name}"
    elif database == "postgres":
        os.environ["DATABASE_URL"] = recreate_postgres_database(postgres_server, postgres_name)
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return database_version()


def gather_planner_statistics() -> float:
    """Run ``ANALYZE`` on the whole database, as after a bulk load; the seconds it took.

    Without it PostgreSQL plans on guessed row counts: this server runs with
    autovacuum off, whereas production's autovacuum analyses the tables soon
    after a bulk load, so pages are timed with the statistics production has.
    SQLite gets ``ANALYZE`` too (its planner reads ``sqlite_stat1``), although
    the app's SQLite settings run neither ``ANALYZE`` nor ``PRAGMA optimize``,
    so a SQLite deployment has statistics only if someone gathers them.
    """
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def database_version() -> str:
    """The database's name and server version, as the report states it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"

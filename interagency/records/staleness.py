"""Database triggers that delete a person's stored compliance standing when its inputs change.

A person's worst status depends on their person row (role, agency, start and
leaving dates, merging), their further posts, their training records, their
bookings and the sessions those bookings are on. Writes to those tables come
from several apps and in bulk (the people import's ``COPY``, a session's
cancellation ending every booking with one ``UPDATE``), so no service could be
trusted to remember; a trigger on each table deletes the standing of every
person a changed row names, in the writer's own transaction. A standing row
present is therefore exact for its day; a missing one is ranked live.

SQLite drops a table's triggers when a migration rebuilds the table, so
``ensure_triggers`` (run by the migration that adds them and after every
``migrate``) creates any that are missing; PostgreSQL keeps them.
"""

from collections.abc import Callable, Iterable

from django.db.backends.base.base import BaseDatabaseWrapper

MIGRATION = "0005_compliance_standings"  # the migration that adds the table
STANDING = "records_compliancestanding"
# Each table whose rows name a person, and the column naming them.
PERSON_COLUMNS = (
    ("records_trainingrecord", "person_id"),
    ("delivery_booking", "person_id"),
    ("people_post", "person_id"),
    ("people_person", "id"),
)
SESSION = "delivery_session"
# A session's columns the statuses read: its status, its end and its course.
SESSION_COLUMNS = ("status", "ends_at", "course_id")
BOOKED_ON_SESSION = (
    f"DELETE FROM {STANDING} WHERE person_id IN "  # noqa: S608 (table names are ours)
    "(SELECT person_id FROM delivery_booking WHERE session_id = NEW.id)"
)


def sqlite_triggers() -> dict[str, str]:
    """Trigger name to its ``CREATE TRIGGER IF NOT EXISTS`` statement."""
    found = {}
    for table, column in PERSON_COLUMNS:
        for suffix, event, people in (
            ("ai", "INSERT", f"= NEW.{column}"),
            ("au", "UPDATE", f"IN (OLD.{column}, NEW.{column})"),
            ("ad", "DELETE", f"= OLD.{column}"),
        ):
            name = f"{table}_standing_{suffix}"
            delete = f"DELETE FROM {STANDING} WHERE person_id {people}"  # noqa: S608 (ours)
            found[name] = f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
            found[name] += f"BEGIN {delete}; END"
    name = f"{SESSION}_standing_au"
    found[name] = (
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER UPDATE OF {', '.join(SESSION_COLUMNS)} "
        f"ON {SESSION} BEGIN {BOOKED_ON_SESSION}; END"
    )
    return found


POSTGRES_FUNCTIONS = [
    # TG_ARGV[0] names the column naming the person (one function for every table).
    f"""
CREATE OR REPLACE FUNCTION records_standing_stale() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM {STANDING} WHERE person_id = (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    DELETE FROM {STANDING} WHERE person_id = (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",  # noqa: S608 (table names are ours)
    f"""
CREATE OR REPLACE FUNCTION records_standing_stale_session() RETURNS trigger AS $$
BEGIN
  IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SESSION_COLUMNS)} THEN
    {BOOKED_ON_SESSION};
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
]


def postgres_triggers() -> dict[str, str]:
    """Trigger name to its ``CREATE OR REPLACE TRIGGER`` statement."""
    found = {
        f"{table}_standing": (
            f"CREATE OR REPLACE TRIGGER {table}_standing "
            f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION records_standing_stale('{column}')"
        )
        for table, column in PERSON_COLUMNS
    }
    found[f"{SESSION}_standing"] = (
        f"CREATE OR REPLACE TRIGGER {SESSION}_standing AFTER UPDATE ON {SESSION} "
        "FOR EACH ROW EXECUTE FUNCTION records_standing_stale_session()"
    )
    return found


def migration_applied(connection: BaseDatabaseWrapper, name: str) -> bool:
    """Whether the records migration ``name`` has run on this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'records' AND name = %s", [name]
        )
        return cursor.fetchone() is not None


def run_for_vendor(
    connection: BaseDatabaseWrapper, *, postgresql: Iterable[str], sqlite: Iterable[str]
) -> None:
    """Execute this database's statements of a trigger set, in order."""
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(connection.vendor, ())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_sqlite_triggers(
    connection: BaseDatabaseWrapper,
    *,
    migration: str,
    names: list[str],
    install: Callable[[BaseDatabaseWrapper], None],
) -> bool:
    """Put back a SQLite trigger set a table's rebuild dropped (once ``migration`` made
    it); True if one of ``names`` was missing. PostgreSQL keeps its triggers."""
    if connection.vendor != "sqlite" or not migration_applied(connection, migration):
        return False
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(names))
        cursor.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608
            names,
        )
        if len(cursor.fetchall()) == len(names):
            return False
    install(connection)
    return True


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) every trigger on this database."""
    run_for_vendor(
        connection,
        postgresql=[*POSTGRES_FUNCTIONS, *postgres_triggers().values()],
        sqlite=sqlite_triggers().values(),
    )


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    """Remove them (the migration's reverse)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, _column in PERSON_COLUMNS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_standing ON {table}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {SESSION}_standing ON {SESSION}")
            cursor.execute("DROP FUNCTION IF EXISTS records_standing_stale()")
            cursor.execute("DROP FUNCTION IF EXISTS records_standing_stale_session()")
        elif connection.vendor == "sqlite":
            for name in sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def ensure_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Put back any SQLite trigger a table's rebuild dropped; True if one was missing."""
    return restore_sqlite_triggers(
        connection, migration=MIGRATION, names=list(sqlite_triggers()), install=install_triggers
    )

"""Year-end compliance kept exact: triggers that drop a partnership's stored year ends.

A closed financial year's compliance is counted as at its last day (31 March)
from today's rows: people's roles and dates, their records (a late import
dated in that year), their bookings and the sessions booked. So the stored
counts of a year end (``models.YearEndCount``) stay right only while no such
row of the partnership changes. A trigger on each table the ranking reads
(``staleness.PERSON_COLUMNS`` and the session's columns, as for the daily
standings) deletes the partnership's ``YearEndRefresh`` rows, in the writer's
transaction, whatever wrote; the next ``refresh-compliance`` counts them again,
and until then the year is ranked live. Both the changed row's partnership and
its person's are named: a regional booking belongs to the session's
partnership, the person to theirs. Decision 0036.

SQLite drops a table's triggers when a migration rebuilds it, so
``ensure_triggers`` puts missing ones back after every ``migrate``.
"""

import datetime

from django.db.backends.base.base import BaseDatabaseWrapper

from interagency.records import staleness
from interagency.records.staleness import PERSON_COLUMNS, SESSION, SESSION_COLUMNS

MIGRATION = "0007_year_end_standings"
REFRESH = "records_yearendrefresh"
PERSON = "people_person"


def last_year_end(today: datetime.date) -> datetime.date:
    """The last day of the newest financial year (April to March) ended before ``today``."""
    this_year = datetime.date(today.year, 3, 31)
    return this_year if today > this_year else datetime.date(today.year - 1, 3, 31)


def stale_partnerships(row: str, column: str) -> str:
    """The DELETE dropping the year ends of ``row``'s partnership and its person's."""
    return (
        f"DELETE FROM {REFRESH} WHERE partnership_id = {row}.partnership_id "  # noqa: S608 (ours)
        f"OR partnership_id = (SELECT partnership_id FROM {PERSON} WHERE id = {row}.{column})"
    )


BOOKED_ON_SESSION = (
    f"DELETE FROM {REFRESH} WHERE partnership_id = NEW.partnership_id "  # noqa: S608 (ours)
    f"OR partnership_id IN (SELECT p.partnership_id FROM delivery_booking b "
    f"JOIN {PERSON} p ON p.id = b.person_id WHERE b.session_id = NEW.id)"
)


def sqlite_triggers() -> dict[str, str]:
    """Trigger name to its ``CREATE TRIGGER IF NOT EXISTS`` statement."""
    found = {}
    for table, column in PERSON_COLUMNS:
        for suffix, event, rows in (
            ("ai", "INSERT", ("NEW",)),
            ("au", "UPDATE", ("OLD", "NEW")),
            ("ad", "DELETE", ("OLD",)),
        ):
            name = f"{table}_year_end_{suffix}"
            body = "; ".join(stale_partnerships(row, column) for row in rows)
            found[name] = f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
            found[name] += f"BEGIN {body}; END"
    name = f"{SESSION}_year_end_au"
    found[name] = (
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER UPDATE OF {', '.join(SESSION_COLUMNS)} "
        f"ON {SESSION} BEGIN {BOOKED_ON_SESSION}; END"
    )
    return found


def json_row(row: str, column: str) -> str:
    """``stale_partnerships`` for PL/pgSQL, the column named by the trigger's argument."""
    return (
        f"DELETE FROM {REFRESH} WHERE partnership_id = "  # noqa: S608 (ours)
        f"(to_jsonb({row}) ->> 'partnership_id')::bigint OR partnership_id = "
        f"(SELECT partnership_id FROM {PERSON} WHERE id = (to_jsonb({row}) ->> {column})::bigint)"
    )


POSTGRES_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION records_year_end_stale() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    {json_row("OLD", "TG_ARGV[0]")};
  END IF;
  IF TG_OP <> 'DELETE' THEN
    {json_row("NEW", "TG_ARGV[0]")};
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    f"""
CREATE OR REPLACE FUNCTION records_year_end_stale_session() RETURNS trigger AS $$
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
        f"{table}_year_end": (
            f"CREATE OR REPLACE TRIGGER {table}_year_end "
            f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION records_year_end_stale('{column}')"
        )
        for table, column in PERSON_COLUMNS
    }
    found[f"{SESSION}_year_end"] = (
        f"CREATE OR REPLACE TRIGGER {SESSION}_year_end AFTER UPDATE ON {SESSION} "
        "FOR EACH ROW EXECUTE FUNCTION records_year_end_stale_session()"
    )
    return found


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) every year-end trigger on this database."""
    staleness.run_for_vendor(
        connection,
        postgresql=[*POSTGRES_FUNCTIONS, *postgres_triggers().values()],
        sqlite=sqlite_triggers().values(),
    )


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    """Remove them (the migration's reverse)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in postgres_triggers():
                table = SESSION if name.startswith(SESSION) else name.removesuffix("_year_end")
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS records_year_end_stale()")
            cursor.execute("DROP FUNCTION IF EXISTS records_year_end_stale_session()")
        elif connection.vendor == "sqlite":
            for name in sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def ensure_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Put back any SQLite year-end trigger a table's rebuild dropped; True if one was."""
    return staleness.restore_sqlite_triggers(
        connection, migration=MIGRATION, names=list(sqlite_triggers()), install=install_triggers
    )

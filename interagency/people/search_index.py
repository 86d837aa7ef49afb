"""The index people are searched by: names and work emails, on either database.

A search is a list of words (``search_words``); a person matches when every
word begins one of the words of their name or work email ("jo" finds
"Jo Smith", "Joanne Ray" and "ray.jones@nhs.example", not "Ojo"). A word is
a run of letters and digits; anything else separates words and is otherwise
ignored, so a search of only punctuation narrows nothing.

- SQLite: an FTS5 table, ``people_person_search``, whose rows are the
  people's names and emails under the person's id (an external-content table
  over ``people_person``), kept in step by triggers on that table; a word is
  searched as a prefix (``"jo"*``).
- PostgreSQL: a GIN trigram index (``pg_trgm``) on the lower-cased name and
  email joined by a space; each word is a ``LIKE '%jo%'`` the index answers,
  checked by a regular expression that the match begins a word.

The migration ``people.0010_person_search_index`` creates both, each only on
its own database. A later migration that rebuilds ``people_person`` on SQLite
(Django does for some field changes) drops the triggers with the old table:
``ensure_sqlite_index`` runs after every ``migrate`` and, once that migration is
applied, puts back whatever is missing, rebuilding the index from the table when
it had to (migrating back before it leaves the index dropped).
"""

import re

from django.db.backends.base.base import BaseDatabaseWrapper

# At most this many words, each cut to this length: a search of any length is
# answered, and a longer word still begins the same words.
MAX_WORDS = 8
MAX_WORD_LENGTH = 60

_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` a search looks for (letters and digits only)."""
    words: list[str] = []
    for found in _WORD.finditer(text or ""):
        word = found.group().lower()[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) == MAX_WORDS:
            break
    return words


# SQLite: FTS5 -------------------------------------------------------------------------

MIGRATION = "0010_person_search_index"  # the migration that creates the index
SQLITE_TABLE = "people_person_search"
SQLITE_TRIGGERS = ("people_person_search_ai", "people_person_search_ad", "people_person_search_au")

# Case is folded (as PostgreSQL's LOWER does); accents are kept (LOWER keeps them).
SQLITE_CREATE_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS people_person_search USING fts5(
    full_name, work_email, content='people_person', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
)
"""
SQLITE_CREATE_TRIGGERS = [
    """
CREATE TRIGGER IF NOT EXISTS people_person_search_ai AFTER INSERT ON people_person BEGIN
    INSERT INTO people_person_search(rowid, full_name, work_email)
    VALUES (new.id, new.full_name, new.work_email);
END
""",
    """
CREATE TRIGGER IF NOT EXISTS people_person_search_ad AFTER DELETE ON people_person BEGIN
    INSERT INTO people_person_search(people_person_search, rowid, full_name, work_email)
    VALUES ('delete', old.id, old.full_name, old.work_email);
END
""",
    """
CREATE TRIGGER IF NOT EXISTS people_person_search_au
AFTER UPDATE OF full_name, work_email ON people_person BEGIN
    INSERT INTO people_person_search(people_person_search, rowid, full_name, work_email)
    VALUES ('delete', old.id, old.full_name, old.work_email);
    INSERT INTO people_person_search(rowid, full_name, work_email)
    VALUES (new.id, new.full_name, new.work_email);
END
""",
]
SQLITE_REBUILD = "INSERT INTO people_person_search(people_person_search) VALUES ('rebuild')"
# The people whose name or email matches an FTS5 query (one parameter).
SQLITE_MATCHING_IDS = "SELECT rowid FROM people_person_search WHERE people_person_search MATCH %s"
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS people_person_search_ai",
    "DROP TRIGGER IF EXISTS people_person_search_ad",
    "DROP TRIGGER IF EXISTS people_person_search_au",
    "DROP TABLE IF EXISTS people_person_search",
]


def sqlite_match(words: list[str]) -> str:
    """The FTS5 query: every word as a prefix (words hold letters and digits only)."""
    return " AND ".join(f'"{word}"*' for word in words)


def ensure_sqlite_index(connection: BaseDatabaseWrapper) -> bool:
    """Create the FTS5 table and triggers where missing and fill it; True if it had to."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            [SQLITE_TABLE, *SQLITE_TRIGGERS],
        )
        present = {row[0] for row in cursor.fetchall()}
        if present == {SQLITE_TABLE, *SQLITE_TRIGGERS}:
            return False
        cursor.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'people' AND name = %s", [MIGRATION]
        )
        if cursor.fetchone() is None:  # not migrated this far, or migrated back before it
            return False
        cursor.execute(SQLITE_CREATE_TABLE)
        for statement in SQLITE_CREATE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute(SQLITE_REBUILD)
    return True


# PostgreSQL: pg_trgm --------------------------------------------------------------------

POSTGRES_INDEX = "person_search_trgm"
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON people_person "
    "USING gin ((LOWER(full_name || ' ' || work_email)) gin_trgm_ops)",
]
# The extension stays: other objects may use it.
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {POSTGRES_INDEX}"]


def postgres_word_start(word: str) -> str:
    """A regular expression: ``word`` at the start of the text or after a non-alphanumeric."""
    return f"(^|[^[:alnum:]]){word}"

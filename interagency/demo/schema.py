"""Whether the database's schema is what the migration files make: a second start skips migrate.

Even with nothing to do, asking Django's migration executor reads every
migration module of every app and builds the graph: a third of a second on a
busy machine at each start. After a migrate (or a check that found nothing to
do) the demo keeps a stamp in the data folder: a digest of every migration
file of every installed app, the database it applies to, and how many
migrations that database records as applied. A start whose stamp matches asks
the executor nothing. Any migration file added, changed or removed, another
database, or a database recreated (fewer or more rows in ``django_migrations``)
makes the next start ask again.
"""

import hashlib
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def stamp_file() -> Path:
    """Where the stamp of the last migrated schema is kept (the data folder)."""
    return Path(settings.DATA_DIR) / "schema-stamp"


def migration_folders() -> list[Path]:
    """The folder of each installed app's migrations (found without importing them)."""
    folders: list[Path] = []
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        if module_name is None:
            continue
        try:
            spec = find_spec(module_name)
        except ModuleNotFoundError:
            continue
        if spec is not None and spec.submodule_search_locations:
            folders.extend(Path(location) for location in spec.submodule_search_locations)
    return sorted(set(folders))


def migration_files_digest() -> str:
    """A digest of the database's identity and of every migration file, names and contents."""
    digest = hashlib.sha256()
    database = settings.DATABASES["default"]
    for key in ("ENGINE", "NAME", "HOST", "PORT"):
        digest.update(f"{key}={database.get(key, '')}\0".encode())
    for folder in migration_folders():
        for path in sorted(folder.glob("*.py")):
            digest.update(str(path).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def applied_count() -> int | None:
    """How many migrations the database records as applied; None without the table."""
    try:
        return MigrationRecorder(connection).migration_qs.count()
    except DatabaseError:
        return None


def current_stamp() -> str | None:
    count = applied_count()
    return None if count is None else f"{migration_files_digest()} {count}"


def schema_is_current() -> bool:
    """True when the stamp kept after the last migrate matches the files and the database."""
    stored = stamp_file()
    if not stored.is_file():
        return False
    stamp = current_stamp()
    return stamp is not None and stored.read_text(encoding="utf-8") == stamp


def remember_schema() -> None:
    """The database is migrated as the migration files say (call after migrate)."""
    stamp = current_stamp()
    stored = stamp_file()
    if stamp is None:
        stored.unlink(missing_ok=True)
        return
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(stamp, encoding="utf-8")


def forget_schema() -> None:
    """The next start asks the migration executor again."""
    stamp_file().unlink(missing_ok=True)

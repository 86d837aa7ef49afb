"""A second start skips migrate only while the migration files and the database are unchanged."""

from pathlib import Path

import pytest
from django.db.migrations.recorder import MigrationRecorder

from interagency.demo import schema


@pytest.fixture
def migrations_folder(tmp_path, settings, monkeypatch) -> Path:
    """The stamp in a temporary data folder, over the real migration files plus one of ours."""
    settings.DATA_DIR = tmp_path / "data"
    ours = tmp_path / "migrations"
    ours.mkdir()
    (ours / "0001_initial.py").write_text("operations = []\n")
    real = schema.migration_folders()
    monkeypatch.setattr(schema, "migration_folders", lambda: [*real, ours])
    return ours


@pytest.mark.django_db
def test_the_stamp_holds_until_a_migration_file_changes(migrations_folder):
    assert not schema.schema_is_current()  # never stamped
    schema.remember_schema()
    assert schema.schema_is_current()

    (migrations_folder / "0001_initial.py").write_text("operations = ['changed']\n")
    assert not schema.schema_is_current()
    schema.remember_schema()
    assert schema.schema_is_current()


@pytest.mark.django_db
def test_a_new_or_removed_migration_file_makes_the_next_start_ask_again(migrations_folder):
    schema.remember_schema()
    added = migrations_folder / "0002_more.py"
    added.write_text("operations = []\n")
    assert not schema.schema_is_current()
    schema.remember_schema()
    added.unlink()
    assert not schema.schema_is_current()


@pytest.mark.django_db
def test_a_database_recreated_or_migrated_elsewhere_makes_the_next_start_ask_again(
    migrations_folder,
):
    schema.remember_schema()
    MigrationRecorder.Migration.objects.create(app="elsewhere", name="0001_initial")
    assert not schema.schema_is_current()


def test_every_app_with_migrations_is_stamped():
    folders = {folder.parent.name for folder in schema.migration_folders()}
    assert {"people", "delivery", "audit", "auth"} <= folders

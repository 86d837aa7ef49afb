"""People search by index: FTS5 on SQLite, a trigram GIN index on PostgreSQL.

Only the database's own objects change (``people.search_index`` says what and
why); no model changes, so the migration state is untouched.
"""

from django.db import migrations

from interagency.people import search_index


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(search_index.SQLITE_CREATE_TABLE)
        for statement in search_index.SQLITE_CREATE_TRIGGERS:
            schema_editor.execute(statement)
        schema_editor.execute(search_index.SQLITE_REBUILD)
    elif vendor == "postgresql":
        for statement in search_index.POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search_index.SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in search_index.POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("people", "0009_posts")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER audit_auditevent_append_only
BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only.'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_auditevent_append_only;"

POSTGRES_CREATE = """
CREATE FUNCTION audit_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'The audit trail is append-only.'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
BEFORE UPDATE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_update();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_update();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    """Refuse UPDATE on audit rows in the database itself, not only in the ORM.

    DELETE stays possible at the database level so that the test runner can
    flush tables; the model and queryset refuse it.
    """

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "interagency.records"
    label = "records"
    verbose_name = "Training records"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_standing_triggers, sender=self)


def _ensure_standing_triggers(sender, using: str = "default", **kwargs) -> None:
    """Put back the SQLite triggers that keep standings exact if a migration rebuilt a table."""
    from django.db import connections

    from interagency.records import year_end
    from interagency.records.staleness import ensure_triggers

    ensure_triggers(connections[using])
    year_end.ensure_triggers(connections[using])

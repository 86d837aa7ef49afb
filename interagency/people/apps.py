from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "interagency.people"
    label = "people"

    def ready(self) -> None:
        from interagency.core import tasks_reaper

        def reap_imports(older_than):
            from interagency.people.services.imports import reap_stale_people_imports

            return reap_stale_people_imports(older_than=older_than)

        tasks_reaper.register("people imports", reap_imports)

        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using: str = "default", **kwargs) -> None:
    """Put back the SQLite search table and triggers if a migration rebuilt people_person."""
    from django.db import connections

    from interagency.people.search_index import ensure_sqlite_index

    ensure_sqlite_index(connections[using])

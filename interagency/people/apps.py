from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "interagency.people"
    label = "people"

    def ready(self) -> None:
        from interagency.core import tasks_reaper

        def reap_imports(older_than):
            from interagency.people.services.import_runs import reap_stale_people_imports

            return reap_stale_people_imports(older_than=older_than)

        tasks_reaper.register("people imports", reap_imports)

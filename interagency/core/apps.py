from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "interagency.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.tasks.signals import task_started

        from interagency.core.tasks_reaper import reap_when_a_task_starts

        # A worker starting a task first clears what a stopped worker left running.
        task_started.connect(reap_when_a_task_starts, dispatch_uid="interagency-reap-tasks")

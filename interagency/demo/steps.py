"""What a step of the demo's start reports, and the child collecting static files beside one."""

import os

from interagency.demo.processes import Child


class Outcome:
    """What a step reports: ``outcome("what came of it")``; when it started and finished."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.finished: float | None = None
        self.said: list[str] = []

    def __call__(self, text: str) -> None:
        self.said.append(text)


class Collecting:
    """The child collecting static files: when it started, and a pipe it says when it ended on."""

    def __init__(self, child: Child, started: float, finished_pipe: int) -> None:
        self.child = child
        self.started = started
        self.finished_pipe = finished_pipe

    def finished(self) -> float | None:
        """When the child finished (read once it has ended); None if it never said."""
        with os.fdopen(self.finished_pipe, "rb") as pipe:
            said = pipe.read(64)
        try:
            return float(said)
        except ValueError:
            return None

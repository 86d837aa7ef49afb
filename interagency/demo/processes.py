"""The demo's web server and background worker, started and stopped together.

The demo process stays in charge of both: SIGTERM, SIGINT (Ctrl+C) or SIGHUP
stop them together, and if either stops on its own the other is stopped too,
so no worker is ever left running without its server or the other way round.

The server is forked from the demo process (where ``fork`` exists) rather
than started as a new Python: it inherits Django already set up, seconds
saved on every start of a busy machine.
"""

import os
import signal
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from types import TracebackType

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)
# Gunicorn's graceful timeout is 30 s; the worker finishes its current task first.
STOP_TIMEOUT_SECONDS = 40
READY_POLL_SECONDS = 0.05


class StopRequested(Exception):
    """This process was asked to stop (a signal arrived)."""


def interagency(*arguments: str) -> list[str]:
    """An ``interagency`` command line run by this Python, with this environment."""
    return [sys.executable, "-m", "interagency.cli", *arguments]


class ForkedChild:
    """A child forked from this process to run a function; answers what ``Popen`` does here."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None and self.returncode is None:
            # Blocks until the child ends: no polling step added to a second start.
            _pid, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.1)
        return code

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)


Child = subprocess.Popen | ForkedChild


def run_forked(work: Callable[[], object]) -> None:
    """In a forked child: run ``work`` as its own process group, then end the child.

    Its exit status is what ``work`` returns when that is an ``int``, else 0
    (1 when it raised).
    """
    status = 1
    try:
        os.setpgid(0, 0)  # as start() does: Ctrl+C reaches the demo alone
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        result = work()
        # A whole number (not a bool) is the child's exit status: how it tells what it did.
        status = result if type(result) is int else 0
    except SystemExit as stopped:
        status = stopped.code if isinstance(stopped.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


class ProcessGroup:
    """Child processes that live and die together with this one.

    Inside ``with ProcessGroup() as group:`` a stop signal raises
    ``StopRequested`` (the block ends quietly); leaving the block, however it
    ends, stops every child still running and waits for it.
    """

    def __init__(self) -> None:
        self.children: list[Child] = []
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "ProcessGroup":
        self._previous = {number: signal.signal(number, _request_stop) for number in STOP_SIGNALS}
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)  # a second Ctrl+C must not cut the stop short
        try:
            stop(self.children)
        finally:
            for number, handler in self._previous.items():
                signal.signal(number, handler)  # type: ignore[arg-type]
        return kind is StopRequested

    def start(self, command: Sequence[str]) -> subprocess.Popen:
        # Its own process group: Ctrl+C reaches this process alone, which stops each child once.
        group = 0 if os.name == "posix" else None
        child = subprocess.Popen(command, process_group=group)  # noqa: S603 (our own commands)
        self.children.append(child)
        return child

    def fork(self, work: Callable[[], object]) -> Child:
        """A child process running ``work``, forked from this one (its open database
        connections closed first by the caller).

        Where ``fork`` does not exist (Windows), nothing is forked: the caller starts
        a new process instead (``can_fork``).
        """
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_forked(work)
        child = ForkedChild(pid)
        self.children.append(child)
        return child

    def stopped(self) -> Child | None:
        return next((child for child in self.children if child.poll() is not None), None)

    def wait_until_answering(self, url: str) -> bool:
        """True once ``url`` gives any HTTP answer; False as soon as a child stops."""
        while self.stopped() is None:
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own http:// address)
                    return True
            except urllib.error.HTTPError:
                return True  # an error page is still an answer: the server is up
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                # Refused at once until the server listens: a short pause costs nothing.
                time.sleep(READY_POLL_SECONDS)
        return False

    def wait(self) -> int:
        """Until a child stops: its exit status."""
        while (child := self.stopped()) is None:
            time.sleep(0.5)
        return child.poll() or 0


def can_fork() -> bool:
    """Whether a child can be forked here (not on Windows)."""
    return hasattr(os, "fork")


def stop(children: Sequence[Child]) -> None:
    """SIGTERM to each child still running, then wait; kill any that outstays the timeout."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _request_stop(signum: int, frame: object) -> None:
    raise StopRequested(signal.strsignal(signum))

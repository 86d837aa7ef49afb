"""Django's SQLite backend, with writers that queue for their turn instead of polling.

Every transaction the app opens is ``BEGIN IMMEDIATE``: it takes SQLite's one
write lock at once, and a second writer waits in SQLite's busy handler, which
sleeps and retries (1, 2, 5, 10 ... then 100 ms at a time). Under a rush (50
people booking one session's places at once, from several Gunicorn worker
processes of several threads) most waiters are asleep when the lock frees, so
the database sits idle between transactions.

Here a transaction first takes its turn: a lock among the threads of this
process (a waiting thread wakes as soon as it is released), then an advisory
``flock`` on a file beside the database, shared by every process (tried
every millisecond, and only by one thread per process). The turn ends with
the transaction (commit, rollback or the connection closing), so SQLite's
own lock is free whenever a turn starts. Waiting for a turn is bounded by
the database's ``timeout`` option; past it the transaction begins anyway and
SQLite's busy handler decides, as it would without turns. Writes outside a
transaction (autocommit) and in-memory databases are unchanged.
"""

import fcntl
import os
import threading
import time

from django.db.backends.sqlite3 import base

# One lock per database file among this process's threads.
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()
POLL_SECONDS = 0.001


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._turn_file: int | None = None
        self._turn_lock: threading.Lock | None = None
        self._turn_held = False

    def _turn_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writer-lock"

    def _take_turn(self) -> None:
        path = self._turn_path()
        if path is None or self._turn_lock is not None:
            return
        patience = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + patience
        lock = _process_lock(path)
        if not lock.acquire(timeout=patience):
            return  # SQLite's busy handler waits from here
        if self._turn_file is None:
            self._turn_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(self._turn_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    lock.release()
                    return
                time.sleep(POLL_SECONDS)
            else:
                break
        self._turn_lock = lock

    def _end_turn(self) -> None:
        lock, self._turn_lock = self._turn_lock, None
        if lock is None:
            return
        try:
            if self._turn_file is not None:
                fcntl.flock(self._turn_file, fcntl.LOCK_UN)
        finally:
            lock.release()

    def _start_transaction_under_autocommit(self):
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
        except BaseException:
            self._end_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._end_turn()
            if self._turn_file is not None:
                os.close(self._turn_file)
                self._turn_file = None

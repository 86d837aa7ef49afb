"""The SQLite backend's writer turns: held for a transaction, given back however it ends."""

import fcntl
import os
import threading

import pytest
from django.db.utils import ConnectionHandler

from interagency.core.sqlite_backend.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "turns.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "interagency.core.sqlite_backend",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )
    yield path, handler
    handler.close_all()


def wrapper(handler: ConnectionHandler) -> DatabaseWrapper:
    """The handler's connection, as this backend's class."""
    connection = handler["default"]
    assert isinstance(connection, DatabaseWrapper)
    return connection


def turn_is_free(path) -> bool:
    """Whether another process could take the writers' turn now."""
    descriptor = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    finally:
        os.close(descriptor)


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_transaction_holds_the_turn_until_it_ends(database, ending):
    path, handler = database
    connection = wrapper(handler)
    connection.ensure_connection()
    assert turn_is_free(path)
    connection._start_transaction_under_autocommit()
    assert not turn_is_free(path)
    getattr(connection, ending)()
    assert turn_is_free(path)


def test_writes_outside_a_transaction_take_no_turn(database):
    path, handler = database
    with wrapper(handler).cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
        cursor.execute("INSERT INTO t VALUES (1)")
    assert turn_is_free(path)


def test_an_in_memory_database_takes_no_turn():
    handler = ConnectionHandler(
        {"default": {"ENGINE": "interagency.core.sqlite_backend", "NAME": ":memory:"}}
    )
    connection = wrapper(handler)
    connection.ensure_connection()
    connection._start_transaction_under_autocommit()
    assert connection._turn_lock is None
    connection.rollback()
    handler.close_all()


def test_threads_writing_at_once_each_take_a_turn_and_lose_nothing(tmp_path):
    """Eight threads, each with its own connection, add 25 each in read-then-write
    transactions: none fails with "database is locked" and no increment is lost."""
    settings = {
        "ENGINE": "interagency.core.sqlite_backend",
        "NAME": str(tmp_path / "counter.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
    setup = ConnectionHandler({"default": settings})
    with setup["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close_all()
    failures: list[BaseException] = []

    def add() -> None:
        handler = ConnectionHandler({"default": settings})
        connection = wrapper(handler)
        try:
            for _ in range(25):
                connection.ensure_connection()
                connection._start_transaction_under_autocommit()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (value,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s", [value + 1])
                connection.commit()
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            handler.close_all()

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    check = ConnectionHandler({"default": settings})
    with check["default"].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (200,)
    check.close_all()

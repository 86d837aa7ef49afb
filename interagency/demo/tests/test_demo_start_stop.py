"""The demo as a person starts it: a fresh data folder, a free port, then SIGTERM.

The demo runs as a real subprocess (the same ``interagency`` command the
README gives) with its own SQLite database in a temporary data folder; the
process tree is read from /proc. Settings keep the testing switch, so static
files are copied rather than compressed and passwords hash quickly.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from interagency.cli import demo_environment as prepare_demo_environment
from interagency.cli import site_url

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

# Generous caps on waiting for a busy machine, never assertions about speed.
START_WAIT_SECONDS = 240
STOP_WAIT_SECONDS = 90
PASSWORD = "demo-password-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_environment(data_dir: Path) -> dict[str, str]:
    """The environment of a person's shell: no test settings module, key, mailer or site."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "SITE_URL", "EMAIL_URL"}
    environment = {name: value for name, value in os.environ.items() if name not in dropped}
    environment["INTERAGENCY_DATA_DIR"] = str(data_dir)
    environment["INTERAGENCY_DEMO_PASSWORD"] = PASSWORD
    return environment


def interagency(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "interagency.cli", *arguments]


def process_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every process below ``root``: pid to start time (so a reused pid is not mistaken)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := process_stat(int(entry.name))):
            children.setdefault(stat[1], []).append(int(entry.name))
    found: dict[int, int] = {}
    waiting = [root]
    while waiting:
        for child in children.get(waiting.pop(), []):
            if (stat := process_stat(child)) is not None:
                found[child] = stat[2]
                waiting.append(child)
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    running = []
    for pid, started in processes.items():
        stat = process_stat(pid)
        if stat is not None and stat[2] == started and stat[0] != "Z":
            running.append(pid)
    return running


def command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def wait_for(condition, *, seconds: float, describe) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(describe())
        time.sleep(0.3)


@pytest.fixture(scope="module")
def prepared_demo(tmp_path_factory):
    """A data folder after a first ``interagency demo --no-serve``, and what it printed."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    first = subprocess.run(
        interagency("demo", "--no-serve"),
        env=demo_environment(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=START_WAIT_SECONDS,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    return data_dir, first.stdout


def test_the_first_start_says_what_each_step_is_doing(prepared_demo):
    _data_dir, printed = prepared_demo
    steps = [line for line in printed.splitlines() if line.startswith("==> ")]
    assert steps == [
        "==> Migrating the database (static files are collected beside it)",
        "==> Collecting static files",
        "==> Loading the demo data",
    ]
    assert printed.count("    done in ") == 3
    assert "done in" in printed.split("==> Migrating")[1].split("==> Collecting")[0]
    assert "migrated" in printed
    assert "collected and compressed" in printed
    assert "not loaded again" not in printed
    assert f"Password for every demo account: {PASSWORD}" in printed


def test_every_command_works_in_the_demo_data_folder_without_copying_its_key(prepared_demo):
    data_dir, _printed = prepared_demo
    environment = demo_environment(data_dir)
    environment.pop("INTERAGENCY_TESTING", None)  # no development key to fall back on
    issued = subprocess.run(
        interagency("issue-token", "coordinator@demo.interagency.test"),
        env=environment,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=START_WAIT_SECONDS,
        check=False,
    )
    assert issued.returncode == 0, issued.stderr
    assert len(issued.stdout.strip()) > 20
    assert "Store it now" in issued.stderr


def run_in(data_dir: Path, environment: dict[str, str], *arguments: str) -> str:
    """Run an ``interagency`` command in the data folder; what it printed last."""
    finished = subprocess.run(
        interagency(*arguments),
        env=environment,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=START_WAIT_SECONDS,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip().splitlines()[-1]


def test_a_command_run_by_hand_in_the_data_folder_links_to_the_demos_port(prepared_demo):
    data_dir, _printed = prepared_demo
    port = free_port()
    environment = demo_environment(data_dir)
    run_in(data_dir, environment, "demo", "--no-serve", "--port", str(port))
    # As a person would, without SITE_URL: the link an email from this command would carry.
    link = "from interagency.records.digests import page_url; print(page_url('sessions:list', 'x'))"
    printed = run_in(data_dir, environment, "shell", "--command", link)
    assert printed.startswith(f"http://127.0.0.1:{port}/p/x/")

    explicit = {**environment, "SITE_URL": "https://training.example.org"}
    printed = run_in(data_dir, explicit, "shell", "--command", link)
    assert printed.startswith("https://training.example.org/p/x/")


@pytest.mark.parametrize(
    ("host", "also_allowed"),
    [("127.0.0.2", "127.0.0.2"), ("192.168.1.20", "192.168.1.20"), ("fe80::1", "[fe80::1]")],
)
def test_the_demo_allows_the_particular_address_it_listens_on(
    monkeypatch, tmp_path, host, also_allowed
):
    monkeypatch.setattr(os, "environ", {"INTERAGENCY_DATA_DIR": str(tmp_path)})
    prepare_demo_environment(["--host", host, "--port", "8123"])
    allowed = os.environ["ALLOWED_HOSTS"].split(",")
    assert also_allowed in allowed
    assert {"localhost", "127.0.0.1"} <= set(allowed)
    assert (tmp_path / "site_url").read_text() == site_url(host, 8123)


def test_an_allowed_hosts_setting_is_kept_as_it_is(monkeypatch, tmp_path):
    monkeypatch.setattr(
        os, "environ", {"INTERAGENCY_DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "demo.example"}
    )
    prepare_demo_environment(["--host", "127.0.0.2"])
    assert os.environ["ALLOWED_HOSTS"] == "demo.example"


def test_the_demo_serves_from_several_processes_and_sigterm_stops_every_one(
    prepared_demo, tmp_path
):
    data_dir, _printed = prepared_demo
    port = free_port()
    output = tmp_path / "demo-output.txt"
    with output.open("w") as sink:
        demo = subprocess.Popen(
            # A particular address, not the default: its pages answer there, not 400.
            interagency("demo", "--host", "127.0.0.2", "--port", str(port), "--workers", "2"),
            env=demo_environment(data_dir),
            cwd=data_dir,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        address = f"http://127.0.0.2:{port}"
        wait_for(
            lambda: f"Interagency demo ready: open {address}/" in output.read_text(),
            seconds=START_WAIT_SECONDS,
            describe=lambda: f"the demo never said it was ready:\n{output.read_text()}",
        )
        with urllib.request.urlopen(f"{address}/account/sign-in/", timeout=30) as page:
            assert page.status == 200
            assert "Sign in" in page.read().decode()

        # A second start in the same data folder: nothing prepared again.
        printed = output.read_text()
        assert "unchanged since the last start, not collected again" in printed
        assert "already up to date" in printed
        assert "unchanged since the last start, not loaded again" in printed
        assert f"Password for every demo account: {PASSWORD}" in printed

        running = descendants(demo.pid)
        parents = {pid: stat[1] for pid in running if (stat := process_stat(pid))}
        children = [pid for pid, parent in parents.items() if parent == demo.pid]
        (worker,) = [pid for pid in children if "db_worker" in command_line(pid)]
        # The server is forked from the demo (Django already set up), so it bears its name.
        (server,) = [pid for pid in children if pid != worker]
        web_workers = [pid for pid, parent in parents.items() if parent == server]
        assert len(web_workers) == 2
        # The worker sends the emails: its links use the address the demo serves on.
        worker_environment = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
        assert f"SITE_URL={address}".encode() in worker_environment

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=STOP_WAIT_SECONDS) == 0
        wait_for(
            lambda: not still_running(running),
            seconds=STOP_WAIT_SECONDS,
            describe=lambda: f"left running: {still_running(running)}\n{output.read_text()}",
        )
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8080, "http://127.0.0.1:8080"),
        ("0.0.0.0", 8000, "http://localhost:8000"),  # noqa: S104
        ("::1", 9000, "http://[::1]:9000"),
    ],
)
def test_email_links_follow_the_address_the_demo_listens_on(host, port, expected):
    assert site_url(host, port) == expected


def test_a_port_already_in_use_is_named_and_nothing_is_left_running(prepared_demo, tmp_path):
    data_dir, _printed = prepared_demo
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        output = tmp_path / "demo-output.txt"
        with output.open("w") as sink:
            demo = subprocess.Popen(
                interagency("demo", "--port", str(port), "--workers", "1"),
                env=demo_environment(data_dir),
                cwd=data_dir,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            seen: dict[int, int] = {}

            def demo_ended() -> bool:
                seen.update(descendants(demo.pid))
                return demo.poll() is not None

            wait_for(
                demo_ended,
                seconds=START_WAIT_SECONDS,
                describe=lambda: f"the demo kept running:\n{output.read_text()}",
            )
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait()
    assert demo.returncode != 0
    assert f"is port {port} already in use? Try --port" in output.read_text()
    assert not still_running(seen)

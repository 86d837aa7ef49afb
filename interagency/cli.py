"""The ``interagency`` command: Django's management commands plus demo, serve, seed.

``interagency issue-token`` is the management command ``issue_token``: the
command line uses hyphens, Python modules cannot.
"""

import argparse
import os
import sys
from pathlib import Path
from secrets import token_urlsafe

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            demo_environment(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interagency.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def demo_environment(arguments: list[str]) -> None:
    """Plain HTTP on this machine, a key kept in the data folder, links to where it serves.

    Set before Django reads its settings, so the demo and the server and
    worker it starts (which inherit the environment) agree on all of it.
    """
    data_dir = Path(os.environ.setdefault("INTERAGENCY_DATA_DIR", str(Path.cwd() / "var")))
    data_dir.mkdir(parents=True, exist_ok=True)
    # Settings read this file when SECRET_KEY is not set, so every later command
    # run against this data folder (issue-token, cron commands) uses the same key.
    write_secret_once(data_dir / "secret_key", token_urlsafe(50))
    host, port = _listen_address(arguments)
    os.environ.setdefault("SITE_URL", site_url(host, port))
    # Settings read this file when SITE_URL is not set, so emails queued by a
    # command run here by hand link to where the demo serves, not to port 8000.
    write_text_replacing(data_dir / "site_url", os.environ["SITE_URL"])
    os.environ.setdefault("ALLOWED_HOSTS", ",".join(allowed_hosts(host)))
    for name, value in {
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "INTERAGENCY_ENFORCE_ADMIN_2FA": "0",
        "EMAIL_URL": "console://",
    }.items():
        os.environ.setdefault(name, value)


def write_secret_once(path: Path, secret: str) -> None:
    """Create ``path`` readable by its owner only; an existing file is kept as it is."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)


def write_text_replacing(path: Path, text: str) -> None:
    """Write ``path`` whole: a command reading it meanwhile sees the old text or the new."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def allowed_hosts(host: str) -> list[str]:
    """This machine's names, and the address the demo listens on when it is a particular one.

    Without it a page asked for at ``--host 127.0.0.2`` or a LAN address answers 400.
    """
    names = ["localhost", "127.0.0.1", "[::1]"]
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 (everywhere: the links name this machine)
        return names
    name = f"[{host}]" if ":" in host else host
    return names if name in names else [*names, name]


def site_url(host: str, port: int) -> str:
    """The address a browser on this machine uses to reach a server listening on host:port."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 (listening everywhere: link to this machine)
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _listen_address(arguments: list[str]) -> tuple[str, int]:
    """--host and --port as the demo command will read them (its parser rejects bad ones)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--host", default=DEMO_HOST)
    parser.add_argument("--port", default=str(DEMO_PORT))
    known, _others = parser.parse_known_args(arguments)
    try:
        return known.host, int(known.port)
    except ValueError:
        return known.host, DEMO_PORT


if __name__ == "__main__":
    main()

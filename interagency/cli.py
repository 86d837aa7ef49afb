"""The ``interagency`` command: Django's management commands plus demo, serve, seed.

``interagency issue-token`` is the management command ``issue_token``: the
command line uses hyphens, Python modules cannot.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            _demo_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interagency.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _demo_environment() -> None:
    """The demo runs on plain HTTP on this machine, with a key kept beside its database."""
    from pathlib import Path
    from secrets import token_urlsafe

    data_dir = Path(os.environ.setdefault("INTERAGENCY_DATA_DIR", str(Path.cwd() / "var")))
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ.setdefault("SECRET_KEY", key_file.read_text().strip())
    for name, value in {
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "INTERAGENCY_ENFORCE_ADMIN_2FA": "0",
        "EMAIL_URL": "console://",
    }.items():
        os.environ.setdefault(name, value)


if __name__ == "__main__":
    main()

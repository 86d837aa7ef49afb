"""The production settings pass Django's deployment checks and refuse to start without a key.

Each check runs in a fresh interpreter: settings are read once per process, and
the test process runs with the testing switches on.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# Everything a deployment may set, cleared so the checks see only what each test gives.
CLEARED_PREFIXES = ("INTERAGENCY_", "DJANGO_", "SECURE_", "SESSION_", "CSRF_", "AXES_")
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "STATIC_ROOT"}


def interagency(*args: str, env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in CLEARED and not name.startswith(CLEARED_PREFIXES)
    }
    clean |= {
        "DJANGO_SETTINGS_MODULE": "interagency.settings",
        "INTERAGENCY_DATA_DIR": str(data_dir),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "interagency.cli", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production_env() -> dict[str, str]:
    """What a production deployment sets at the least (README configuration table)."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "example.org",
        "EMAIL_URL": "smtp://mail.example.org:587?tls=1",
    }


def test_production_settings_pass_the_deployment_checks_without_warnings(production_env, tmp_path):
    result = interagency(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env, data_dir=tmp_path
    )
    assert result.returncode == 0, f"check --deploy failed:\n{result.stdout}\n{result.stderr}"
    assert "System check identified no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start_and_says_why(production_env, tmp_path):
    del production_env["SECRET_KEY"]
    result = interagency("check", env=production_env, data_dir=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr

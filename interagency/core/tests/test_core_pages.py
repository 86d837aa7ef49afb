import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from interagency.core.env import mailers_from_url


def test_health_check_reports_the_database_reachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["reachable"] is True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_health_check_answers_503_when_the_database_is_unreachable(tmp_path):
    """A real server whose PostgreSQL address has nothing listening."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
        "SECRET_KEY": "x" * 60,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "INTERAGENCY_DATA_DIR": str(tmp_path),
    }
    env.pop("INTERAGENCY_TESTING", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "interagency.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = None
        # Generous: on a loaded CI machine Django's start-up alone can take seconds.
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except urllib.error.HTTPError as error:
                answer = (error.code, error.read())
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        assert answer is not None, "The server never answered /healthz"
        status, body = answer
        assert status == 503
        assert b'"reachable": false' in body
    finally:
        # Stopping is not what this test checks: a worker still booting on a
        # loaded machine may outlast Gunicorn's graceful stop, so it is killed.
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Multi-agency safeguarding children training"),
        ("/accessibility", "Accessibility statement for Interagency"),
        ("/privacy", "Privacy notice"),
        ("/no/such/page", "Page not found"),
    ],
)
def test_public_pages_use_the_govuk_shell(client, db, path, heading):
    response = client.get(path)
    assert heading in response.text
    assert "govuk-frontend.min.css" in response.text
    assert 'href="/accessibility"' in response.text and 'href="/privacy"' in response.text


def test_pages_send_security_headers(client, db):
    response = client.get("/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_email_url_becomes_a_mailer():
    smtp = mailers_from_url("smtp://user:p%40ss@mail.example.org:587?tls=1")["default"]
    assert smtp["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 587,
        "timeout": 10,
        "username": "user",
        "password": "p@ss",
        "use_tls": True,
    }
    assert mailers_from_url("console://")["default"]["BACKEND"].endswith("console.EmailBackend")


def test_an_unknown_email_url_scheme_is_refused_clearly():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme 'pop3'"):
        mailers_from_url("pop3://mail.example.org")

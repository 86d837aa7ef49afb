"""Fixtures for the accounts tests. ``smtp_server`` is written to move to the root conftest."""

import email
import email.policy
import logging
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOOPBACK = "127.0.0.1"


@dataclass
class SMTPServer:
    """A real SMTP server on loopback that keeps every message it receives."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    @property
    def mailers(self) -> dict:
        """A MAILERS setting that sends every email to this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 10},
            }
        }

    # aiosmtpd calls this for each message, once the whole of it has arrived
    # and before the client is told it was accepted.
    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    # aiosmtpd cannot listen on port 0 (its start-up check connects to the
    # port it was given), so ask the OS for a free one first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """``smtp_server.port``, ``.messages``; ``settings.MAILERS = smtp_server.mailers`` to use it."""
    server = SMTPServer(host=LOOPBACK, port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    # aiosmtpd logs every SMTP command at INFO, which buries a failing test's output.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
        log.setLevel(level)


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code that no time step near now accepts."""
    accepted = set()
    for drift in range(-device.tolerance - 1, device.tolerance + 2):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
        accepted.add(f"{totp.token():0{device.digits}d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)

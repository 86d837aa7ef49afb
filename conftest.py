"""Fixtures shared by every app's tests."""

import datetime
import email
import email.policy
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
import time_machine
from aiosmtpd.controller import Controller

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory, PartnershipFactory

# --- the clock ------------------------------------------------------------------------------
#
# No test depends on the hour or date it runs. A test that reads "now", itself
# or through a factory or the code it calls, is marked ``clock`` (its module's
# ``pytestmark``, or the test): the ``clock`` fixture then stands it at one
# instant, PINNED_INSTANT, with the clock stopped (``pytest.mark.clock(tick=True)``
# lets it run on from there, for a test that needs time to pass).
#
# ``pytest --clock=2027-03-28T00:30:00Z`` stands those tests at that instant
# instead, and runs the whole session as if it had started there (the clock
# ticks on from it for the tests not marked). So a test that only passes far
# from midnight or away from the days the clocks change fails on any machine,
# not only on CI at the wrong hour: ``./run test`` runs the tests marked
# ``clock`` at a few such instants. The database's own clock (CURRENT_TIMESTAMP,
# now()) does not travel: the code takes "now" from Python.

# A Wednesday morning in British Summer Time, away from midnight, the ends of
# months and of the financial year, and the days the clocks change.
PINNED_INSTANT = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="INSTANT",
        default=None,
        help="start the session's clock at INSTANT, an ISO 8601 time with Z or an offset "
        "(e.g. 2027-03-28T00:30:00Z); it ticks on from there",
    )


def clock_instant(config: pytest.Config) -> datetime.datetime | None:
    """The instant ``--clock`` asks for, or None; a usage error names a bad value."""
    text = config.getoption("--clock")
    if not text:
        return None
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(
            f"--clock={text} is not a time: write it like 2027-03-28T00:30:00Z."
        ) from None
    if instant.tzinfo is None:
        raise pytest.UsageError(
            f"--clock={text} has no offset: add Z for UTC (or +01:00), so it names one instant."
        )
    return instant


def pytest_configure(config: pytest.Config) -> None:
    # Here, before collection and every fixture, so factories see the same clock.
    instant = clock_instant(config)
    if instant is not None:
        traveller = time_machine.travel(instant, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str:
    instant = clock_instant(config)
    if instant is None:
        return f"clock: tests marked clock stand at {PINNED_INSTANT.isoformat()}"
    return f"clock: the session starts at {instant.isoformat()}; tests marked clock stand at it"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # First of a test's fixtures, so every fixture and factory reads the pinned clock.
    for item in items:
        if isinstance(item, pytest.Function) and item.get_closest_marker("clock"):
            if "clock" in item.fixturenames:
                item.fixturenames.remove("clock")
            item.fixturenames.insert(0, "clock")


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller]:
    """Pin "now" for a test marked ``clock``, or asking for it: at ``--clock``, or PINNED_INSTANT
    (always PINNED_INSTANT for ``clock(fixed=True)``).

    Stopped unless the mark says ``tick=True``; ``clock.shift(...)`` and
    ``clock.move_to(...)`` move it.
    """
    marker = request.node.get_closest_marker("clock")
    tick = bool(marker.kwargs.get("tick", False)) if marker else False
    # ``clock(fixed=True)``: a test written around named calendar dates (a financial
    # year, a course completed in 2026) stands at PINNED_INSTANT even under --clock,
    # where another year would turn its dates into other cases.
    fixed = bool(marker.kwargs.get("fixed", False)) if marker else False
    instant = PINNED_INSTANT if fixed else (clock_instant(request.config) or PINNED_INSTANT)
    with time_machine.travel(instant, tick=tick) as traveller:
        yield traveller


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="Camden Safeguarding Children Partnership", code="camden")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(name="Islington Safeguarding Children Partnership", code="islington")


@pytest.fixture
def member_with(partnership):
    """``member_with(Role.TRAINER, ...)``: a user holding those roles in ``partnership``."""

    def make(*roles: Role, partnership=partnership):
        user = UserFactory()
        for role in roles:
            MembershipFactory(partnership=partnership, user=user, role=role)
        return user

    return make


@pytest.fixture
def coordinator(member_with):
    return member_with(Role.COORDINATOR)


def sign_in_verified(client, user) -> None:
    """Sign ``user`` in as if they had entered a password and a current TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def sign_in(client):
    """``sign_in(user)``: the test client signed in as ``user``, second factor included."""

    def do(user, *, the_client=None):
        sign_in_verified(the_client or client, user)
        return the_client or client

    return do


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in_verified(client, coordinator)
    return client


@pytest.fixture
def token_client(db):
    """``token_client(user)``: a client that sends a new personal access token of ``user``."""
    from django.test import Client

    from interagency.accounts.services import issue_access_token

    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make


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

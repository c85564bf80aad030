"""Mail, for tests/scheduler and tests/letters (a plugin of tests/conftest.py): a real SMTP
server (aiosmtpd in a thread on 127.0.0.1) that can be told to refuse mail for a while,
`settings` pointing at it, `run_sweep()` running the scheduler's whole pass on the test's
session at the frozen clock's now, and the outbox rows (`outbox(...)`). Without a server,
`send_mail(session)` lets the scheduler deliver what is due to a server that accepts
everything: for scenes where the mail must have left (the standstill counts from the sending
of the procurement decision letters), not be read."""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from aiosmtpd.controller import Controller

from models import OutboxMessage
from workflow import clock as clock_module
from workflow.config import Settings
from workflow.outbox import KINDS as LETTER_KINDS
from workflow.scheduler.mailer import SmtpTransport
from workflow.scheduler.outbox import DeliveryReport, deliver
from workflow.scheduler.sweep import SweepReport, sweep, units_on

from support.web import BASE_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Received:
    message: EmailMessage
    at: object  # the frozen clock's instant when it arrived

    @property
    def to(self) -> str:
        return str(self.message["To"].addresses[0].addr_spec)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def outbox_id(self) -> int:
        """The outbox row it was sent from: <hankeflow.{id}.{digest}@domain>."""
        return int(self.message_id.strip("<>").split(".")[1])

    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class RecordingHandler:
    """Accepts mail and keeps it; `refuse` holds SMTP replies to give instead, one per message
    (e.g. ["451 4.3.0 try later"] * 2, then mail is accepted again)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: collections.deque[str] = collections.deque()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refused += 1
            return self.refuse.popleft()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(message, clock_module.now()))  # type: ignore[arg-type]
        return "250 2.0.0 OK"


class AcceptingTransport:
    """A mail server that accepts every message (and keeps it)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    @contextlib.contextmanager
    def connect(self) -> Iterator[AcceptingTransport]:
        yield self

    def send(self, message: EmailMessage) -> None:
        self.messages.append(message)


def send_mail(session: so.Session) -> DeliveryReport:
    """The scheduler's delivery of what is due at the clock's now, on the test's session, to a
    server that accepts everything."""
    settings = Settings(instance_path=Path("."), database_url="", secret_key=None,
                        smtp_url=None, mail_from="hankeflow@hankeflow.example",
                        base_url=BASE_URL, timezone="Europe/Helsinki")
    return deliver(units_on(session), AcceptingTransport(), settings)


@dataclasses.dataclass
class SmtpServer:
    handler: RecordingHandler
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if r.to == address]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, "127.0.0.1", port)
    finally:
        controller.stop()


@pytest.fixture
def settings(smtp_server: SmtpServer, tmp_path: Path) -> Settings:
    return Settings(instance_path=tmp_path, database_url="", secret_key=None,
                    smtp_url=smtp_server.url, mail_from="hankeflow@hankeflow.example",
                    base_url=BASE_URL, timezone="Europe/Helsinki")


@pytest.fixture
def run_sweep(session: so.Session, settings: Settings, clock) -> Callable[[], SweepReport]:
    """sweep() → one whole pass (transitions, reminders, delivery) at the clock's now."""
    transport = SmtpTransport.from_url(settings.smtp_url or "")

    def run() -> SweepReport:
        return sweep(units_on(session), transport, settings, raise_errors=True)
    return run


@pytest.fixture
def reminders_to(session: so.Session, smtp_server: SmtpServer) -> Callable[[str], list[Received]]:
    """reminders_to(address) → the mails received for the address, leaving out the letters the
    workflow's steps write (receipts, decisions; their stories are in tests/letters)."""
    def mails(address: str) -> list[Received]:
        received = smtp_server.to(address)
        kinds = dict(session.execute(sa.select(OutboxMessage.id, OutboxMessage.kind).where(
            OutboxMessage.id.in_([r.outbox_id for r in received]))).all())
        return [r for r in received if kinds[r.outbox_id] not in LETTER_KINDS]
    return mails


@pytest.fixture
def outbox(session: so.Session) -> Callable[..., list[OutboxMessage]]:
    """outbox(kind=..., status=..., recipient=user) → matching rows, oldest first."""
    def rows(**where) -> list[OutboxMessage]:
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if "recipient" in where:
            query = query.where(OutboxMessage.recipient_id == where.pop("recipient").id)
        for key, value in where.items():
            query = query.where(getattr(OutboxMessage, key) == value)
        return list(session.scalars(query))
    return rows

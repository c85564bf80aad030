"""Building a mail from an outbox row and handing it to SMTP, or to `.eml` files without SMTP.

    HANKEFLOW_SMTP_URL=smtp://user:pass@host:587?starttls=1   (smtps://host:465 for TLS)

Unset, every mail is written to `<instance>/mail/<Message-ID>.eml` and logged (demo,
development). The Message-ID is derived from the outbox row, so a mail sent twice (after a
crash between sending and recording it) carries the same Message-ID both times and the
receiving side can drop the second copy.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import smtplib
import ssl
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ..config import Settings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The mail was not accepted. `permanent` for a 5xx answer, else worth retrying soon."""

    def __init__(self, text: str, *, code: int | None = None) -> None:
        super().__init__(text)
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600


@dataclasses.dataclass(frozen=True)
class Envelope:
    """What the sender needs to send one claimed outbox row, without the database."""

    outbox_id: int
    attempt: int
    message: EmailMessage


class Connection(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class Transport(Protocol):
    def connect(self) -> contextlib.AbstractContextManager[Connection]: ...


def message_id(outbox_id: int, key: tuple[object, ...], domain: str) -> str:
    """<hankeflow.1234.5f1e3c9a0b2d@domain>: the row id, and a digest of its unique key so
    that two databases (a restored backup, staging) never share Message-IDs by accident."""
    digest = hashlib.sha256("|".join(str(k) for k in key).encode()).hexdigest()[:12]
    return f"<hankeflow.{outbox_id}.{digest}@{domain}>"


def mail_domain(settings: Settings) -> str:
    return settings.mail_from.rpartition("@")[2] or "localhost"


def build_message(*, settings: Settings, to_name: str, to_email: str, subject: str,
                  text: str, html: str, locale: str, msg_id: str, date: dt.datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = Address(display_name=to_name, addr_spec=to_email)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = msg_id
    # RFC 3834: an automatic message; auto-responders should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the parts are made: making them moves the Content-* headers into the first part.
    message["Content-Language"] = locale
    return message


# SMTP ------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"HANKEFLOW_SMTP_URL must look like smtp://user:pass@host:port, not {url!r}")
        query = parse_qs(parts.query)
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
                   implicit_tls=parts.scheme == "smtps")

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        connection = _SmtpConnection(self)
        try:
            yield connection
        finally:
            connection.close()


class _SmtpConnection:
    """One SMTP session reused for a batch; reopened after an error left it unusable."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        t = self.transport
        try:
            if t.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(t.host, t.port, timeout=t.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(t.host, t.port, timeout=t.timeout)
            smtp.ehlo()
            if t.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if t.username:
                smtp.login(t.username, t.password or "")
        except smtplib.SMTPResponseException as err:
            raise DeliveryError(f"{err.smtp_code} {_text(err.smtp_error)}", code=err.smtp_code) from None
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryError(f"cannot connect to {t.host}:{t.port}: {err}") from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            self._reset()
            code, text = next(iter(err.recipients.values()))
            raise DeliveryError(f"{code} {_text(text)}", code=code) from None
        except smtplib.SMTPResponseException as err:
            self._reset()
            raise DeliveryError(f"{err.smtp_code} {_text(err.smtp_error)}", code=err.smtp_code) from None
        except (OSError, smtplib.SMTPException) as err:
            self.close()
            raise DeliveryError(f"connection lost: {err}") from None
        if refused:  # only one recipient per message: refused means not sent
            code, text = next(iter(refused.values()))
            raise DeliveryError(f"{code} {_text(text)}", code=code)

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# Files (no SMTP configured) --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FileTransport:
    directory: Path

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        self.directory.mkdir(parents=True, exist_ok=True)
        yield self

    def send(self, message: EmailMessage) -> None:
        name = str(message["Message-ID"]).strip("<>").replace("/", "_") + ".eml"
        path = self.directory / name
        try:
            # Written whole under a temporary name, then renamed: a crash leaves no half mail,
            # and writing the same message again replaces it (idempotent).
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(message.as_bytes())
            tmp.replace(path)
        except OSError as err:
            raise DeliveryError(f"cannot write {path}: {err}") from None
        log.info("mail to %s written to %s: %s", message["To"], path, message["Subject"])


def transport_from_settings(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport.from_url(settings.smtp_url)
    return FileTransport(settings.instance_path / "mail")

"""Emptying the outbox: claim, send, record — each step its own short transaction.

1. *Claim* (one transaction): due `pending` rows, and `sending` rows whose lease expired (a
   sender that crashed), are locked with `FOR UPDATE SKIP LOCKED` so that two senders never
   take the same row; each is composed as true now (or skipped when no longer useful), stored,
   and marked `sending` until `lease_until`, with `attempts` + 1. Commit.
2. *Send*, outside any transaction, with a Message-ID derived from the row.
3. *Record* (one transaction per batch): `sent`; or back to `pending` with a later
   `next_attempt_at` (exponential backoff); or `failed` after the last attempt, which tells the
   administrators. The update applies only while the row is still this sender's claim (same
   `attempts`, still `sending`). A procurement decision letter recorded as sent counts its
   procurement's standstill again in the same transaction (`evaluation.standstill`: the
   standstill runs from the sending of the last letter).

A crash between 2 and 3 leaves the row `sending`; when its lease expires it is sent again with
the same Message-ID: at-least-once delivery to SMTP, deduplicable by the receiver.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import OutboxMessage

from .. import clock
from ..config import Settings
from ..evaluation import standstill
from ..outbox import enqueue
from .mailer import DeliveryError, Envelope, Transport, build_message, mail_domain, message_id
from .messages import Skip, compose, preload
from .reminders import active_admin_ids

log = logging.getLogger(__name__)

Units = Callable[[], contextlib.AbstractContextManager[so.Session]]

BATCH = 20
LEASE = dt.timedelta(minutes=15)
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)
# A temporary failure (4xx, connection) is retried up to MAX_ATTEMPTS times in all (about
# 2 h with the backoff below); a permanent one (5xx) up to MAX_PERMANENT_ATTEMPTS, because a
# misconfigured relay sometimes answers 5xx to what is in fact temporary.
MAX_ATTEMPTS = 8
MAX_PERMANENT_ATTEMPTS = 3


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8, ... minutes after the n-th failed attempt, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


@dataclasses.dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def outbox_key(row: OutboxMessage) -> tuple[object, ...]:
    return (row.recipient_id, row.kind, row.object_type, row.object_id,
            row.deadline.isoformat(), row.offset_name)


def claim(session: so.Session, settings: Settings, now: dt.datetime, *,
          limit: int = BATCH) -> tuple[list[Envelope], int]:
    """Lock, compose and claim up to `limit` due rows; returns (envelopes, skipped)."""
    # Two index-driven queries (an OR of the two would scan the whole outbox on SQLite):
    # first the claims whose sender died, then the due pending rows.
    rows: list[OutboxMessage] = []
    for status, instant in (("sending", OutboxMessage.lease_until),
                            ("pending", OutboxMessage.next_attempt_at)):
        if len(rows) < limit:
            rows.extend(session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.status == status, instant <= now)
                .order_by(instant, OutboxMessage.id)
                .limit(limit - len(rows))
                .with_for_update(skip_locked=True, of=OutboxMessage)))
    envelopes, skipped = [], 0
    domain = mail_domain(settings)
    objects = preload(session, rows)  # noqa: F841 - held while composing
    for row in rows:
        try:
            mail = compose(session, row, now, settings.base_url)
        except Skip as reason:
            row.status, row.reason, row.lease_until, row.next_attempt_at = "skipped", str(reason), None, None
            skipped += 1
            continue
        except Exception as err:  # a bug in one message must not stop the others
            log.exception("cannot compose outbox row %s", row.id)
            row.attempts += 1
            _retry_or_fail(session, row, now, f"cannot compose: {err}", permanent=True)
            continue
        text, html = mail.render()
        row.locale, row.subject, row.link = mail.locale, mail.subject[:300], mail.link[:500]
        row.body_text, row.body_html = text, html
        row.status, row.lease_until = "sending", now + LEASE
        row.attempts += 1
        envelopes.append(Envelope(row.id, row.attempts, build_message(
            settings=settings, to_name=row.recipient.name, to_email=row.recipient.email,
            subject=mail.subject, text=text, html=html, locale=mail.locale,
            msg_id=message_id(row.id, outbox_key(row), domain), date=now)))
    session.flush()
    return envelopes, skipped


def send(transport: Transport, envelopes: list[Envelope]) -> list[tuple[Envelope, DeliveryError | None]]:
    """Hand each message to the transport; never raises: the result says what happened."""
    results: list[tuple[Envelope, DeliveryError | None]] = []
    try:
        with transport.connect() as connection:
            for envelope in envelopes:
                try:
                    connection.send(envelope.message)
                    results.append((envelope, None))
                except DeliveryError as err:
                    results.append((envelope, err))
    except DeliveryError as err:  # could not even connect
        results.extend((e, err) for e in envelopes[len(results):])
    except Exception as err:  # noqa: BLE001 - recorded per message, retried
        log.exception("transport failed")
        results.extend((e, DeliveryError(str(err))) for e in envelopes[len(results):])
    return results


def record_sent(session: so.Session, envelopes: list[Envelope], now: dt.datetime) -> int:
    """Record accepted mails in bulk, those still our claim; returns how many."""
    by_attempt: dict[int, list[int]] = {}
    for envelope in envelopes:
        by_attempt.setdefault(envelope.attempt, []).append(envelope.outbox_id)
    recorded = 0
    for attempt, ids in by_attempt.items():
        recorded += session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending",
                   OutboxMessage.attempts == attempt)
            .values(status="sent", sent_at=now, lease_until=None, next_attempt_at=None,
                    reason=""),
            execution_options={"synchronize_session": "fetch"}).rowcount
    standstill.letters_sent(session, [e.outbox_id for e in envelopes])
    if recorded < len(envelopes):
        log.warning("%s sent outbox rows were claimed again before their result was recorded",
                    len(envelopes) - recorded)
    return recorded


def record(session: so.Session, envelope: Envelope, error: DeliveryError | None,
           now: dt.datetime) -> str:
    """Record one result, if the row is still our claim. Returns the row's new status."""
    row = session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == envelope.outbox_id, OutboxMessage.status == "sending",
               OutboxMessage.attempts == envelope.attempt)
        .with_for_update(of=OutboxMessage)).one_or_none()
    if row is None:
        log.warning("outbox row %s was claimed again before its result was recorded",
                    envelope.outbox_id)
        return "lost"
    row.lease_until = None
    if error is None:
        row.status, row.sent_at, row.next_attempt_at, row.reason = "sent", now, None, ""
    else:
        _retry_or_fail(session, row, now, str(error), permanent=error.permanent)
    session.flush()
    if error is None:
        standstill.letters_sent(session, [row.id])
    return row.status


def _retry_or_fail(session: so.Session, row: OutboxMessage, now: dt.datetime, reason: str, *,
                   permanent: bool) -> None:
    limit = MAX_PERMANENT_ATTEMPTS if permanent else MAX_ATTEMPTS
    row.reason, row.lease_until = reason[:2000], None
    if row.attempts < limit:
        row.status, row.next_attempt_at = "pending", now + backoff(row.attempts)
        log.warning("outbox row %s attempt %s failed, retrying at %s: %s", row.id, row.attempts,
                    row.next_attempt_at.isoformat(), reason)
        return
    row.status, row.next_attempt_at = "failed", None
    log.error("outbox row %s failed for good after %s attempts: %s", row.id, row.attempts, reason)
    if row.kind != "delivery_failed":  # never a notice about a notice
        notify_failure(session, row, now)


def notify_failure(session: so.Session, failed: OutboxMessage, now: dt.datetime) -> None:
    """Every administrator gets a notice (in the app, and by mail) of a message that failed."""
    # `about` the failure's instant: a message sent again that fails again is told again.
    enqueue(session, dict.fromkeys(active_admin_ids(session)), kind="delivery_failed",
            object_type="outbox", object_id=failed.id, about=now, name="failed", now=now)


def deliver(units: Units, transport: Transport, settings: Settings, *,
            batch: int = BATCH, max_batches: int = 500) -> DeliveryReport:
    """Send what is due now, batch by batch, until nothing due is left unclaimed."""
    report = DeliveryReport()
    for _ in range(max_batches):
        with units() as session:
            envelopes, skipped = claim(session, settings, clock.now(), limit=batch)
        report.skipped += skipped
        if not envelopes:
            if skipped:
                continue
            break
        results = send(transport, envelopes)
        # All of the batch has been handed over by now, so recording it in one transaction
        # widens no window: a crash before this commit resends the batch (same Message-IDs).
        with units() as session:
            now = clock.now()
            report.sent += record_sent(session, [e for e, error in results if error is None], now)
            statuses = [record(session, e, error, now) for e, error in results if error is not None]
        report.retrying += statuses.count("pending")
        report.failed += statuses.count("failed")
    return report

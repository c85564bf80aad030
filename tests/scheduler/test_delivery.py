"""Mail delivery: retried with backoff while the server refuses, nothing lost, a permanent
failure shown to administrators, a crash between sending and recording handled as designed."""
from __future__ import annotations

import datetime as dt

import pytest

from support import helsinki
from workflow.scheduler import outbox as outbox_module
from workflow.scheduler.mailer import FileTransport, SmtpTransport
from workflow.scheduler.notifications import failed_deliveries, list_notifications
from workflow.scheduler.preferences import update_preferences
from workflow.scheduler.sweep import units_on
from workflow.errors import WorkflowError

SEVEN_DAYS_BEFORE = helsinki(2024, 5, 27, 16, 15)


@pytest.fixture
def draft_due(session, clock, admin, make_call, make_user, make_submission):
    """An applicant whose draft's 7 d reminder is due now (the 14 d one is superseded). The
    administrator's digest is off, so that the reminder is the only mail."""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    update_preferences(session, admin, digest=False)
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="en")
    make_submission(call, applicant)
    clock.set(SEVEN_DAYS_BEFORE)
    return applicant


def test_a_refusing_server_gets_the_mail_when_it_recovers(clock, draft_due, run_sweep,
                                                          smtp_server, outbox):
    """When the mail server answers 451 twice, is the reminder retried with backoff and
    delivered once when the server recovers?"""
    smtp_server.handler.refuse.extend(["451 4.3.0 Try again later"] * 2)
    applicant = draft_due
    start = clock.now()
    run_sweep()
    (row,) = outbox(recipient=applicant, status="pending")
    assert (row.attempts, row.next_attempt_at) == (1, start + dt.timedelta(minutes=1))
    assert row.reason.startswith("451")

    clock.set(start + dt.timedelta(seconds=30))  # before the backoff: not tried again
    run_sweep()
    assert smtp_server.handler.refused == 1

    clock.set(start + dt.timedelta(minutes=1))
    run_sweep()
    assert smtp_server.handler.refused == 2
    assert row.next_attempt_at == clock.now() + dt.timedelta(minutes=2)

    clock.set(start + dt.timedelta(minutes=3))
    run_sweep()
    run_sweep()
    mails = smtp_server.to(applicant.email)
    assert len(mails) == 1
    assert (row.status, row.attempts, row.sent_at) == ("sent", 3, clock.now())
    assert "in 7 days" in mails[0].text()  # worded at the moment it was sent


def test_a_permanent_failure_is_shown_to_administrators(session, clock, admin, draft_due,
                                                        run_sweep, smtp_server, outbox):
    """When the server keeps answering 550, does the mail fail after the last attempt, and do
    the administrators see it in the app and by mail?"""
    smtp_server.handler.refuse.extend(["550 5.1.1 No such mailbox"] * 3)
    applicant = draft_due
    start = clock.now()
    for minutes in (0, 1, 3):
        clock.set(start + dt.timedelta(minutes=minutes))
        run_sweep()
    (row,) = outbox(recipient=applicant, kind="draft_deadline", offset_name="7d")
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.reason.startswith("550")
    assert smtp_server.to(applicant.email) == []

    assert [m.id for m in failed_deliveries(session, admin)] == [row.id]
    notices = [n for n in list_notifications(session, admin) if n.kind == "delivery_failed"]
    assert len(notices) == 1 and applicant.email in notices[0].body_text
    assert any(applicant.email in r.text() for r in smtp_server.to(admin.email))
    with pytest.raises(WorkflowError):
        failed_deliveries(session, applicant)


def test_a_crash_between_sending_and_recording_resends_with_the_same_message_id(
        clock, draft_due, run_sweep, smtp_server, outbox, monkeypatch):
    """If the sender dies after the server accepted a mail but before recording it, is the mail
    sent again after the lease, with the same Message-ID (so the receiver can drop it)?"""
    applicant = draft_due
    real_record = outbox_module.record_sent

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("the process died")
    monkeypatch.setattr(outbox_module, "record_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        run_sweep()
    monkeypatch.setattr(outbox_module, "record_sent", real_record)
    (row,) = outbox(recipient=applicant, kind="draft_deadline", offset_name="7d")
    assert row.status == "sending"
    assert len(smtp_server.to(applicant.email)) == 1

    clock.advance(minutes=5)  # the lease still holds: nobody sends it again yet
    run_sweep()
    assert len(smtp_server.to(applicant.email)) == 1
    clock.advance(minutes=11)
    run_sweep()
    first, second = smtp_server.to(applicant.email)
    assert first.message_id == second.message_id
    assert row.status == "sent" and row.attempts == 2


def test_without_smtp_mail_is_written_as_eml_files(session, clock, draft_due, settings, tmp_path):
    """Without HANKEFLOW_SMTP_URL, are mails written under the instance path's mail/ folder?"""
    from workflow.scheduler.sweep import sweep

    report = sweep(units_on(session), FileTransport(tmp_path / "mail"), settings, raise_errors=True)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert report.delivery.sent == len(files) >= 1
    assert any(draft_due.email in f.read_text() for f in files)


def test_smtp_urls_are_understood():
    """Is HANKEFLOW_SMTP_URL read as documented, and a wrong one refused clearly?"""
    t = SmtpTransport.from_url("smtp://user%40x:p%2Fw@mail.example:587?starttls=1")
    assert (t.host, t.port, t.username, t.password, t.starttls) == (
        "mail.example", 587, "user@x", "p/w", True)
    assert SmtpTransport.from_url("smtps://mail.example").port == 465
    with pytest.raises(ValueError):
        SmtpTransport.from_url("http://mail.example")


def test_backoff_grows_and_is_capped():
    """Do retries back off 1, 2, 4, ... minutes, never more than an hour apart?"""
    assert [outbox_module.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox_module.backoff(20) == dt.timedelta(hours=1)

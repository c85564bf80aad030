"""A decision letter the mail server refused for good keeps the contract waiting (the
standstill counts from its sending). The administrator corrects the bidder's address and
sends it again from the undelivered-mail list; it leaves, the history says who resent it, and
the contract can be signed once the standstill counted from that sending is over."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from models import AuditEntry
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.scheduler.preferences import update_preferences

from support import helsinki
from support.web import body


def test_an_administrator_sends_a_refused_decision_letter_again(
        session, clock, admin, decided_procurement, run_sweep, smtp_server, outbox, login,
        make_user):
    update_preferences(session, admin, digest=False)
    call, tenders, _ = decided_procurement()
    run_sweep()  # the tenders' receipts: then the decision letters are the only mail
    fire(session, call, "deliver_decision", admin)
    start = clock.now()
    for minutes in (0, 1, 3):  # the first letter's three attempts, with their backoff
        smtp_server.handler.refuse.append("550 5.1.1 No such user")
        clock.set(start + dt.timedelta(minutes=minutes))
        run_sweep()
    [failed] = [r for r in outbox(kind="procurement_decision") if r.status == "failed"]
    failed.recipient.email = "oikea.osoite@example.fi"   # the administrator corrects it
    session.commit()

    client = login(admin)
    page = body(client.get("/notifications"))
    assert f"/notifications/failed/{failed.id}/send-again" in page
    other_admin_page = login(make_user("applicant")).post(
        f"/notifications/failed/{failed.id}/send-again")
    assert other_admin_page.status_code == 403                   # administrators only
    sent_again = client.post(f"/notifications/failed/{failed.id}/send-again")
    assert sent_again.status_code == 302
    assert "lähetetään uudelleen" in body(client.get(sent_again.headers["Location"]))
    again = client.post(f"/notifications/failed/{failed.id}/send-again")  # a second click
    assert "Vain toimittamatta jäänyt" in body(client.get(again.headers["Location"]))

    clock.set(helsinki(2024, 6, 10, 9, 0))                      # Mon: the letter leaves
    run_sweep()
    session.refresh(failed)
    assert failed.status == "sent" and failed.sent_at == helsinki(2024, 6, 10, 9, 0)
    assert [m.to for m in smtp_server.received][-1] == "oikea.osoite@example.fi"
    history = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.trigger == "send_mail_again")).all()
    assert [(h.object_type, h.object_id, h.actor_id) for h in history] == [
        ("submission", failed.object_id, admin.id)]
    timeline = body(client.get(f"/admin/submissions/{failed.object_id}"))
    assert "Toimittamatta jäänyt viesti lähetetty uudelleen" in timeline

    assert call.standstill_last_day == dt.date(2024, 6, 24)     # 14 days from Mon 10.6
    clock.set(helsinki(2024, 6, 24, 12, 0))
    with pytest.raises(WorkflowError) as refused:
        fire(session, call, "sign_contract", admin)
    assert refused.value.code == "standstill_not_over"
    clock.set(helsinki(2024, 6, 25, 0, 0))
    fire(session, call, "sign_contract", admin)
    assert call.state == "contracted"

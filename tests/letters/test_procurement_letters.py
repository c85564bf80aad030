"""The procurement decision reaches every bidder by mail (DOMAIN §4): written into the outbox
by the delivery step itself, sent by the scheduler once per recipient, in the recipient's
language, with the bidder's own ranking and points, and nothing of another bidder's secrets."""
from __future__ import annotations

import datetime as dt

from workflow.engine import fire
from workflow.evaluation import decisions
from workflow.outbox import enqueue_decision
from workflow.scheduler.preferences import update_preferences

SUBJECT = {"en": "Procurement decision: jotpa call", "sv": "Upphandlingsbeslut: jotpa call"}


def decisions_to(smtp_server, user, locale: str = "en"):
    return [m for m in smtp_server.to(user.email) if m.subject == SUBJECT[locale]]


def test_each_bidder_gets_its_own_reasoned_decision_once(session, delivered_procurement,
                                                         run_sweep, smtp_server, outbox):
    """When the procurement decision is delivered, does every bidder whose tender was opened
    get exactly one mail with its own ranking and points per criterion, the standstill and
    the appeal instructions — and none of the other bidders' prices, points per criterion or
    tenders?"""
    call, (t1, t2, t3, t4), _ = delivered_procurement()
    # Written by the delivery step, in its transaction: the standstill counts from it.
    rows = outbox(kind="procurement_decision")
    assert sorted(r.object_id for r in rows) == [t1.id, t2.id, t3.id, t4.id]
    assert {(r.created_at, r.status) for r in rows} == {(call.decision_delivered_at, "pending")}

    run_sweep()

    mails = {t.id: decisions_to(smtp_server, t.created_by) for t in (t1, t2, t3, t4)}
    assert [len(m) for m in mails.values()] == [1, 1, 1, 1]
    # The mail carries the bidder's decision document, all of it, as the pages show it.
    text = mails[t1.id][0].text()
    document = decisions.procurement_decision_document(session, call, t1, "en")
    for section in document.sections:
        assert section.heading in text
        assert all(line.strip() in text for line, _ in section.lines)
    assert "2. Tarjoaja 1: 80.00 points (your tender)" in text  # its place, its own points
    assert "Plan quality: score 3.50 on the scale 0–5, 28.00 of 40.00 points" in text
    assert "A standstill period of 14 days runs from the delivery of this decision" in text
    assert "Market Court" in text and "hankintaoikaisu" in text
    for secret in ("€40,000.00", "€64,000.00", "€20,000.00", "Plan quality: score 2.00",
                   "Plan quality: score 5.00", "Framework use: score 2.00", "SALAINEN"):
        assert secret not in text and secret not in mails[t1.id][0].html()
    excluded = mails[t4.id][0].text()
    assert "excluded from the procurement" in excluded and "Verovelkaa" in excluded
    assert "Your tender has been chosen." in mails[t3.id][0].text()
    assert {r.status for r in outbox(kind="procurement_decision")} == {"sent"}


def test_a_swedish_colleague_gets_the_decision_in_swedish(session, admin, make_user, outbox,
                                                          decided_procurement, run_sweep,
                                                          smtp_server):
    """Does a bidder's colleague who reads Swedish get the same decision in Swedish, beside
    the colleague who reads English — and nothing before the decision is delivered?"""
    call, (t1, *_), _ = decided_procurement()
    colleague = make_user("applicant", organisation=t1.organisation, locale="sv")
    assert outbox(kind="procurement_decision") == []

    fire(session, call, "deliver_decision", admin)
    run_sweep()

    (swedish,) = decisions_to(smtp_server, colleague, "sv")
    assert swedish.message["Content-Language"] == "sv"
    text = swedish.text()
    assert "Ert anbud har inte antagits." in text and "14 dagar" in text
    assert "Anvisningar för ändringssökande" in text
    assert len(decisions_to(smtp_server, t1.created_by)) == 1


def test_sweeping_again_or_delivering_the_same_decision_again_sends_nothing_more(
        session, clock, delivered_procurement, run_sweep, smtp_server, outbox):
    """Do repeated sweeps, and the same decision written out again (a second delivery of it),
    leave each bidder with the one letter it got?"""
    call, tenders, _ = delivered_procurement()
    run_sweep()
    run_sweep()
    clock.set(clock.now() + dt.timedelta(hours=1))
    enqueue_decision(session, call, clock.now())
    run_sweep()

    assert len(outbox(kind="procurement_decision")) == len(tenders)
    assert [len(decisions_to(smtp_server, t.created_by)) for t in tenders] == [1, 1, 1, 1]


def test_a_refusing_server_gets_each_decision_once_it_recovers(session, clock, admin,
                                                               decided_procurement,
                                                               run_sweep, smtp_server, outbox):
    """When the mail server answers 451 to every decision at first, is each retried with
    backoff and delivered once when the server recovers?"""
    update_preferences(session, admin, digest=False)
    call, tenders, _ = decided_procurement()
    run_sweep()  # the tenders' receipts: then the decisions are the only mail
    fire(session, call, "deliver_decision", admin)
    smtp_server.handler.refuse.extend(["451 4.3.0 Try again later"] * len(tenders))
    start = clock.now()
    run_sweep()
    rows = outbox(kind="procurement_decision")
    assert {(r.status, r.attempts, r.reason[:3]) for r in rows} == {("pending", 1, "451")}
    assert not any(decisions_to(smtp_server, t.created_by) for t in tenders)

    clock.set(start + dt.timedelta(minutes=1))
    run_sweep()
    run_sweep()
    assert [len(decisions_to(smtp_server, t.created_by)) for t in tenders] == [1, 1, 1, 1]
    assert {(r.status, r.attempts) for r in rows} == {("sent", 2)}


def test_the_decision_document_stays_as_delivered(session, delivered_procurement, outbox):
    """After delivery, does each bidder's decision document (the page and PDF show it) stay
    the one mailed, in every language, also when data it quotes changes later (a bidder's
    name)?"""
    call, (t1, t2, t3, t4), _ = delivered_procurement()
    (mail,) = outbox(kind="procurement_decision", object_id=t1.id)
    t3.organisation.name = "Uusi nimi Oy"
    session.flush()

    for locale in ("fi", "sv", "en"):
        document = decisions.decision_document(session, t1.created_by, t1, locale)
        assert "Tarjoaja 3" in document.text and "Uusi nimi" not in document.text
    assert decisions.decision_document(session, t1.created_by, t1, "en").as_json() == (
        mail.data["letter"])
    assert "Uusi nimi" in decisions.compose(session, t1, "en").text  # the data did change

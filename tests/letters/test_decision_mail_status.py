"""An official trusts the standstill only if the decision reached every bidder: the evaluation
overview of a decided procurement shows, per bidder, whether its decision mail was sent,
is waiting, or failed, with the instant; the mail's link opens the bidder's decision."""
from __future__ import annotations

import datetime as dt

from workflow.engine import fire
from workflow.scheduler.preferences import update_preferences

from support.web import body, cell


def test_the_overview_shows_per_bidder_whether_the_decision_mail_went(
        session, clock, admin, login, decided_procurement, run_sweep, smtp_server):
    """Does the overview show each bidder's decision mail waiting after the delivery, then
    sent at its instant, and the one the mail server refused for good as not delivered?"""
    admin.locale = "en"
    update_preferences(session, admin, digest=False)
    call, (t1, t2, t3, t4), _ = decided_procurement()
    run_sweep()  # the tenders' receipts: then the decisions are the only mail
    fire(session, call, "deliver_decision", admin)
    page = body(login(admin).get(f"/evaluation/calls/{call.id}"))
    assert cell(page, f"decision-mails-{t2.id}") == (
        f"Mail to {t2.created_by.name}: waiting to be sent since 7 June 2024 at 10:00")

    start = clock.now()
    for minutes in (0, 1, 3):  # t1's mail (the first written) is refused at every attempt
        clock.set(start + dt.timedelta(minutes=minutes))
        smtp_server.handler.refuse.append("550 5.1.1 No such mailbox")
        run_sweep()

    page = body(login(admin).get(f"/evaluation/calls/{call.id}"))
    for tender in (t2, t3, t4):
        assert cell(page, f"decision-mails-{tender.id}") == (
            f"Mail to {tender.created_by.name}: sent 7 June 2024 at 10:00")
    assert cell(page, f"decision-mails-{t1.id}").startswith(
        f"Mail to {t1.created_by.name}: not delivered 550")


def test_the_decision_mails_link_opens_the_bidders_decision(login, delivered_procurement,
                                                            run_sweep, smtp_server):
    """Does the link in a bidder's decision mail open its decision document for the bidder?"""
    _, (t1, *_), _ = delivered_procurement()
    run_sweep()
    (mail,) = [m for m in smtp_server.to(t1.created_by.email)
               if m.subject.startswith("Procurement decision")]
    link = f"/evaluation/submissions/{t1.id}/decision"
    assert f"https://hankeflow.example{link}" in mail.text()
    response = login(t1.created_by).get(link)
    assert response.status_code == 200 and "Your tender has not been chosen." in body(response)

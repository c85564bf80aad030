"""Tender questions: bidders ask until questions_until, officers answer and publish, and every
bidder reads the answers without learning who asked."""
from __future__ import annotations

import datetime as dt

import pytest
from admin_support import error_summary
from support import helsinki
from support.web import body

from models import TenderQuestion
from workflow.engine import history
from workflow.errors import WorkflowError
from workflow.questions import (answer_question, ask_question, publish_answer,
                                published_answers)

OPENS, DEADLINE = helsinki(2024, 5, 15, 9, 0), helsinki(2024, 6, 14, 16, 15)
QUESTIONS_UNTIL = helsinki(2024, 6, 7, 12, 0)
QUESTION = "Voiko pilotin toteuttaa kokonaan etänä? Kysyjänä Hämeen Pilottiopisto Oy."
PUBLIC_WORDING = "Voiko pilotin toteuttaa kokonaan etänä?"
ANSWER = "Voi, kunhan arviointi on valvottu."


@pytest.fixture
def procurement(make_call):
    return make_call("jotpa", state="tendering", opens_at=OPENS, deadline=DEADLINE,
                     questions_until=QUESTIONS_UNTIL)


def test_an_answer_is_published_to_every_bidder_anonymised(session, clock, admin, make_user,
                                                           make_org, procurement, login, anonymous):
    """Does a bidder's question, once answered and published by an administrator, appear on
    the call page for another bidder and for anonymous readers, in the published wording and
    without the asking organisation's name, while the administrator sees who asked?"""
    call = procurement
    asker = make_user("applicant", organisation=make_org("Hämeen Pilottiopisto Oy"))
    other = make_user("applicant", organisation=make_org("Toinen Tarjoaja Oy"))

    asking = login(asker)
    assert f'action="/calls/{call.id}/questions"' in body(asking.get(f"/calls/{call.id}"))
    sent = asking.post(f"/calls/{call.id}/questions", data={"question": QUESTION})
    assert sent.status_code == 302
    question = session.query(TenderQuestion).one()
    assert (question.organisation_id, question.asked_by_id) == (asker.organisation_id, asker.id)

    bidder = login(other)
    assert QUESTION not in body(bidder.get(f"/calls/{call.id}"))     # not yet published

    officer = login(admin)
    listing = body(officer.get(f"/admin/calls/{call.id}/questions"))
    assert "Hämeen Pilottiopisto Oy" in listing and asker.name in listing
    assert "Odottaa vastausta" in listing
    saved = officer.post(f"/admin/calls/{call.id}/answers", data={
        "question": question.id, "public_question": PUBLIC_WORDING, "answer": ANSWER, "action": "save"})
    assert saved.status_code == 302
    assert ANSWER not in body(bidder.get(f"/calls/{call.id}"))        # saved, not published
    published = officer.post(f"/admin/calls/{call.id}/answers", data={
        "question": question.id, "public_question": PUBLIC_WORDING, "answer": ANSWER, "action": "publish"})
    assert published.status_code == 302
    session.refresh(question)
    assert question.published_at == clock.now() and question.answered_by_id == admin.id

    for client in (bidder, anonymous):
        page = body(client.get(f"/calls/{call.id}"))
        assert PUBLIC_WORDING in page and ANSWER in page
        assert "Hämeen Pilottiopisto" not in page and asker.name not in page
    # The call's audit trail (readable by everyone through the API) does not name the asker.
    assert asker.id not in {e.actor_id for e in history(session, call)}
    assert "vastattu" in body(asking.get(f"/calls/{call.id}"))       # the asker's own list

    again = officer.post(f"/admin/calls/{call.id}/answers",
                         data={"question": question.id, "answer": "Muutos", "action": "save"})
    assert again.status_code == 409
    for junk in ("", "abc", "99999999999", str(question.id + 1000)):
        assert officer.post(f"/admin/calls/{call.id}/answers",
                            data={"question": junk, "answer": "x"}).status_code == 404
    assert "Vastaus kysymykseen julkaistu" in body(officer.get(f"/admin/calls/{call.id}"))


def test_questions_are_refused_after_questions_until(session, clock, make_user, procurement, login):
    """Is a question sent at questions_until refused with the time it ended (deadline_passed),
    and is the form no longer offered?"""
    call = procurement
    bidder = make_user("applicant")
    clock.set(QUESTIONS_UNTIL)
    client = login(bidder)
    refused = client.post(f"/calls/{call.id}/questions", data={"question": QUESTION})
    assert refused.status_code == 409
    assert "Kysymyksiä saattoi esittää 7.6.2024 klo 12.00 asti" in error_summary(refused)
    assert f'action="/calls/{call.id}/questions"' not in body(client.get(f"/calls/{call.id}"))
    with pytest.raises(WorkflowError) as err:
        ask_question(session, bidder, call, QUESTION)
    assert err.value.code == "deadline_passed"


def test_who_may_ask_and_answer(session, clock, admin, make_user, make_call, procurement, login,
                                anonymous):
    """May only applicants ask (evaluators and administrators are refused, anonymous readers are
    sent to sign in), only while the call takes questions, with a question of sensible size;
    and may only administrators answer?"""
    call = procurement
    bidder = make_user("applicant")
    evaluator = make_user("evaluator")
    assert login(evaluator).post(f"/calls/{call.id}/questions", data={"question": "?"}).status_code == 403
    assert login(admin).get(f"/calls/{call.id}/questions").status_code == 403
    assert anonymous.post(f"/calls/{call.id}/questions", data={"question": "?"}).status_code == 302
    client = login(bidder)
    for text in ("", "   ", "x" * 10_001, "Kysymys\x00"):
        response = client.post(f"/calls/{call.id}/questions", data={"question": text})
        assert response.status_code == 422
        assert error_summary(response)
    no_period = make_call("esr", state="open")
    response = client.post(f"/calls/{no_period.id}/questions", data={"question": QUESTION})
    assert response.status_code == 409

    question = ask_question(session, bidder, call, QUESTION)
    with pytest.raises(WorkflowError):
        answer_question(session, bidder, question, ANSWER)
    with pytest.raises(WorkflowError) as unanswered:
        publish_answer(session, admin, question)
    assert unanswered.value.code == "invalid_input"
    answer_question(session, admin, question, ANSWER)
    publish_answer(session, admin, question)
    assert [a.question for a in published_answers(session, None, call)] == [QUESTION]
    assert not hasattr(published_answers(session, None, call)[0], "organisation_id")


def test_an_admin_sees_unanswered_questions_on_the_dashboard(session, clock, admin, make_user,
                                                             procurement, login):
    """Does the dashboard count the questions still waiting for a published answer?"""
    bidder = make_user("applicant")
    ask_question(session, bidder, procurement, QUESTION)
    clock.advance(dt.timedelta(minutes=5))
    ask_question(session, bidder, procurement, "Toinen kysymys")
    page = body(login(admin).get("/admin/"))
    assert f'href="/admin/calls/{procurement.id}/questions">2</a>' in page

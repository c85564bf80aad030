"""Administrators and submissions: the filtered, paged list; sealed tenders that show nothing
of their content before the opening; assigning evaluators; decisions through the transition
forms; the history and the workflow picture."""
from __future__ import annotations

import re

from admin_support import error_summary, review_fully, to_eligibility_check
from support import helsinki
from support.web import body

from workflow.engine import fire
from workflow.questions import ask_question

SECRET = {"title": "SALAINEN-OTSIKKO", "pilot_plan": "SALAINEN-SUUNNITELMA", "price": "48123"}
SECRET_STRINGS = ("SALAINEN", "48\xa0123", "48 123", "48123", "Tekoäly asiakastyössä")
JOTPA_OPENS, JOTPA_DEADLINE = helsinki(2024, 5, 15, 9, 0), helsinki(2024, 6, 14, 16, 15)


def _admin_get_paths(app, ids: dict[str, int]) -> list[str]:
    """Every GET page of the admin blueprint, with the ids filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "GET" not in rule.methods:
            continue
        paths.append(rule.build({name: ids[name] for name in rule.arguments})[1])
    return paths


def test_before_the_opening_no_admin_page_shows_a_tenders_content(
        app, session, clock, admin, make_call, make_user, make_submission, login):
    """Before the tenders are opened, does every administrator page show that a tender exists,
    its organisation and state, but nothing of its content? And after the opening at the
    deadline, can the administrator read it?"""
    call = make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS, deadline=JOTPA_DEADLINE)
    bidder = make_user("applicant")
    tender = make_submission(call, bidder, content=dict(SECRET), submit=True)
    make_submission(call, content=dict(SECRET))          # a draft of another bidder
    question = ask_question(session, bidder, call, "Voiko pilotin toteuttaa etänä?")
    client = login(admin)

    paths = _admin_get_paths(app, {"call_id": call.id, "submission_id": tender.id,
                                   "question_id": question.id})
    paths += [f"/admin/submissions?call={call.id}", "/admin/submissions?kind=jotpa&state=submitted",
              f"/submissions/{tender.id}/transition?trigger=withdraw"]
    assert len(paths) >= 12
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 409), (path, response.status_code)
        page = body(response)
        for secret in SECRET_STRINGS:
            assert secret not in page, (path, secret)
    listing = body(client.get(f"/admin/submissions?call={call.id}"))
    assert f"Tarjous #{tender.id}" in listing and tender.organisation.name in listing
    assert "Sinetöity tarjousten avaamiseen asti" in listing
    assert "Jätetty (suljettu)" in body(client.get(f"/admin/submissions/{tender.id}"))

    clock.set(JOTPA_DEADLINE)
    fire(session, call, "open_tenders", None)
    session.commit()
    opened = body(client.get(f"/admin/submissions/{tender.id}"))
    assert "SALAINEN-SUUNNITELMA" in opened and "48\xa0123,00 €" in opened


def test_the_list_filters_and_pages(session, clock, admin, make_call, make_user, make_org,
                                    make_submission, login):
    """Does the list filter by call, state, organisation (name or business ID) and kind, and
    page 50 at a time?"""
    esr = make_call("esr", state="open")
    other = make_call("esr", state="open")
    named = make_user("applicant", organisation=make_org("Hämeen ammattikorkeakoulu"))
    target = make_submission(esr, named, submit=True)
    for _ in range(55):
        make_submission(esr)
    make_submission(other, submit=True)
    client = login(admin)

    first = body(client.get(f"/admin/submissions?call={esr.id}"))
    assert "56 hakemusta tai tarjousta – sivu 1 / 2" in first
    assert len(re.findall(r'href="/admin/submissions/\d+"', first)) == 50
    second = body(client.get(f"/admin/submissions?call={esr.id}&page=2"))
    assert len(re.findall(r'href="/admin/submissions/\d+"', second)) == 6

    submitted = body(client.get(f"/admin/submissions?call={esr.id}&state=submitted"))
    assert re.findall(r'href="/admin/submissions/(\d+)"', submitted) == [str(target.id)]
    by_name = body(client.get("/admin/submissions?organisation=hämeen"))
    assert re.findall(r'href="/admin/submissions/(\d+)"', by_name) == [str(target.id)]
    by_id = body(client.get(f"/admin/submissions?organisation={named.organisation.business_id}"))
    assert re.findall(r'href="/admin/submissions/(\d+)"', by_id) == [str(target.id)]
    assert "Mikrotutkinnot työelämään" in submitted          # ESR content may be read
    assert "57 hakemusta tai tarjousta" in body(client.get("/admin/submissions?kind=esr"))
    assert re.findall(r'href="/admin/submissions/\d+"', body(client.get("/admin/submissions?kind=jotpa"))) == []

    for bad in ("state=nonsense", "kind=grant", "call=abc", "page=x", "call=99999999999",
                "organisation=%00"):
        response = client.get(f"/admin/submissions?{bad}")
        assert response.status_code == 400, bad
        assert error_summary(response), bad
    assert client.get("/admin/submissions?page=9999").status_code == 200  # clamped to the last


def test_evaluators_are_assigned_and_refusals_explained(session, clock, admin, make_call, make_user,
                                                        make_org, make_submission, login):
    """Can an administrator assign an evaluator with a review due date typed in Finnish time,
    and are an evaluator of the applicant's own organisation, a second assignment of the same
    evaluator and a user who is not an evaluator refused with a message?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant, submit=True)
    evaluator = make_user("evaluator", organisation=make_org(kind="authority"))
    colleague = make_user("evaluator", organisation=applicant.organisation)
    client = login(admin)

    page = body(client.get(f"/admin/submissions/{submission.id}"))
    assert f'<option value="{evaluator.id}">' in page

    own = client.post(f"/admin/submissions/{submission.id}/evaluators",
                      data={"evaluator": str(colleague.id)})
    assert own.status_code == 403
    assert "Arvioija ei voi arvioida oman organisaationsa" in error_summary(own)

    assigned = client.post(f"/admin/submissions/{submission.id}/evaluators", data={
        "evaluator": str(evaluator.id), "due_at_date": "14.6.2024", "due_at_time": "16.15"})
    assert assigned.status_code == 302, error_summary(assigned)
    session.refresh(submission)
    assert [(a.evaluator_id, a.due_at) for a in submission.assignments] == [
        (evaluator.id, helsinki(2024, 6, 14, 16, 15))]

    again = client.post(f"/admin/submissions/{submission.id}/evaluators",
                        data={"evaluator": str(evaluator.id)})
    assert again.status_code == 422
    assert error_summary(again)
    not_evaluator = client.post(f"/admin/submissions/{submission.id}/evaluators",
                                data={"evaluator": str(applicant.id)})
    assert not_evaluator.status_code == 422
    for junk in ("", "abc", "99999999999", "0"):
        response = client.post(f"/admin/submissions/{submission.id}/evaluators", data={"evaluator": junk})
        assert response.status_code == 422, junk
    bad_due = client.post(f"/admin/submissions/{submission.id}/evaluators",
                          data={"evaluator": str(evaluator.id), "due_at_date": "14.6.2024"})
    assert bad_due.status_code == 422
    after = body(client.get(f"/admin/submissions/{submission.id}"))
    assert evaluator.name in after and "14.6.2024 klo 16.15" in after
    assert "Arvioija nimetty" in after                     # the audit trail


def test_decisions_are_recorded_through_the_transition_forms(
        session, clock, admin, make_call, make_user, make_org, make_submission, login):
    """After the evaluation, can an administrator approve one application with the granted
    amount and reject another with the reason, through the generic transition forms linked
    from the submission page; is a rejection without a reason refused; do the history and the
    workflow picture show the outcome?"""
    call = make_call("esr", state="open")
    approved, rejected = make_submission(call, submit=True), make_submission(call, submit=True)
    to_eligibility_check(session, clock, admin, call, [approved, rejected])
    evaluators = [make_user("evaluator", organisation=make_org(kind="authority")) for _ in range(2)]
    for submission in (approved, rejected):
        fire(session, submission, "mark_eligible", admin)
        review_fully(session, admin, submission, evaluators)
        fire(session, submission, "complete_evaluation", admin)
    client = login(admin)

    page = body(client.get(f"/admin/submissions/{approved.id}"))
    assert f"/submissions/{approved.id}/transition?trigger=approve" in page
    form = client.get(f"/submissions/{approved.id}/transition?trigger=approve"
                      f"&return_to=/admin/submissions/{approved.id}")
    assert form.status_code == 200 and 'name="granted_amount"' in body(form)
    bad_amount = client.post(f"/submissions/{approved.id}/transition", data={
        "trigger": "approve", "granted_amount": "1e40", "version": approved.version})
    assert bad_amount.status_code == 422
    done = client.post(f"/submissions/{approved.id}/transition", data={
        "trigger": "approve", "granted_amount": "200 000", "version": approved.version,
        "return_to": f"/admin/submissions/{approved.id}"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/admin/submissions/{approved.id}")
    session.refresh(approved)
    assert approved.state == "approved" and approved.granted_amount == 200000

    no_reason = client.post(f"/submissions/{rejected.id}/transition",
                            data={"trigger": "reject", "version": rejected.version})
    assert no_reason.status_code == 422
    reason = "Hanke ei sovi haun painopisteisiin."
    refused = client.post(f"/submissions/{rejected.id}/transition", data={
        "trigger": "reject", "comment": reason, "version": rejected.version})
    assert refused.status_code == 302
    session.refresh(rejected)
    assert rejected.state == "rejected"
    history = body(client.get(f"/admin/submissions/{rejected.id}"))
    assert reason in history and "Hylkää" in history
    assert "200\xa0000,00 €" in body(client.get(f"/admin/submissions/{approved.id}"))

    picture = body(client.get(f"/admin/submissions/{rejected.id}/workflow"))
    assert "<svg" in picture and "<script" not in picture
    assert re.search(r"<strong>Hylätty – nykyinen tila</strong>", picture)
    assert "▶ nykyinen tila" in picture                     # marked in the picture, in words


def test_the_workflow_picture_marks_the_current_state_of_a_call(session, clock, admin, make_call,
                                                                login):
    """Does the call's workflow page draw every state once, mark the current one in words, and
    list the steps as text (who takes them, which the clock takes)?"""
    call = make_call("jotpa", state="tendering", opens_at=JOTPA_OPENS, deadline=JOTPA_DEADLINE)
    client = login(admin)
    page = body(client.get(f"/admin/calls/{call.id}/workflow"))
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<rect") == 13                          # the procurement's 13 states
    assert "Tarjousaika" in svg and "nykyinen tila" in svg
    assert 'stroke-dasharray' in svg                          # time-driven steps
    assert "style=" not in svg                                # the CSP allows no style attributes
    assert "<strong>Tarjousaika – nykyinen tila</strong>" in page
    assert "Avaa tarjoukset" in page                          # a step, listed as text

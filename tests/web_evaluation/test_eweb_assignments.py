"""Assigning evaluators: the automatic proposal, accepting it, conflicts replaced, and
adjustments by hand."""
from __future__ import annotations

import re

from workflow.assignments import declare_conflict

from support.web import body


def active(submission) -> list[int]:
    return sorted(a.evaluator_id for a in submission.assignments if a.conflict is not True)


def test_an_admin_runs_and_accepts_the_proposal(session, admin, applications, evaluators,
                                                make_user, login):
    """Does the proposal page give every application two evaluators with a balanced load,
    never one from the application's own organisation, and does accepting it assign them?"""
    admin.locale = "en"
    call, apps = applications("250000", "200000", "150000")
    team = evaluators(3)
    insider = make_user("evaluator", organisation=apps[0].organisation)
    client = login(admin)
    page = body(client.get(f"/evaluation/calls/{call.id}/assignments"))
    assert "Accept the proposal" in page
    assert page.count('name="pair"') == 6
    accepted = client.post(f"/evaluation/calls/{call.id}/assignments/proposal",
                           data={"pair": _pairs(page)})
    assert accepted.status_code == 302
    for app in apps:
        session.refresh(app)
        assert len(active(app)) == 2
    assert insider.id not in active(apps[0])
    loads = sorted(sum(u.id in active(a) for a in apps) for u in (*team, insider))
    assert loads == [1, 1, 2, 2]
    after = body(client.get(f"/evaluation/calls/{call.id}/assignments"))
    assert "Nothing to propose" in after


def test_a_conflict_is_shown_and_a_replacement_proposed(session, admin, applications,
                                                       evaluators, login):
    """When an evaluator declares a conflict of interest, does the page show it with the
    reason and propose a replacement, never the conflicted evaluator again?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    first, second, third = evaluators(3)
    client = login(admin)
    page = body(client.get(f"/evaluation/calls/{call.id}/assignments"))
    client.post(f"/evaluation/calls/{call.id}/assignments/proposal", data={"pair": _pairs(page)})
    session.refresh(app)
    conflicted = app.assignments[0]
    declare_conflict(session, conflicted.evaluator, conflicted, conflicted=True,
                     reason="Entinen työnantaja")
    session.commit()
    page = body(client.get(f"/evaluation/calls/{call.id}/assignments"))
    assert "Entinen työnantaja" in page
    assert f"{conflicted.evaluator.name} (conflict of interest)" in page
    pairs = _pairs(page)
    assert len(pairs) == 1 and not pairs[0].endswith(f":{conflicted.evaluator_id}")
    assert client.post(f"/evaluation/calls/{call.id}/assignments/proposal",
                       data={"pair": pairs}).status_code == 302
    session.refresh(app)
    assert len(active(app)) == 2 and conflicted.evaluator_id not in active(app)


def test_a_stale_proposal_is_not_applied(session, admin, applications, evaluators, login):
    """If the proposal changed after the page was loaded (or the form was tampered with), is
    nothing assigned and the new proposal shown?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    evaluators(2)
    client = login(admin)
    for pairs in ([f"{app.id}:999999"], [], ["nonsense"]):
        response = client.post(f"/evaluation/calls/{call.id}/assignments/proposal",
                               data={"pair": pairs})
        assert response.status_code == 409
        assert "The proposal has changed" in body(response)
    session.refresh(app)
    assert app.assignments == []


def test_manual_assignment(session, admin, applications, evaluators, make_user, login):
    """Can an administrator assign an evaluator by hand, and is an evaluator from the
    application's own organisation, a non-evaluator or a nonsense choice refused with a
    message?"""
    admin.locale = "en"
    call, (app,) = applications("250000")
    (evaluator,) = evaluators(1)
    insider = make_user("evaluator", organisation=app.organisation)
    applicant = make_user("applicant")
    client = login(admin)
    path = f"/evaluation/submissions/{app.id}/evaluators"
    refused = client.post(path, data={"evaluator_id": insider.id})
    assert refused.status_code == 403
    assert "cannot evaluate their own organisation" in body(refused)
    assert client.post(path, data={"evaluator_id": applicant.id}).status_code == 422
    for raw in ("", "abc", "-1", "99999999999"):
        response = client.post(path, data={"evaluator_id": raw})
        assert response.status_code == 422
        assert 'href="#field-evaluator_%d"' % app.id in body(response)
    assert client.post(path, data={"evaluator_id": evaluator.id}).status_code == 302
    session.refresh(app)
    assert active(app) == [evaluator.id]
    again = client.post(path, data={"evaluator_id": evaluator.id})
    assert again.status_code == 422 and "assigned already" in body(again)


def _pairs(page: str) -> list[str]:
    return re.findall(r'name="pair" value="([^"]+)"', page)

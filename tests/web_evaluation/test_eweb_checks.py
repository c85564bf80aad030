"""Eligibility (ESR) and qualification (Jotpa) checks per requirement, with reasons."""
from __future__ import annotations

from models import RequirementCheck
from workflow.engine import history

from support.evaluation import criteria
from support.web import body, cell


def test_eligibility_checks_with_reasons_decide_the_application(session, admin,
                                                               submitted_applications, login):
    """Can an administrator record each eligibility requirement with a reason, and does
    saving and deciding mark one application ineligible (its reasons in the decision) and the
    other eligible?"""
    admin.locale = "en"
    call, (fails, passes) = submitted_applications("250000", "200000")
    by_name = criteria(session, call)
    eligible, fits = by_name["Eligible applicant"], by_name["Fits the call"]
    client = login(admin)
    page = body(client.get(f"/evaluation/submissions/{fails.id}/checks"))
    assert "Eligible applicant" in page and f'name="passed_{eligible.id}"' in page

    saved = client.post(f"/evaluation/submissions/{fails.id}/checks", data={
        f"passed_{eligible.id}": "yes", f"passed_{fits.id}": "no",
        f"reason_{fits.id}": "Hanke ei kohdistu pieniin osaamiskokonaisuuksiin.",
        "action": "decide", "comment": "Tarkastettu 4.6."})
    assert saved.status_code == 302
    session.refresh(fails)
    assert fails.state == "ineligible"
    comment = history(session, fails)[-1].comment
    assert "Tarkastettu 4.6." in comment and "ei kohdistu pieniin" in comment
    after = body(client.get(f"/evaluation/submissions/{fails.id}/checks"))
    assert "Hanke ei kohdistu pieniin osaamiskokonaisuuksiin." in after
    assert "A requirement not met" in cell(after, "checks-outcome")

    ok = client.post(f"/evaluation/submissions/{passes.id}/checks", data={
        f"passed_{eligible.id}": "yes", f"passed_{fits.id}": "yes", "action": "decide"})
    assert ok.status_code == 302
    session.refresh(passes)
    assert passes.state == "in_evaluation"


def test_a_failed_requirement_needs_its_reason(session, admin, submitted_applications, login):
    """Is a requirement marked not met without a reason refused with a message on that
    requirement, and nothing recorded?"""
    admin.locale = "en"
    call, (app,) = submitted_applications("250000")
    fits = criteria(session, call)["Fits the call"]
    client = login(admin)
    response = client.post(f"/evaluation/submissions/{app.id}/checks", data={
        f"passed_{fits.id}": "no", f"reason_{fits.id}": "  ", "action": "save"})
    assert response.status_code == 422
    assert f'href="#field-criterion_{fits.id}"' in body(response)
    assert "Write the reason." in body(response)
    assert session.query(RequirementCheck).count() == 0
    odd = client.post(f"/evaluation/submissions/{app.id}/checks",
                      data={f"passed_{fits.id}": "maybe", "action": "save"})
    assert odd.status_code == 422 and "Choose met or not met." in body(odd)


def test_deciding_needs_every_requirement_checked(session, admin, submitted_applications,
                                                  login):
    """Is deciding with unchecked requirements refused with how many are left?"""
    admin.locale = "en"
    call, (app,) = submitted_applications("250000")
    eligible = criteria(session, call)["Eligible applicant"]
    client = login(admin)
    response = client.post(f"/evaluation/submissions/{app.id}/checks", data={
        f"passed_{eligible.id}": "yes", "action": "decide"})
    assert response.status_code == 409
    assert "Check every requirement first: 1 unchecked." in body(response)
    session.refresh(app)
    assert app.state == "eligibility_check"
    assert session.query(RequirementCheck).count() == 0      # rolled back with the refusal


def test_qualification_excludes_a_tender_with_the_reason(session, admin, tenders, login):
    """Can an administrator qualify one tender and exclude another for an exclusion ground,
    with the reason in the decision?"""
    admin.locale = "en"
    call, (good, bad) = tenders("50000", "40000")
    by_name = criteria(session, call)
    ground, experience = by_name["No exclusion ground"], by_name["Experience"]
    client = login(admin)
    path = f"/evaluation/submissions/{bad.id}/checks"
    assert "Experience" in body(client.get(path))
    assert client.post(path, data={
        f"passed_{ground.id}": "no", f"reason_{ground.id}": "Verovelkaa (81 §).",
        f"passed_{experience.id}": "yes", "action": "decide"}).status_code == 302
    assert client.post(f"/evaluation/submissions/{good.id}/checks", data={
        f"passed_{ground.id}": "yes", f"passed_{experience.id}": "yes",
        "action": "decide"}).status_code == 302
    session.refresh(bad)
    session.refresh(good)
    assert (good.state, bad.state) == ("qualified", "excluded")
    assert "Verovelkaa (81 §)." in history(session, bad)[-1].comment
    # Once decided, the page shows the result without a form.
    page = body(client.get(path))
    assert f'name="passed_{ground.id}"' not in page and "Verovelkaa (81 §)." in page

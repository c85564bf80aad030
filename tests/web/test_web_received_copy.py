"""Others see what was received: an applicant who keeps editing after submitting (without
submitting again) must not have those edits or files read as if they had been submitted.
Administrators and evaluators are shown the last submitted version, the one that counts
(DOMAIN §3), on every page and in the API; the own organisation sees its working copy."""
from __future__ import annotations

import pytest
from support.web import body
from test_web_attachments import ESR_FORM, edit, pdf

from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.timed import run_due_transitions
from workflow.web.api.auth import issue_token

pytestmark = pytest.mark.usefixtures("instance")
SUBMITTED = "Mikrotutkinnot työelämään"
LATER = "Keskeneräinen uusi nimi 5521"


@pytest.fixture
def edited_after_submitting(session, clock, make_call, make_submission, make_user, login, admin):
    """An application submitted with Liite.pdf; then its working copy got a new title and a
    second file, never submitted; the call has closed."""
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant)
    client = login(applicant)
    assert edit(client, submission, file=(pdf("lähetetty"), "Liite.pdf")).status_code == 302
    fire(session, submission, "submit", applicant)
    session.commit()
    clock.advance(hours=1)
    assert edit(client, submission, title=LATER,
                file=(pdf("myöhemmin"), "Myöhempi.pdf")).status_code == 302
    session.refresh(submission)
    submitted_file, later_file = submission.attachments
    clock.set(call.deadline)
    run_due_transitions(session)                                   # the call closes
    evaluator = make_user("evaluator")
    assignment = assign_evaluator(session, admin, submission, evaluator)
    declare_conflict(session, evaluator, assignment, conflicted=False)
    session.commit()
    return submission, applicant, evaluator, client, submitted_file, later_file


def test_administrator_and_evaluator_see_the_submitted_version_not_later_edits(
        session, login, admin, edited_after_submitting):
    """After the deadline, do the administrator's and the evaluator's pages show the version
    received, and refuse the file attached after it?"""
    submission, _applicant, evaluator, _client, submitted_file, later_file = edited_after_submitting
    admin_page = body(login(admin).get(f"/admin/submissions/{submission.id}"))
    assignment = submission.assignments[0]
    evaluator_client = login(evaluator)
    evaluator_page = body(evaluator_client.get(f"/evaluator/assignments/{assignment.id}"))
    for page in (admin_page, evaluator_page):
        assert SUBMITTED in page and "Liite.pdf" in page
        assert LATER not in page and "Myöhempi.pdf" not in page
        assert "Versio 1" in page
    assert evaluator_client.get(
        f"/submissions/{submission.id}/attachments/{submitted_file.id}").status_code == 200
    assert evaluator_client.get(
        f"/submissions/{submission.id}/attachments/{later_file.id}").status_code == 404


def test_the_api_gives_others_the_received_version_and_the_owner_its_working_copy(
        session, app, admin, edited_after_submitting):
    """Does an integrator acting for the ministry get the received version (content, files,
    list) while the applicant's own integration gets its working copy?"""
    submission, applicant, _evaluator, _client, submitted_file, later_file = edited_after_submitting
    client = app.test_client()

    def get(user, path):
        token = issue_token(session, user)[0]
        session.commit()
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})

    seen = get(admin, f"/submissions/{submission.id}").get_json()
    assert seen["content"]["title"] == SUBMITTED
    assert [a["filename"] for a in seen["attachments"]] == ["Liite.pdf"]
    listed = get(admin, f"/submissions?call_id={submission.call_id}").get_json()["items"]
    assert [s["content"]["title"] for s in listed] == [SUBMITTED]
    files = get(admin, f"/submissions/{submission.id}/attachments").get_json()["items"]
    assert [a["id"] for a in files] == [submitted_file.id]
    assert get(admin, f"/submissions/{submission.id}/attachments/{later_file.id}/content"
               ).status_code == 404

    own = get(applicant, f"/submissions/{submission.id}").get_json()
    assert own["content"]["title"] == LATER
    assert [a["filename"] for a in own["attachments"]] == ["Liite.pdf", "Myöhempi.pdf"]


def test_an_administrator_sees_that_a_draft_has_not_been_submitted(
        session, login, admin, make_call, make_submission):
    """A draft's working copy is the applicant's own until it is submitted."""
    submission = make_submission(make_call("esr", state="open"),
                                 content={**ESR_FORM, "title": LATER})
    page = body(login(admin).get(f"/admin/submissions/{submission.id}"))
    assert "Mitään ei ole vielä lähetetty." in page and LATER not in page

"""Links in reminder mails and digests name a submission (`/submissions/<id>`), not a role's
page: each reader who follows one lands where they work with it, and nobody else learns
that it exists."""
from __future__ import annotations

from workflow.assignments import assign_evaluator


def test_a_reminder_link_leads_each_reader_to_their_own_page(
        session, make_call, make_submission, make_user, login, anonymous, admin):
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant, submit=True)
    evaluator = make_user("evaluator")
    assignment = assign_evaluator(session, admin, submission, evaluator)
    path = f"/submissions/{submission.id}"

    own = login(applicant).get(path)
    assert own.status_code == 302
    assert own.headers["Location"] == f"/applicant/submissions/{submission.id}"
    assert login(applicant).get(own.headers["Location"]).status_code == 200
    assert login(evaluator).get(path).headers["Location"] == (
        f"/evaluator/assignments/{assignment.id}")
    assert login(admin).get(path).headers["Location"] == f"/admin/submissions/{submission.id}"

    assert login(make_user("applicant")).get(path).status_code == 404   # another organisation
    assert login(make_user("evaluator")).get(path).status_code == 404   # not assigned
    signed_out = anonymous.get(path)
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]

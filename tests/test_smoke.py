from workflow.engine import fire, history


def test_an_applicant_submits_and_gets_a_receipt(session, clock, make_call, make_submission):
    """Can an applicant submit an ESR application before the deadline and get a receipt?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    entry = fire(session, submission, "submit", submission.created_by)
    assert submission.state == "submitted"
    assert entry.content_sha256 == submission.content_sha256
    assert [e.trigger for e in history(session, submission)] == ["create", "submit"]

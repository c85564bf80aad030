"""The evaluator's story: assignments with due dates, the conflict-of-interest declaration
before any content, the content after declaring no conflict, scoring every criterion with a
justification, saving a draft and submitting the review."""
from __future__ import annotations

import datetime as dt

from support.web import body

from models import AuditEntry
from workflow.assignments import assign_evaluator
from workflow.engine import fire
from workflow.evaluation.queries import criteria_of, scored_criteria
from workflow.timeutil import HELSINKI

SECRET = "Salainen toteutussuunnitelma 7731"


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def _assigned(session, make_call, make_submission, make_user, admin):
    call = make_call("esr", state="open")
    submission = make_submission(call, content={"title": "Hanke", "summary": SECRET,
                                                "objectives": "Tavoitteet", "budget_total": "1000"},
                                 submit=True)
    evaluator = make_user("evaluator")
    assignment = assign_evaluator(session, admin, submission, evaluator,
                                  due_at=helsinki(2024, 6, 20, 16, 0))
    return submission, evaluator, assignment


def test_an_evaluator_declares_no_conflict_then_reads_and_completes(
        session, clock, make_call, make_submission, make_user, admin, login):
    """Does an evaluator see the assignment with its due date, see no content before the
    declaration, read the content after declaring no conflict, and then score each criterion
    on its scale with a justification, save a draft and submit the review?"""
    submission, evaluator, assignment = _assigned(session, make_call, make_submission, make_user, admin)
    client = login(evaluator)

    listing = client.get("/evaluator/")
    assert listing.status_code == 200
    assert "20.6.2024 klo 16.00" in body(listing)
    assert submission.organisation.name in body(listing)

    before = client.get(f"/evaluator/assignments/{assignment.id}")
    assert before.status_code == 200
    assert SECRET not in body(before)
    assert "Oletko esteellinen" in body(before)
    # The content is not reachable by another route either.
    assert client.get(f"/submissions/{submission.id}/transition?trigger=submit").status_code in (200, 409)
    assert SECRET not in body(client.get(f"/submissions/{submission.id}/transition?trigger=submit"))

    declared = client.post(f"/evaluator/assignments/{assignment.id}/declaration",
                           data={"conflict": "no"})
    assert declared.status_code == 302
    assert assignment.conflict is False
    after = client.get(f"/evaluator/assignments/{assignment.id}")
    assert SECRET in body(after)

    # Scores open when the submission is in evaluation.
    assert "name=\"score_" not in body(after)
    _to_evaluation(session, clock, submission, admin)
    page = body(client.get(f"/evaluator/assignments/{assignment.id}"))
    criteria = scored_criteria(criteria_of(session, submission.call_id))
    assert criteria and all(f'name="score_{c.id}"' in page for c in criteria)

    incomplete = client.post(f"/evaluator/assignments/{assignment.id}/review",
                             data={"action": "submit", f"score_{criteria[0].id}": "3"})
    assert incomplete.status_code == 422
    assert f'href="#field-criterion_{criteria[1].id if len(criteria) > 1 else criteria[0].id}"' in body(incomplete)
    out_of_scale = client.post(f"/evaluator/assignments/{assignment.id}/review",
                               data={"action": "save", f"score_{criteria[0].id}": "99"})
    assert out_of_scale.status_code == 422
    assert f'href="#field-criterion_{criteria[0].id}"' in body(out_of_scale)

    draft = {f"score_{c.id}": str(c.scale_max) for c in criteria}
    draft.update({f"justification_{c.id}": f"Perustelu {c.id}" for c in criteria})
    saved = client.post(f"/evaluator/assignments/{assignment.id}/review", data={**draft, "action": "save"})
    assert saved.status_code == 302 and assignment.completed_at is None
    assert f"Perustelu {criteria[0].id}" in body(client.get(f"/evaluator/assignments/{assignment.id}"))
    submitted = client.post(f"/evaluator/assignments/{assignment.id}/review",
                            data={**draft, "action": "submit"})
    assert submitted.status_code == 302
    assert assignment.completed_at == clock.now()
    again = client.post(f"/evaluator/assignments/{assignment.id}/review", data={**draft, "action": "save"})
    assert again.status_code == 409


def _to_evaluation(session, clock, submission, admin):
    """After the deadline: the call closes and the administrator finds the application eligible."""
    clock.set(helsinki(2024, 6, 4, 9, 0))
    fire(session, submission.call, "close", None)
    fire(session, submission, "start_eligibility_check", admin)
    fire(session, submission, "mark_eligible", admin)
    session.commit()


def test_a_conflicted_evaluator_never_sees_the_content(
        session, clock, make_call, make_submission, make_user, admin, login):
    """Does an evaluator who declares a conflict never see the content, on any page?"""
    submission, evaluator, assignment = _assigned(session, make_call, make_submission, make_user, admin)
    client = login(evaluator)
    no_reason = client.post(f"/evaluator/assignments/{assignment.id}/declaration",
                            data={"conflict": "yes", "reason": " "})
    assert no_reason.status_code == 422
    assert 'href="#field-reason"' in body(no_reason)
    declared = client.post(f"/evaluator/assignments/{assignment.id}/declaration",
                           data={"conflict": "yes", "reason": "Entinen työnantaja"})
    assert declared.status_code == 302
    assert assignment.conflict is True

    for url in (f"/evaluator/assignments/{assignment.id}", "/evaluator/",
                f"/submissions/{submission.id}/transition?trigger=submit",
                f"/applicant/submissions/{submission.id}",
                f"/applicant/submissions/{submission.id}/receipt"):
        assert SECRET not in body(client.get(url)), url
    assert client.post(f"/evaluator/assignments/{assignment.id}/review",
                       data={"action": "save"}).status_code == 403
    # A second declaration is refused: the first one stands.
    assert client.post(f"/evaluator/assignments/{assignment.id}/declaration",
                       data={"conflict": "no"}).status_code == 409


def test_the_declaration_needs_an_answer(session, clock, make_call, make_submission, make_user,
                                        admin, login):
    """Is a declaration without a yes/no answer refused with a message linked to the choice?"""
    _submission, evaluator, assignment = _assigned(session, make_call, make_submission, make_user, admin)
    client = login(evaluator)
    response = client.post(f"/evaluator/assignments/{assignment.id}/declaration",
                           data={"conflict": "maybe"})
    assert response.status_code == 422
    assert 'href="#field-conflict"' in body(response)
    assert assignment.conflict is None


def test_the_declaration_is_audited(session, clock, make_call, make_submission, make_user, admin, login):
    """Is the declaration recorded in the submission's audit trail?"""
    submission, evaluator, assignment = _assigned(session, make_call, make_submission, make_user, admin)
    client = login(evaluator)
    client.post(f"/evaluator/assignments/{assignment.id}/declaration", data={"conflict": "no"})
    triggers = [e.trigger for e in session.query(AuditEntry).filter_by(
        object_type="submission", object_id=submission.id).order_by(AuditEntry.id)]
    assert triggers[-1] == "declare_no_conflict"

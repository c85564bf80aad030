"""The automatic assignment proposal, and the opening record of a procurement."""
from __future__ import annotations

import pytest

from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.evaluation import decisions, proposals

from support import helsinki


def test_the_proposal_skips_own_organisation_and_conflicts(session, admin, applications,
                                                           make_user, evaluators):
    """Does the proposal never suggest an evaluator for their own organisation's application,
    never one who declared a conflict on it, and suggest a replacement after a conflict?"""
    call, (first, second) = applications("100000", "100000")
    insider = make_user("evaluator", organisation=first.organisation)
    outsider, other = evaluators(2)
    pool = [insider, outsider, other]
    plan = proposals.propose_assignments(session, admin, call, evaluators=pool)
    pairs = {(p.submission.id, p.evaluator.id) for p in plan}
    assert (first.id, insider.id) not in pairs
    assert {(first.id, outsider.id), (first.id, other.id)} <= pairs
    assert len([p for p in plan if p.submission is second]) == 2
    proposals.apply_proposals(session, admin, plan)

    conflicted = next(a for a in first.assignments if a.evaluator_id == outsider.id)
    declare_conflict(session, outsider, conflicted, conflicted=True, reason="Jäävi")
    # The only other candidate is from the applicant's own organisation: no replacement.
    assert proposals.propose_assignments(session, admin, call, evaluators=pool) == []
    newcomer = evaluators(1)[0]
    replacement = proposals.propose_assignments(session, admin, call,
                                                evaluators=[*pool, newcomer])
    assert [(p.submission.id, p.evaluator.id, p.replaces) for p in replacement] == [
        (first.id, newcomer.id, conflicted)]


def test_the_proposal_counts_existing_work(session, admin, applications, evaluators):
    """Does an evaluator who already carries more work get fewer new proposals?"""
    call, apps = applications("1", "1", "1")
    busy, free_a, free_b = evaluators(3)
    assign_evaluator(session, admin, apps[0], busy)
    plan = proposals.propose_assignments(session, admin, call, evaluators=[busy, free_a, free_b],
                                         per_submission=2)
    load = {u.id: 0 for u in (busy, free_a, free_b)}
    for p in plan:
        load[p.evaluator.id] += 1
    assert (load[busy.id], load[free_a.id], load[free_b.id]) == (1, 2, 2)
    assert len(plan) == 5


def test_only_an_administrator_gets_a_proposal(session, applications, make_user):
    call, _apps = applications("1")
    with pytest.raises(WorkflowError) as refusal:
        proposals.propose_assignments(session, make_user("evaluator"), call)
    assert refusal.value.code == "not_allowed"


def test_an_opening_by_an_administrator_records_who(session, clock, admin, procurement,
                                                    make_submission):
    """Does the opening record name the administrator who opened, the instant, and each
    tender's hash — and is there no record before the opening?"""
    call = procurement()
    tender = make_submission(call, submit=True)
    assert decisions.opening_record(session, call) is None
    clock.set(helsinki(2024, 6, 4, 16, 20))
    fire(session, call, "open_tenders", admin)
    record = decisions.opening_record(session, call)
    assert (record.opened_by, record.opened_by_id) == (admin.name, admin.id)
    assert record.opened_at == helsinki(2024, 6, 4, 16, 20)
    assert record.as_json()["tenders"] == [{
        "submission_id": tender.id, "organisation": tender.organisation.name,
        "received_at": tender.submitted_at.isoformat(), "sha256": tender.content_sha256}]

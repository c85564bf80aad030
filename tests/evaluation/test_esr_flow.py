"""A whole ESR call through the engine: applications, eligibility with reasons, evaluators
proposed and replaced after a conflict, scores, ranking, funding line, decisions, letters and
the start of implementation."""
from __future__ import annotations

from decimal import Decimal

import pytest

from workflow.assignments import declare_conflict
from workflow.engine import fire, history
from workflow.errors import WorkflowError
from workflow.evaluation import decisions, proposals
from workflow.evaluation.qualification import decide_requirements, outcome, record_checks
from workflow.evaluation.ranking import build_ranking, ranking_view
from workflow.evaluation.reviews import score_and_submit
from workflow.permissions import can_read_content

from support.evaluation import criteria, scores

# Per application: each evaluator's scores (Need, Implementation, Impact, Horizontal).
SCORES = {
    "Hanke 1": [(5, 5, 4, 3), (4, 5, 5, 3)],   # 27 + 30 + 22.5 + 15   = 94.5
    "Hanke 2": [(4, 4, 4, 2), (4, 3, 4, 2)],   # 24 + 21 + 20 + 10     = 75
    "Hanke 3": [(3, 3, 3, 2), (4, 3, 3, 1)],   # 21 + 18 + 15 + 7.5    = 61.5
    "Hanke 4": [(1, 5, 5, 3), (2, 5, 5, 3)],   # 9 + 30 + 25 + 15 = 79, but Need 1.5 < 2
}


def test_an_esr_call_from_applications_to_implementation(session, clock, admin, evaluators,
                                                         applications):
    """Can administrators take an ESR call with several applications from eligibility through
    two evaluators each to a ranking, a funding line within the budget, decisions with reasons,
    letters in every language and the start of a project?"""
    call, apps = applications("250000", "200000", "150000", "40000")
    by_title = {a.content["title"]: a for a in apps}
    crit = criteria(session, call)

    # Evaluators: the proposal gives everyone two, balanced; one conflict is replaced.
    pool = evaluators(4)
    proposal = proposals.propose_assignments(session, admin, call, evaluators=pool)
    assert len(proposal) == 8
    assert sorted(sum(p.evaluator.id == u.id for p in proposal) for u in pool) == [2, 2, 2, 2]
    proposals.apply_proposals(session, admin, proposal)
    conflicted = by_title["Hanke 2"].assignments[0]
    declare_conflict(session, conflicted.evaluator, conflicted, conflicted=True,
                     reason="Olen ollut hakijan hallituksessa")
    assert not can_read_content(conflicted.evaluator, by_title["Hanke 2"])
    replacement = proposals.propose_assignments(session, admin, call, evaluators=pool)
    assert len(replacement) == 1 and replacement[0].submission is by_title["Hanke 2"]
    assert replacement[0].replaces is conflicted
    assert replacement[0].evaluator.id not in {
        a.evaluator_id for a in by_title["Hanke 2"].assignments}
    proposals.apply_proposals(session, admin, replacement)

    # Every cleared evaluator scores and submits.
    for title, app in by_title.items():
        active = [a for a in app.assignments if a.conflict is not True]
        assert len(active) == 2
        for assignment, values in zip(active, SCORES[title]):
            declare_conflict(session, assignment.evaluator, assignment, conflicted=False)
            score_and_submit(session, assignment.evaluator, assignment, {
                crit[n].id: {"score": s, "justification": f"{title}: {n} {s}"}
                for n, s in scores(*values).items()})
        fire(session, app, "complete_evaluation", admin)
        assert app.state == "evaluated"

    # The ranking: Hanke 4 has a higher total than Hanke 2 and 3 but misses a minimum.
    ranking = build_ranking(session, call)
    order = [(r.submission.content["title"], str(r.result.total), r.funding.funded,
              r.funding.reason) for r in ranking.rows]
    assert order == [("Hanke 1", "189/2", True, None), ("Hanke 2", "75", True, None),
                     ("Hanke 3", "123/2", False, "budget"),
                     ("Hanke 4", "79", False, "below_threshold")]
    assert ranking.funding_line_after == 2
    view = ranking_view(session, call, admin)
    assert [e["total"] for e in view["entries"]] == ["94.50", "75.00", "61.50", "79.00"]
    assert view["entries"][3]["problems"] == ["below_threshold"]

    # Approving an application under a minimum, or beyond the budget, is refused.
    with pytest.raises(WorkflowError) as refusal:
        fire(session, by_title["Hanke 4"], "approve", admin, data={"granted_amount": "40000"})
    assert refusal.value.code == "invalid_transition"
    fire(session, by_title["Hanke 1"], "approve", admin, data={"granted_amount": "250000"})
    with pytest.raises(WorkflowError) as refusal:
        fire(session, by_title["Hanke 3"], "approve", admin, data={"granted_amount": "260000"})
    assert refusal.value.code == "invalid_input" and "granted_amount" in refusal.value.details
    with pytest.raises(WorkflowError) as refusal:  # more than applied for
        fire(session, by_title["Hanke 2"], "approve", admin, data={"granted_amount": "200000,01"})
    assert "applied for" in refusal.value.message("en")

    # The rest as proposed: Hanke 2 approved, Hanke 3 and 4 rejected with their reasons.
    decisions.apply_funding_proposal(session, admin, call)
    assert [by_title[t].state for t in ("Hanke 1", "Hanke 2", "Hanke 3", "Hanke 4")] == [
        "approved", "approved", "rejected", "rejected"]
    assert by_title["Hanke 2"].granted_amount == Decimal("200000.00")
    assert "funding line" in history(session, by_title["Hanke 3"])[-1].comment or \
        "rahoitusrajan" in history(session, by_title["Hanke 3"])[-1].comment
    fire(session, call, "decide", admin)
    assert call.state == "decided"

    # Letters: the approved one with the amount, the rejected one with the reason, per locale.
    letter = decisions.funding_decision_letter(session, by_title["Hanke 1"], "en")
    text = letter.text
    assert "has been approved" in text and "€250,000.00" in text
    assert "Position in the ranking: 1 of 4." in text and "Total: 94.50 of 100.00 points." in text
    assert "Hanke 1: Need 5" in text  # the evaluators' justifications, anonymously
    assert "within 30 days" in text
    fi = decisions.funding_decision_letter(session, by_title["Hanke 3"], "fi").text
    assert "hylätty" in fi and "61,50" in fi
    sv = decisions.funding_decision_letter(session, by_title["Hanke 4"], "sv").text
    assert "avslagits" in sv
    letters = decisions.decision_letters(session, call)
    assert {out.submission.id for out in letters} == {a.id for a in apps}

    # The applicant sees its own points and everyone's position, never others' amounts.
    own = ranking_view(session, call, by_title["Hanke 3"].created_by)
    assert own["visibility"] == "own"
    assert [e["own"] for e in own["entries"]] == [False, False, True, False]
    assert "amount" not in own["entries"][0] and own["entries"][2]["amount"] == "150000.00"

    # Implementation starts for an approved project.
    fire(session, by_title["Hanke 1"], "start_implementation", by_title["Hanke 1"].created_by)
    assert by_title["Hanke 1"].state == "in_implementation"


def test_an_ineligible_application_is_refused_with_its_reasons(session, clock, admin, esr_call,
                                                               make_submission, close_call):
    """Does a failed eligibility criterion make the application ineligible, with the criterion
    and the reason recorded, and can it then not be marked eligible?"""
    call = esr_call()
    app = make_submission(call, submit=True)
    close_call(call)
    fire(session, call, "start_evaluation", admin)
    fire(session, app, "start_eligibility_check", admin)
    crit = criteria(session, call)
    with pytest.raises(WorkflowError) as refusal:
        record_checks(session, admin, app, {crit["Eligible applicant"].id: {"passed": False}})
    assert refusal.value.code == "invalid_input"
    record_checks(session, admin, app, {
        crit["Eligible applicant"].id: {"passed": True, "reason": ""},
        crit["Fits the call"].id: {"passed": False,
                                   "reason": "Hanke ei koske osaamiskokonaisuuksia."}})
    assert outcome(session, app).passed is False
    with pytest.raises(WorkflowError) as refusal:
        fire(session, app, "mark_eligible", admin)
    assert refusal.value.code == "invalid_transition"
    decide_requirements(session, admin, app)
    assert app.state == "ineligible"
    entry = history(session, app)[-1]
    assert entry.trigger == "mark_ineligible"
    assert "Fits the call (fi): Hanke ei koske osaamiskokonaisuuksia." in entry.comment
    letter = decisions.funding_decision_letter(session, app, "en").text
    assert "found ineligible" in letter and "Hanke ei koske" in letter

"""Plain helpers of the administrators' web tests (the fixtures are in conftest.py); the
helpers every web folder uses are in tests/support/web.py."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy.orm as so

from models import Call, Submission, User
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.engine import fire
from workflow.evaluation.queries import criteria_of, scored_criteria
from workflow.evaluation.reviews import score_and_submit

from support import helsinki
from support.web import body

ESR_CALL_FORM = {
    "kind": "esr", "title": "Pienten osaamiskokonaisuuksien kehittäminen",
    "description": "ESR+-hankehaku korkeakouluille ja ammatilliselle koulutukselle.",
    "opens_at_date": "11.3.2024", "opens_at_time": "9.00",
    "deadline_date": "3.6.2024", "deadline_time": "16.15", "budget": "500 000",
}
JOTPA_CALL_FORM = {
    "kind": "jotpa", "title": "Pienten osaamiskokonaisuuksien pilotit",
    "opens_at_date": "15.5.2024", "opens_at_time": "9.00",
    "deadline_date": "2024-06-14", "deadline_time": "16:15",
    "questions_until_date": "7.6.2024", "questions_until_time": "12.00",
    "hilma_notice_id": "2024-123456",
    "event_title": "Infotilaisuus", "event_date": "22.4.2024", "event_starts": "10.00",
    "event_ends": "11.00", "event_location": "Teams",
}


def created_id(response) -> int:
    """The id of the call a creation redirected to."""
    assert response.status_code == 302, body(response)[-2000:]
    return int(re.search(r"/admin/calls/(\d+)", response.headers["Location"]).group(1))


def error_summary(response) -> str:
    """The text of the page's error summary ('' if none)."""
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', body(response), re.S)
    return re.sub(r"<[^>]+>", " ", match.group(0)) if match else ""


def review_fully(session: so.Session, admin: User, submission: Submission,
                 evaluators: list[User], score: int = 4) -> None:
    """Each evaluator assigned (if not yet), declared free of conflict, every scored criterion
    scored and justified, the review submitted."""
    criteria = scored_criteria(criteria_of(session, submission.call_id))
    for evaluator in evaluators:
        assignment = next((a for a in submission.assignments if a.evaluator_id == evaluator.id), None)
        if assignment is None:
            assignment = assign_evaluator(session, admin, submission, evaluator)
        declare_conflict(session, evaluator, assignment, conflicted=False)
        score_and_submit(session, evaluator, assignment, {
            c.id: {"score": min(score, c.scale_max), "justification": "Perusteltu arvio."}
            for c in criteria})


def to_eligibility_check(session: so.Session, clock, admin: User, call: Call,
                         submissions: list[Submission]) -> None:
    """The ESR call closes at its deadline and its submitted applications are checked."""
    clock.set(call.deadline)
    fire(session, call, "close", None)
    fire(session, call, "start_evaluation", admin)
    for submission in submissions:
        fire(session, submission, "start_eligibility_check", admin)


def to_standstill(session: so.Session, clock, admin: User, call: Call, tenders: list[Submission],
                  evaluators: list[User]) -> None:
    """Open the tenders at the deadline, qualify and score them, award the best, decide, and
    deliver the decision on Friday 7.6.2024 12.00: the standstill's last day is Monday
    24.6.2024 (day 14 is Midsummer Eve), the contract may be signed from 25.6.2024."""
    from workflow.evaluation.decisions import award_by_ranking

    clock.set(call.deadline)
    fire(session, call, "open_tenders", None)
    clock.set(call.deadline + dt.timedelta(hours=1))
    fire(session, call, "start_qualification", admin)
    for tender in tenders:
        fire(session, tender, "qualify", admin)
    fire(session, call, "start_comparison", admin)
    for tender in tenders:
        review_fully(session, admin, tender, evaluators)
    award_by_ranking(session, admin, call, winners=1)
    fire(session, call, "decide", admin)
    clock.set(helsinki(2024, 6, 7, 12, 0))
    fire(session, call, "deliver_decision", admin)

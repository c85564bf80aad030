"""An automatic proposal of evaluator assignments (issue 5 §2). An administrator looks at it
and applies it (or assigns by hand with `assignments.assign_evaluator`).

The rule (`propose`, pure): every submission should have `per_submission` active evaluators
(the call's minimum by default); an active assignment is one not declared conflicted, so a
declared conflict leaves a gap and the proposal suggests a replacement. Submissions missing the
most evaluators are served first, then by id; each gap gets the candidate with the lowest load
(then the lowest user id), skipping anyone from the submission's own organisation and anyone
already assigned to it — conflicted ones included: a conflict is never proposed again. A
candidate's load counts their active assignments in this call and their unfinished active
assignments in other calls, plus what this proposal has already given them.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, EvaluatorAssignment, Submission, User, UserRole

from ..assignments import ASSIGNABLE, assign_evaluator
from ..errors import not_allowed
from ..permissions import is_admin, is_sealed
from . import queries as q


@dataclasses.dataclass(frozen=True)
class Candidate:
    user_id: int
    organisation_id: int | None
    load: int = 0


@dataclasses.dataclass(frozen=True)
class Need:
    submission_id: int
    organisation_id: int
    active: int = 0
    # Evaluators assigned to it already, conflicted or not: never proposed for it.
    assigned: frozenset[int] = frozenset()


def propose(needs: Iterable[Need], candidates: Sequence[Candidate],
            per_submission: int) -> list[tuple[int, int]]:
    """(submission id, user id) pairs that fill every gap that can be filled."""
    load = {c.user_id: c.load for c in candidates}
    out: list[tuple[int, int]] = []
    for need in sorted(needs, key=lambda n: (n.active - per_submission, n.submission_id)):
        chosen: set[int] = set()
        for _gap in range(per_submission - need.active):
            eligible = [c for c in candidates
                        if c.user_id not in need.assigned and c.user_id not in chosen
                        and (c.organisation_id is None
                             or c.organisation_id != need.organisation_id)]
            if not eligible:
                break
            best = min(eligible, key=lambda c: (load[c.user_id], c.user_id))
            chosen.add(best.user_id)
            load[best.user_id] += 1
            out.append((need.submission_id, best.user_id))
    return out


@dataclasses.dataclass(frozen=True)
class Proposal:
    submission: Submission
    evaluator: User
    # The conflicted assignment this one makes up for, if any.
    replaces: EvaluatorAssignment | None


def assignable_submissions(session: so.Session, call: Call) -> list[Submission]:
    rows = session.scalars(
        sa.select(Submission).options(so.selectinload(Submission.assignments))
        .where(Submission.call_id == call.id, Submission.state.in_(ASSIGNABLE[call.kind]))
        .order_by(Submission.id))
    return [s for s in rows if not is_sealed(s)]


def evaluator_pool(session: so.Session) -> list[User]:
    return list(session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "evaluator", User.is_active.is_(True)).order_by(User.id)))


def loads(session: so.Session, call: Call, user_ids: Iterable[int]) -> dict[int, int]:
    ids = list(user_ids)
    if not ids:
        return {}
    active = sa.or_(EvaluatorAssignment.conflict.is_(None), EvaluatorAssignment.conflict.is_(False))
    rows = session.execute(
        sa.select(EvaluatorAssignment.evaluator_id, sa.func.count())
        .join(Submission, Submission.id == EvaluatorAssignment.submission_id)
        .where(EvaluatorAssignment.evaluator_id.in_(ids), active,
               sa.or_(Submission.call_id == call.id, EvaluatorAssignment.completed_at.is_(None)))
        .group_by(EvaluatorAssignment.evaluator_id))
    counted = {user_id: count for user_id, count in rows}
    return {i: counted.get(i, 0) for i in ids}


def propose_assignments(session: so.Session, actor: User, call: Call, *,
                        evaluators: Sequence[User] | None = None,
                        per_submission: int | None = None) -> list[Proposal]:
    """The proposal for a call (nothing is changed)."""
    if not is_admin(actor):
        raise not_allowed()
    pool = [u for u in (evaluators if evaluators is not None else evaluator_pool(session))
            if u.is_active and u.has_role("evaluator")]
    n = per_submission or q.settings_of(session, call.id).min_evaluators
    submissions = assignable_submissions(session, call)
    load = loads(session, call, [u.id for u in pool])
    candidates = [Candidate(u.id, u.organisation_id, load[u.id]) for u in pool]
    needs = [Need(s.id, s.organisation_id, len(q.active_assignments(s)),
                  frozenset(a.evaluator_id for a in s.assignments)) for s in submissions]
    by_submission = {s.id: s for s in submissions}
    by_user = {u.id: u for u in pool}
    proposals, replaced = [], set()
    for submission_id, user_id in propose(needs, candidates, n):
        submission = by_submission[submission_id]
        gap = next((a for a in sorted(submission.assignments, key=lambda a: a.id)
                    if a.conflict is True and a.id not in replaced), None)
        if gap is not None:
            replaced.add(gap.id)
        proposals.append(Proposal(submission, by_user[user_id], gap))
    return proposals


def apply_proposals(session: so.Session, actor: User, proposals: Iterable[Proposal], *,
                    due_at=None) -> list[EvaluatorAssignment]:
    """Assign as proposed, each through `assign_evaluator` (its checks and audit row)."""
    return [assign_evaluator(session, actor, p.submission, p.evaluator, due_at=due_at)
            for p in proposals]

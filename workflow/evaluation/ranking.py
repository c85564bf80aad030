"""A call's ranking from the database: load once, compute with `aggregation`, and show it to
each viewer as far as they may see it (issue 5 §4, §8). Read-only; no engine import (the guards
use it).

Who sees what (`ranking_view`):
- an administrator: everything — every entry with its scores, each evaluator's score per
  criterion (anonymous), consensus and disagreement flags, prices or requested amounts, the
  funding line;
- an applicant or bidder with a ranked submission in the call, once the results are public
  (ESR: the call is decided; Jotpa: the decision has been delivered): every entry's position,
  organisation, total and whether it was funded/awarded; for its own entry also the points
  and score per criterion, its price and price points (or its amount) and the flags. Never
  another entry's content, title, price, amount or per-criterion points (business secrets);
- everybody else, evaluators included: nothing (None; the API answers 404).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Criterion, EvaluationSettings, Submission, SubmissionVersion, User

from ..permissions import is_admin, is_own_organisation
from . import queries as q
from .aggregation import (CriterionSpec, Entry, FundingRow, Ranked, Result, display, evaluate,
                          funding_line, max_total, rank)

# Submissions that take part in the comparison.
RANKED_STATES = {
    "esr": ("in_evaluation", "evaluated", "approved", "rejected", "in_implementation",
            "final_report_submitted", "final_report_returned", "closed"),
    "jotpa": ("qualified", "scored", "awarded", "not_awarded"),
}
FUNDED_STATES = ("approved", "in_implementation", "final_report_submitted",
                 "final_report_returned", "closed")
PUBLIC_CALL_STATES = {"esr": ("decided", "archived")}


@dataclasses.dataclass(frozen=True)
class RankingRow:
    ranked: Ranked
    submission: Submission
    amount: Decimal | None          # ESR: granted, else requested (budget_total)
    reviews: int                    # submitted reviews that count
    funding: FundingRow | None      # ESR only
    version: SubmissionVersion | None = None    # the version that counts (DOMAIN §3)

    @property
    def result(self) -> Result:
        return self.ranked.result

    @property
    def title(self) -> str:
        """The title received, never the working copy's (who may read it is the caller's
        question)."""
        return q.title_of(self.version)


@dataclasses.dataclass(frozen=True)
class CallRanking:
    call: Call
    criteria: list[Criterion]
    specs: list[CriterionSpec]
    settings: EvaluationSettings
    rows: list[RankingRow]

    @property
    def max_total(self) -> Fraction:
        return max_total(self.specs)

    def row(self, submission_id: int) -> RankingRow | None:
        return next((r for r in self.rows if r.submission.id == submission_id), None)

    @property
    def funding_line_after(self) -> int | None:
        """The position of the last application above the funding line (ESR)."""
        funded = [r.ranked.position for r in self.rows if r.funding and r.funding.funded]
        return max(funded) if funded else None


def entries_for(session: so.Session, submissions: list[Submission],
                versions: dict[int, SubmissionVersion] | None
                ) -> tuple[list[Entry], dict[int, int], dict[int, Decimal | None]]:
    """The formulas' input for these submissions: the scores of submitted reviews only (drafts
    and conflicted evaluators never count), the consensus scores, the price or amount read
    from the version that counts (`versions`, q.counted_versions). Also: submitted reviews per
    submission, and amounts. `versions=None` leaves prices and amounts None: for points
    without a price criterion, which never read them."""
    ids = [s.id for s in submissions]
    submitted = {s.id: [a for a in s.assignments if a.completed_at is not None
                        and a.conflict is False] for s in submissions}
    scores = q.score_values(session, [a.id for rows in submitted.values() for a in rows])
    consensus = q.consensus_by_submission(session, ids)
    versions = versions or {}
    entries, reviews, amounts = [], {}, {}
    for s in submissions:
        by_criterion: dict[int, list[Decimal]] = {}
        for a in submitted[s.id]:
            for criterion_id, score in scores[a.id].items():
                if score is not None:
                    by_criterion.setdefault(criterion_id, []).append(score)
        content = versions[s.id].content if s.id in versions else None
        entries.append(Entry(
            submission_id=s.id, scores=by_criterion,
            consensus={cid: row.score for cid, row in consensus[s.id].items()},
            price=q.money(content, "price") if s.kind == "jotpa" else None,
            received_at=s.submitted_at))
        reviews[s.id] = len(submitted[s.id])
        amounts[s.id] = (s.granted_amount if s.granted_amount is not None
                         else q.money(content, "budget_total")) if s.kind == "esr" else None
    return entries, reviews, amounts


def build_ranking(session: so.Session, call: Call) -> CallRanking:
    criteria = q.criteria_of(session, call.id)
    specs = q.specs_of(criteria)
    settings = q.settings_of(session, call.id)
    submissions = list(session.scalars(
        sa.select(Submission).options(so.selectinload(Submission.assignments))
        .where(Submission.call_id == call.id, Submission.state.in_(RANKED_STATES[call.kind]))
        .order_by(Submission.id)))
    versions = q.counted_versions(session, [s.id for s in submissions])
    entries, reviews, amounts = entries_for(session, submissions, versions)
    results = evaluate(specs, entries, disagreement_margin=settings.disagreement_margin,
                       abnormally_low_share=settings.abnormally_low_share)
    ranked = rank(results, specs)
    funding = ({row.submission_id: row for row in funding_line(ranked, amounts, call.budget)}
               if call.kind == "esr" else {})
    by_id = {s.id: s for s in submissions}
    rows = [RankingRow(r, by_id[r.result.submission_id], amounts[r.result.submission_id],
                       reviews[r.result.submission_id], funding.get(r.result.submission_id),
                       versions.get(r.result.submission_id))
            for r in ranked]
    return CallRanking(call, criteria, specs, settings, rows)


def submission_result(session: so.Session, submission: Submission) -> Result:
    """One submission's own points (thresholds and completeness do not depend on the others;
    price points do, so use `build_ranking` for a tender's price points)."""
    return submission_results(session, [submission])[submission.id]


def submission_results(session: so.Session, submissions: list[Submission],
                       once: q.Once = q.load_now) -> dict[int, Result]:
    """Submission id → `submission_result`, for a list page: the criteria and settings once per
    call, the scores and consensus of all of them at once. Without price points each entry's
    result depends on that entry only, so evaluating them together changes nothing."""
    by_call: dict[int, list[Submission]] = {}
    for submission in submissions:
        by_call.setdefault(submission.call_id, []).append(submission)
    results: dict[int, Result] = {}
    for call_id, of_call in by_call.items():
        specs = [s for s in q.specs_of(q.call_criteria(session, call_id, once))
                 if s.kind == "scored"]
        settings = q.call_settings(session, call_id, once)
        entries, _reviews, _amounts = entries_for(session, of_call, None)
        for result in evaluate(specs, entries, disagreement_margin=settings.disagreement_margin):
            results[result.submission_id] = result
    return results


# Views ---------------------------------------------------------------------------------------

def results_public(call: Call) -> bool:
    """Have the participants been told the results? ESR: the call is decided. Jotpa: the
    procurement decision has been delivered (the standstill runs from then)."""
    if call.kind == "jotpa":
        return call.decision_delivered_at is not None
    return call.state in PUBLIC_CALL_STATES["esr"]


def _num(value: Fraction | Decimal | None) -> str | None:
    shown = display(value)
    return None if shown is None else str(shown)


def _criterion_json(c: Criterion) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "name": dict(c.name), "position": c.position,
            "weight": _num(c.weight), "scale_min": c.scale_min, "scale_max": c.scale_max,
            "threshold": _num(c.threshold)}


def _lines_json(result: Result, *, with_evaluators: bool) -> list[dict[str, Any]]:
    out = []
    for line in result.criteria:
        item = {"criterion_id": line.criterion_id, "kind": line.kind,
                "score": _num(line.score), "points": _num(line.points),
                "max_points": _num(line.max_points), "consensus": line.from_consensus,
                "disagreement": line.disagreement, "below_threshold": line.below_threshold}
        if with_evaluators:
            item["evaluator_scores"] = [_num(s) for s in line.evaluator_scores]
        out.append(item)
    return out


def _outcome(row: RankingRow) -> bool | None:
    """Funded (ESR) or awarded (Jotpa); None while undecided."""
    state = row.submission.state
    if row.submission.kind == "jotpa":
        return {"awarded": True, "not_awarded": False}.get(state)
    if state in FUNDED_STATES:
        return True
    return False if state == "rejected" else None


def _full_entry(row: RankingRow) -> dict[str, Any]:
    r = row.result
    return {
        "position": row.ranked.position, "submission_id": row.submission.id,
        "organisation": row.submission.organisation.name, "state": row.submission.state,
        "total": _num(r.total), "quality_points": _num(r.quality_points),
        "price": _num(r.price), "price_points": _num(r.price_points),
        "amount": _num(row.amount), "rankable": r.rankable, "problems": list(r.problems),
        "separated_by": row.ranked.separated_by, "reviews": row.reviews,
        "funded": row.funding.funded if row.funding else None,
        "funding_reason": row.funding.reason if row.funding else None,
        "cumulative": _num(row.funding.cumulative) if row.funding else None,
        "outcome": _outcome(row),
        "criteria": _lines_json(r, with_evaluators=True),
    }


def ranking_view(session: so.Session, call: Call, viewer: User | None) -> dict[str, Any] | None:
    """GET /api/v1/calls/{id}/ranking: the ranking as far as `viewer` may see it (module
    docstring), JSON-able (numbers as strings rounded half up to two decimals), or None when
    the viewer may see nothing of it."""
    admin = is_admin(viewer)
    if not admin and not results_public(call):
        return None
    ranking = build_ranking(session, call)
    own = [row for row in ranking.rows if is_own_organisation(viewer, row.submission)]
    if not admin and not own:
        return None
    base = {"call_id": call.id, "kind": call.kind, "visibility": "full" if admin else "own",
            "max_total": _num(ranking.max_total),
            "criteria": [_criterion_json(c) for c in ranking.criteria
                         if c.kind in ("scored", "price")]}
    if admin:
        return {**base, "budget": _num(call.budget),
                "funding_line_after": ranking.funding_line_after,
                "settings": {"min_evaluators": ranking.settings.min_evaluators,
                             "disagreement_margin": str(ranking.settings.disagreement_margin),
                             "abnormally_low_share": str(ranking.settings.abnormally_low_share)},
                "entries": [_full_entry(row) for row in ranking.rows]}
    own_ids = {row.submission.id for row in own}
    entries = []
    for row in ranking.rows:
        entry = {"position": row.ranked.position, "organisation": row.submission.organisation.name,
                 "total": _num(row.result.total), "outcome": _outcome(row),
                 "own": row.submission.id in own_ids}
        if entry["own"]:
            r = row.result
            entry.update({"submission_id": row.submission.id, "state": row.submission.state,
                          "quality_points": _num(r.quality_points), "price": _num(r.price),
                          "price_points": _num(r.price_points), "amount": _num(row.amount),
                          "rankable": r.rankable, "problems": list(r.problems),
                          "separated_by": row.ranked.separated_by,
                          "criteria": _lines_json(r, with_evaluators=False)})
        entries.append(entry)
    return {**base, "funding_line_after": ranking.funding_line_after, "entries": entries}

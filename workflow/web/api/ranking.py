"""GET /calls/{id}/ranking: a call's ranking as far as the caller may see it
(`workflow.evaluation.ranking.ranking_view`, CONTRACT.md § JSON API).

- administrators: every entry with its points per criterion, each evaluator's score
  (anonymously), prices or amounts, flags, the funding line and the settings;
- an applicant or bidder with a ranked submission, once the results are public (ESR: the call
  is decided; Jotpa: the decision has been delivered): every entry's position, organisation,
  total and outcome, and for its own entries their points per criterion, price or amount and
  flags; never another's price, amount, content or points per criterion;
- anybody else, evaluators included: 404, as for an object they may not know.
"""
from __future__ import annotations

from flask import Response

from ...app import db
from ...evaluation.ranking import ranking_view
from .auth import require_actor
from .blueprint import ID, bp
from .calls import load_call
from .errors import not_found
from .openapi import PATH_ID, _errors, _ok, _operation, document, nullable, ref
from .responses import respond


@bp.get(f"/calls/<{ID}:call_id>/ranking")
def get_ranking(call_id: int) -> Response:
    actor = require_actor()
    call = load_call(call_id, actor)
    view = ranking_view(db(), call, actor)
    if view is None:
        raise not_found()
    return respond(view)


# The document ------------------------------------------------------------------------------

POINTS = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["27.50"],
          "description": "Computed exactly, shown rounded half up to two decimals."}
MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "examples": ["48000.00"],
         "description": "Euros, two decimals."}
NAME = {"type": "object", "additionalProperties": {"type": "string"},
        "description": "The criterion's name in fi, sv and en."}
FLAGS = {"type": "array", "items": {"type": "string",
                                     "enum": ["incomplete", "below_threshold", "abnormally_low"]}}
SEPARATED_BY = {"type": ["string", "null"],
                "description": "The rule that placed the entry below the one above: rankable, "
                               "total, quality_points, criterion:<id>, received_at, "
                               "submission_id; null for the first."}

SCHEMAS = {
    "RankingCriterion": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "name", "position", "weight", "scale_min", "scale_max",
                     "threshold"],
        "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["scored", "price"]},
            "name": NAME, "position": {"type": "integer"},
            "weight": nullable(POINTS), "scale_min": {"type": ["integer", "null"]},
            "scale_max": {"type": ["integer", "null"]}, "threshold": nullable(POINTS),
        },
    },
    "RankingLine": {
        "type": "object", "additionalProperties": False,
        "required": ["criterion_id", "kind", "score", "points", "max_points", "consensus",
                     "disagreement", "below_threshold"],
        "description": "One criterion of one entry. `score` is the score that counts (the "
                       "consensus score when set, else the mean of the submitted reviews); "
                       "`evaluator_scores` (administrators only) each submitted review's "
                       "score, anonymously.",
        "properties": {
            "criterion_id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["scored", "price"]},
            "score": nullable(POINTS), "points": nullable(POINTS), "max_points": POINTS,
            "consensus": {"type": "boolean"}, "disagreement": {"type": "boolean"},
            "below_threshold": {"type": "boolean"},
            "evaluator_scores": {"type": "array", "items": POINTS},
        },
    },
    "RankingEntry": {
        "type": "object", "additionalProperties": False,
        "required": ["position", "organisation", "total", "outcome"],
        "description": "Administrators get every member. Others get `position`, "
                       "`organisation`, `total`, `outcome` and `own` for every entry, and the "
                       "other members only for their own organisation's entries.",
        "properties": {
            "position": {"type": "integer", "minimum": 1},
            "organisation": {"type": "string"},
            "total": POINTS,
            "outcome": {"type": ["boolean", "null"],
                        "description": "Funded (ESR) or awarded (Jotpa); null while undecided."},
            "own": {"type": "boolean"},
            "submission_id": {"type": "integer"}, "state": {"type": "string"},
            "quality_points": POINTS, "price": nullable(MONEY), "price_points": nullable(POINTS),
            "amount": nullable(MONEY), "rankable": {"type": "boolean"}, "problems": FLAGS,
            "separated_by": SEPARATED_BY, "reviews": {"type": "integer"},
            "funded": {"type": ["boolean", "null"]},
            "funding_reason": {"type": ["string", "null"],
                               "enum": ["budget", "below_threshold", "incomplete",
                                        "amount_missing", None]},
            "cumulative": nullable(MONEY),
            "criteria": {"type": "array", "items": ref("RankingLine")},
        },
    },
    "Ranking": {
        "type": "object", "additionalProperties": False,
        "required": ["call_id", "kind", "visibility", "max_total", "criteria",
                     "funding_line_after", "entries"],
        "description": "Entries in ranking order. `visibility` is full for administrators, "
                       "own for a participant. `funding_line_after` (ESR): the position of "
                       "the last application above the funding line.",
        "properties": {
            "call_id": {"type": "integer"}, "kind": {"type": "string", "enum": ["esr", "jotpa"]},
            "visibility": {"type": "string", "enum": ["full", "own"]},
            "max_total": POINTS,
            "criteria": {"type": "array", "items": ref("RankingCriterion")},
            "funding_line_after": {"type": ["integer", "null"]},
            "entries": {"type": "array", "items": ref("RankingEntry")},
            "budget": nullable(MONEY),
            "settings": {
                "type": "object", "additionalProperties": False,
                "required": ["min_evaluators", "disagreement_margin", "abnormally_low_share"],
                "properties": {"min_evaluators": {"type": "integer"},
                               "disagreement_margin": {"type": "string"},
                               "abnormally_low_share": {"type": "string"}}},
        },
    },
}

document({
    "/calls/{id}/ranking": {
        "parameters": [PATH_ID],
        "get": _operation(
            "getCallRanking", "calls", "The call's ranking, as far as the caller may see it",
            {**_ok(200, "Entries in ranking order.", ref("Ranking")), **_errors(401, 404)},
            description="Administrators see everything. An applicant or bidder with a ranked "
                        "submission sees, once the results are public (ESR: the call is "
                        "decided; Jotpa: the procurement decision has been delivered), every "
                        "entry's position, organisation, total and outcome, and its own "
                        "points per criterion, price or amount; never another participant's "
                        "price, amount, content or points per criterion. Anybody else, "
                        "evaluators included, gets 404."),
    },
}, SCHEMAS)

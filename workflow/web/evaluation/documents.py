"""What applicants and bidders see of the evaluation: their decision document (the ESR
funding decision letter, the Jotpa procurement decision with every bidder's position and
total, their own points per criterion and the appeal instructions) as a printable page, and
the results of the call as `ranking_view` lets them see them (their own points; the others'
positions and totals only). Administrators see the same documents for every submission.

Both pages answer 404 to whoever may not see them: `decision_document` and `ranking_view`
decide (an evaluator, another organisation, before the results are public).
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import abort, redirect, render_template, request, url_for

from models import Call, Submission

from ...app import db
from ...evaluation import decisions
from ...evaluation import queries as q
from ...evaluation.explain import formula_lines
from ...evaluation.ranking import RANKED_STATES, ranking_view, results_public
from ...i18n import LOCALES
from ...permissions import is_admin, is_own_organisation
from ..helpers import load_call_or_404, load_submission_or_404
from ..identity import actor
from ..locale import current_locale
from . import bp, participant_page

# ESR applications whose decision is known to the applicant (decisions.decision_document).
ESR_DECIDED = ("ineligible", "approved", "rejected", "in_implementation",
               "final_report_submitted", "final_report_returned", "closed")


@bp.app_template_global("decision_available")
def decision_available(submission: Submission) -> bool:
    """Is there a decision document for the signed-in user to open (for links)? The page
    itself asks `decision_document`, so a link shown too early would only lead to a 404."""
    user = actor()
    if not (is_admin(user) or is_own_organisation(user, submission)):
        return False
    if submission.kind == "jotpa":
        return results_public(submission.call) and submission.state in (
            "awarded", "not_awarded", "excluded")
    return submission.state in ESR_DECIDED


@bp.app_template_global("results_available")
def results_available(call: Call, own: Iterable[Submission]) -> bool:
    """May the organisation of these submissions see the call's results (for links)? Once
    the results are public, with a submission among the ranked ones (`ranking_view`)."""
    return results_public(call) and any(s.state in RANKED_STATES[s.kind] for s in own)


@bp.get("/submissions/<int:submission_id>/decision")
@participant_page
def decision(submission_id: int):
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    chosen = request.args.get("lang", "")
    locale = chosen if chosen in LOCALES else current_locale()
    letter = decisions.decision_document(db(), user, submission, locale)
    if letter is None:
        abort(404)
    return render_template("evaluation/document.html", letter=letter, submission=submission,
                           call=submission.call, locales=LOCALES,
                           show_results=results_available(submission.call, [submission]))


@bp.get("/calls/<int:call_id>/results")
@participant_page
def results(call_id: int):
    user = actor()
    call = load_call_or_404(call_id, user)
    if is_admin(user):
        return redirect(url_for("evaluation.ranking", call_id=call.id))
    view = ranking_view(db(), call, user)
    if view is None:
        abort(404)
    locale = current_locale()
    criteria = q.criteria_of(db(), call.id)
    return render_template(
        "evaluation/results.html", call=call, view=view,
        names={c["id"]: c["name"] for c in view["criteria"]},
        weights={c["id"]: c["weight"] for c in view["criteria"]},
        formulas=formula_lines(call, criteria, q.settings_of(db(), call.id), locale),
        standstill=decisions.standstill(call) if call.kind == "jotpa" else None)

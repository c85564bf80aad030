"""What applicants and bidders see of the evaluation: their decision document (the ESR
funding decision letter, the Jotpa procurement decision with every bidder's position and
total, their own points per criterion and the appeal instructions) as a printable page, and
the results of the call as `ranking_view` lets them see them (their own points; the others'
positions and totals only). Each decision document is also a PDF download (`decision_pdf`,
rendered by WeasyPrint from the same content, see workflow/web/pdf.py). Once the decision has
been made known, both show the document as it was issued and mailed then
(`decisions.decision_document`). Administrators see the same documents for every submission.

The pages answer 404 to whoever may not see them: `decision_document` and `ranking_view`
decide (an evaluator, another organisation, before the results are public).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flask import abort, redirect, render_template, request, url_for

from models import Call, Submission

from ... import clock
from ...app import db
from ...evaluation import decisions
from ...evaluation import queries as q
from ...evaluation.explain import formula_lines
from ...evaluation.ranking import RANKED_STATES, ranking_view, results_public
from ...i18n import LOCALES, N_, translate
from ...permissions import is_admin, is_own_organisation
from ..helpers import load_call_or_404, load_submission_or_404
from ..identity import actor
from ..locale import current_locale
from ..pdf import pdf_response, render_pdf
from . import bp, participant_page

# The start of a decision PDF's file name, e.g. "hankintapaatos-3-17.pdf" (ASCII only).
PDF_NAMES = {"jotpa": N_("procurement-decision"), "esr": N_("funding-decision")}


@bp.app_template_global("decision_available")
def decision_available(submission: Submission) -> bool:
    """Is there a decision document for the signed-in user to open (for links)? The page
    itself asks `decision_document`, so a link shown too early would only lead to a 404."""
    user = actor()
    if not (is_admin(user) or is_own_organisation(user, submission)):
        return False
    if submission.kind == "jotpa":
        return results_public(submission.call) and submission.state in decisions.TENDERS_DECIDED
    return submission.state in decisions.ESR_DECIDED


@bp.app_template_global("results_available")
def results_available(call: Call, own: Iterable[Submission]) -> bool:
    """May the organisation of these submissions see the call's results (for links)? Once
    the results are public, with a submission among the ranked ones (`ranking_view`)."""
    return results_public(call) and any(s.state in RANKED_STATES[s.kind] for s in own)


def _document(submission_id: int) -> tuple[Submission, decisions.Letter]:
    """The submission and its decision document in the language asked for (`?lang=`) or the
    user's; 404 to whoever may not see it (`decisions.decision_document` decides)."""
    user = actor()
    submission = load_submission_or_404(submission_id, user)
    chosen = request.args.get("lang", "")
    locale = chosen if chosen in LOCALES else current_locale()
    letter = decisions.decision_document(db(), user, submission, locale)
    if letter is None:
        abort(404)
    return submission, letter


@bp.get("/submissions/<int:submission_id>/decision")
@participant_page
def decision(submission_id: int):
    submission, letter = _document(submission_id)
    return render_template("evaluation/document.html", letter=letter, submission=submission,
                           call=submission.call, locales=LOCALES,
                           show_results=results_available(submission.call, [submission]))


@bp.get("/submissions/<int:submission_id>/decision.pdf")
@participant_page
def decision_pdf(submission_id: int):
    """The same document as a PDF download (A4, page numbers, in the letter's language)."""
    submission, letter = _document(submission_id)
    html = render_template("evaluation/document_pdf.html", letter=letter, submission=submission,
                           call=submission.call, created=clock.now().isoformat())
    return pdf_response(render_pdf(html), pdf_filename(submission, letter.locale))


def pdf_filename(submission: Submission, locale: str) -> str:
    """E.g. "hankintapaatos-3-17.pdf": the kind of decision in the language, the call's and
    the submission's numbers."""
    name = translate(PDF_NAMES[submission.kind], locale)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "decision"
    return f"{name}-{submission.call_id}-{submission.id}.pdf"


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
        standstill=decisions.standstill(db(), call) if call.kind == "jotpa" else None)

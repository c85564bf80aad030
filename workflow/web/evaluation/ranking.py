"""A call's ranking for administrators: the weighted totals with the formulas as text, each
criterion's points, the flags, the tie-break rule that separates each entry from the one
above, the ESR funding line; the funding proposal (ESR) and awards by ranking (Jotpa); the
CSV and XLSX downloads; and the opening record of a procurement.

Every number comes from `build_ranking` (the same as the API, the exports and the decision
documents) and is rounded half up to two decimals only when shown.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call

from ...app import db
from ...engine import available_steps
from ...errors import WorkflowError
from ...evaluation import decisions, exports
from ...evaluation.explain import formula_lines
from ...evaluation.ranking import build_ranking
from ...permissions import can_read_content
from ..helpers import ErrorSummary, load_call_or_404
from ..identity import actor
from ..locale import current_locale
from . import bp
from .common import FLAG_LABELS, FUNDING_REASONS, separated_by_text

MAX_WINNERS = 100


def _page(call: Call, errors: ErrorSummary | None = None, status: int = 200,
          form: dict[str, str] | None = None):
    user = actor()
    session = db()
    locale = current_locale()
    ranking = build_ranking(session, call)
    point_criteria = [c for c in ranking.criteria if c.kind in ("scored", "price")]
    names = {c.id: c.label(locale) for c in ranking.criteria}
    rows = []
    for row in ranking.rows:
        flags = list(row.result.problems)
        if any(line.disagreement for line in row.result.criteria):
            flags.append("disagreement")
        rows.append({
            "row": row, "flags": flags,
            "title": row.title if can_read_content(user, row.submission) else "",
            "separated_by": separated_by_text(row.ranked.separated_by, names),
            "funding_reason": (FUNDING_REASONS.get(row.funding.reason)
                               if row.funding and row.funding.reason else None),
        })
    proposal = []
    if call.kind == "esr":
        proposal = [p for p in decisions.funding_proposal(session, call, ranking)
                    if p.submission.state == "evaluated"]
    return render_template(
        "evaluation/ranking.html", call=call, ranking=ranking, rows=rows,
        point_criteria=point_criteria, flag_labels=FLAG_LABELS,
        formulas=formula_lines(call, ranking.criteria, ranking.settings, locale),
        proposal=proposal, funding_reasons=FUNDING_REASONS,
        can_award=call.kind == "jotpa" and call.state == "comparison",
        standstill=decisions.standstill(session, call) if call.kind == "jotpa" else None,
        steps=available_steps(user, call, session), errors=errors or ErrorSummary(),
        form=form or {}), status


@bp.get("/calls/<int:call_id>/ranking")
def ranking(call_id: int):
    return _page(load_call_or_404(call_id, actor()))


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = make_response(body)
    response.mimetype = mimetype
    if mimetype == "text/csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/calls/<int:call_id>/ranking.csv")
def ranking_csv(call_id: int) -> Response:
    call = load_call_or_404(call_id, actor())
    return _download(exports.summary_csv(db(), actor(), call, current_locale()), "text/csv",
                     f"ranking-{call.id}.csv")


@bp.get("/calls/<int:call_id>/ranking.xlsx")
def ranking_xlsx(call_id: int) -> Response:
    call = load_call_or_404(call_id, actor())
    return _download(exports.summary_xlsx(db(), actor(), call, current_locale()),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"ranking-{call.id}.xlsx")


@bp.post("/calls/<int:call_id>/funding-proposal")
def apply_funding(call_id: int) -> Response | tuple:
    """ESR: approve above the funding line with the requested amount, reject below it."""
    user = actor()
    call = load_call_or_404(call_id, user)
    if call.kind != "esr":
        abort(404)
    try:
        entries = decisions.apply_funding_proposal(db(), user, call)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err)
        return _page(call, errors, errors.status)
    if not entries:
        errors = ErrorSummary(message=_("No application is waiting for a funding decision."),
                              status=409)
        return _page(call, errors, 409)
    db().commit()
    flash(_("The funding proposal has been applied: %(count)s decisions.", count=len(entries)),
          "success")
    return redirect(url_for("evaluation.ranking", call_id=call.id))


@bp.post("/calls/<int:call_id>/award")
def award(call_id: int) -> Response | tuple:
    """Jotpa: record the scores and award the best-ranked tenders, the others not."""
    user = actor()
    call = load_call_or_404(call_id, user)
    if call.kind != "jotpa":
        abort(404)
    raw = str(request.form.get("winners", "")).strip()
    form = {"winners": raw[:10]}
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_WINNERS:
        errors = ErrorSummary()
        errors.add("winners", _("Enter a whole number from 1 to %(max)s.", max=MAX_WINNERS),
                   _("Tenders to award"))
        return _page(call, errors, 422, form)
    try:
        decisions.award_by_ranking(db(), user, call, winners=int(raw))
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err)
        return _page(call, errors, errors.status, form)
    db().commit()
    flash(_("The tenders have been awarded by the ranking. Record the procurement decision "
            "next."), "success")
    return redirect(url_for("evaluation.ranking", call_id=call.id))


@bp.get("/calls/<int:call_id>/opening")
def opening(call_id: int):
    """Who opened the tenders, when, and each tender's SHA-256 (printable)."""
    call = load_call_or_404(call_id, actor())
    if call.kind != "jotpa":
        abort(404)
    return render_template("evaluation/opening.html", call=call,
                           record=decisions.opening_record(db(), call))

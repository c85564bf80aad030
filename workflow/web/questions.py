"""Bidders' questions on the public call page (workflow/questions.py).

    GET|POST /calls/<id>/questions    the form to ask (applicants, while questions are open)

The public call page (templates/public/call.html) includes templates/questions/section.html,
which lists the published answers (anonymised) and, for a signed-in applicant while the
questions period is open, the form; `call_questions(call)` gives it what it shows.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Call

from .. import clock
from ..app import db
from ..errors import WorkflowError
from ..questions import (ask_question, own_questions, published_answers, questions_refusal)
from .helpers import ErrorSummary, load_call_or_404, role_required
from .identity import actor
from .locale import current_locale

bp = Blueprint("questions", __name__)


def _may_ask(user: Any) -> bool:
    return (user is not None and user.is_active and user.has_role("applicant")
            and user.organisation_id is not None)


@bp.app_template_global()
def call_questions(call: Call) -> dict[str, Any]:
    """For the public call page: the published answers, the reader's organisation's own
    questions, whether the reader may ask now, and until when questions are taken."""
    user = actor()
    refusal = questions_refusal(call, clock.now())
    return {"published": published_answers(db(), user, call),
            "own": own_questions(db(), user, call),
            "can_ask": refusal is None and _may_ask(user),
            "open": refusal is None,
            "until": call.questions_until}


def _form(call: Call, text: str, errors: ErrorSummary, status: int = 200):
    return render_template("questions/ask.html", call=call, text=text, errors=errors), status


@bp.route("/calls/<int:call_id>/questions", methods=["GET", "POST"])
@role_required("applicant")
def ask(call_id: int) -> Response | tuple:
    user = actor()
    call = load_call_or_404(call_id, user)
    if request.method == "GET":
        refusal = questions_refusal(call, clock.now())
        errors = ErrorSummary()
        if refusal is not None:
            errors = ErrorSummary(message=refusal.message(current_locale()),
                                  status=refusal.http_status)
        return _form(call, "", errors, errors.status if errors else 200)
    text = request.form.get("question", "")
    try:
        ask_question(db(), user, call, text)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, {"question": _("Your question")})
        return _form(call, text[:20_000], errors, errors.status)
    db().commit()
    flash(_("Your question has been sent. The answer will be published to every bidder "
            "without your organisation's name."), "success")
    return redirect(url_for("public.call", call_id=call.id) + "#questions")

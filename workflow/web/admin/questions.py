"""Tender questions for the procurement officers: every question with its asker, writing an
answer (and, if the question as asked would reveal who asked, the wording to publish), and
publishing it to all bidders (workflow/questions.py)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import TenderQuestion

from ...app import db
from ...errors import WorkflowError
from ...questions import (answer_question, publish_answer, published_answers, questions_of,
                          questions_open)
from ..helpers import ErrorSummary, load_call_or_404
from ..identity import MAX_ID, actor
from . import bp


def _labels() -> dict[str, str]:
    return {"answer": _("Answer"), "public_question": _("Question as published")}


@bp.get("/calls/<int:call_id>/questions")
def questions(call_id: int) -> str:
    user = actor()
    call = load_call_or_404(call_id, user)
    return render_template("admin/questions.html", call=call,
                           questions=questions_of(db(), user, call),
                           published=published_answers(db(), user, call),
                           open=questions_open(call))


def _load(question_id: int) -> TenderQuestion:
    question = db().get(TenderQuestion, question_id) if 0 < question_id <= MAX_ID else None
    if question is None:
        abort(404)
    return question


def _page(question: TenderQuestion, errors: ErrorSummary, form: Mapping[str, str] | None = None,
          status: int = 200):
    values = dict(form) if form is not None else {
        "answer": question.answer or "", "public_question": question.published_wording}
    return render_template("admin/question.html", question=question, call=question.call,
                           values=values, errors=errors), status


@bp.get("/questions/<int:question_id>")
def question(question_id: int) -> tuple:
    return _page(_load(question_id), ErrorSummary())


# The form posts to its call's collection (the question's id is a field): every POST route of
# the application has only the ids tests/web knows (call, submission, assignment, number).
@bp.post("/calls/<int:call_id>/answers")
def answer(call_id: int) -> Response | tuple:
    user = actor()
    raw = request.form.get("question", "")
    question = _load(int(raw)) if raw.isdigit() and len(raw) < 11 else None
    if question is None or question.call_id != call_id:
        abort(404)
    publish = request.form.get("action") == "publish"
    try:
        answer_question(db(), user, question, request.form.get("answer", ""),
                        public_question=request.form.get("public_question", ""))
        if publish:
            publish_answer(db(), user, question)
    except WorkflowError as err:
        db().rollback()
        errors = ErrorSummary.from_error(err, _labels())
        return _page(question, errors, request.form, errors.status)
    db().commit()
    flash(_("The answer has been published to every bidder.") if publish
          else _("The answer has been saved. It is not public until you publish it."), "success")
    if publish:
        return redirect(url_for("admin.questions", call_id=question.call_id))
    return redirect(url_for("admin.question", question_id=question.id))

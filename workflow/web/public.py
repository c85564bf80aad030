"""Public pages: the calls anyone may read, with their deadlines in Finnish time."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from models import Call, Submission

from .. import clock
from ..app import db
from ..guards import submissions_refusal
from ..permissions import UNPUBLISHED
from .helpers import load_call_or_404
from .identity import actor

bp = Blueprint("public", __name__)


def accepts_submissions(call: Call) -> bool:
    return submissions_refusal(call, clock.now()) is None


@bp.get("/")
def index() -> str:
    calls = db().scalars(sa.select(Call).where(Call.state.not_in(UNPUBLISHED))
                         .order_by(Call.deadline)).all()
    now = clock.now()
    open_calls = [c for c in calls if accepts_submissions(c)]
    other_calls = [c for c in calls if not accepts_submissions(c)]
    return render_template("public/index.html", open_calls=open_calls, other_calls=other_calls,
                           now=now)


@bp.get("/calls/<int:call_id>")
def call(call_id: int) -> str:
    user = actor()
    call = load_call_or_404(call_id, user)
    own = []
    if user is not None and user.organisation_id is not None and user.has_role("applicant"):
        own = db().scalars(sa.select(Submission).where(
            Submission.call_id == call.id, Submission.organisation_id == user.organisation_id)
            .order_by(Submission.id)).all()
    return render_template("public/call.html", call=call, own=own,
                           accepts=accepts_submissions(call))

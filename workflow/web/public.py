"""Public pages: the calls anyone may read."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from models import Call

from ..app import db
from ..permissions import UNPUBLISHED

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    calls = db().scalars(sa.select(Call).where(Call.state.not_in(UNPUBLISHED))
                         .order_by(Call.deadline)).all()
    return render_template("public/index.html", calls=calls)

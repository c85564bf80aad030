"""Evaluation and decisions (issue 5), under /evaluation. See README.md in this folder.

Administrators: a call's evaluation overview, criteria and settings, evaluator assignments,
requirement checks and reviews per submission, the ranking with its downloads, the opening
record, funding proposal and awards. Participants (applicants and bidders): their own decision
document and the results as `ranking_view` lets them see them.

Every page is for administrators unless its view is marked `@participant_page`: the blueprint
checks it once, before any view runs (anonymous → sign-in, others → 403), so that no
administrator page can be added without the check. A participant page answers 404 to whoever
may not see its object (the services decide: `decision_document`, `ranking_view`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, request

from ...permissions import is_admin
from ..extensions import login_manager
from ..identity import actor

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")

F = TypeVar("F", bound=Callable[..., Any])
PARTICIPANT_ENDPOINTS: set[str] = set()


def participant_page(view: F) -> F:
    """Open the view to every signed-in user; it checks each object itself."""
    PARTICIPANT_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
    return view


@bp.before_request
def _administrators_only():
    user = actor()
    if user is None:
        return login_manager.unauthorized()
    if request.endpoint in PARTICIPANT_ENDPOINTS:
        return None
    if not is_admin(user):
        abort(403)
    return None


from . import (assignments, checks, criteria, documents, overview, ranking,  # noqa: E402,F401
               reviews, sections)

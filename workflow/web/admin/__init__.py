"""The administrators' pages (funding authority and Jotpa procurement officers), under /admin.

    /admin/                              deadlines dashboard (dashboard.py)
    /admin/calls, /admin/calls/new       calls and procurements: create, edit, publish (calls.py)
    /admin/calls/<id>                    one call: its sections (sections.py), steps, history
    /admin/submissions                   submissions with filters and pages (submissions.py)
    /admin/submissions/<id>              one submission: evaluators, steps, history
    /admin/calls/<id>/questions          tender questions; /admin/questions/<id> one of them,
                                         answered by posting to /admin/calls/<id>/answers
    /admin/<calls|submissions>/<id>/workflow   the workflow picture (workflow_svg.py)

See README.md in this folder.

Every page is for administrators only: the blueprint checks it once, before any view runs
(anonymous → sign-in, others → 403), so that no page can be added without the check.
Sealed tenders: no page here shows a tender's content before the tenders are opened
(`workflow.permissions.can_read_content` decides, as everywhere).
"""
from __future__ import annotations

from flask import Blueprint, abort

from ..extensions import login_manager
from ..identity import actor

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _administrators_only():
    user = actor()
    if user is None:
        return login_manager.unauthorized()
    if not user.has_role("admin") or not user.is_active:
        abort(403)
    return None


from . import calls, dashboard, questions, submissions  # noqa: E402,F401  (the views)

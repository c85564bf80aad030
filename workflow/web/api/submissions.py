"""Submissions: ESR applications and Jotpa tenders.

    POST  /calls/{id}/submissions   a draft for the caller's organisation (create_draft)
    GET   /submissions              what the caller may see: the own organisation's, those
                                    assigned to the caller as evaluator, all for administrators;
                                    in order of id; with `limit`, a page at a
                                    time (follow `next`)
    GET   /submissions/{id}
    PATCH /submissions/{id}         the own organisation's working copy (update_content)

Another organisation's submission is 404, not 403: its existence is not the caller's business.
Content goes out only to those who may read it (workflow.permissions.can_read_content).
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, request, url_for

from models import EvaluatorAssignment, Submission, User
from models.states import SUBMISSION_STATES

from ...app import db
from ...errors import not_allowed
from ...i18n import N_
from ...evaluation.queries import counted_versions
from ...permissions import can_view_submission, is_admin, is_own_organisation
from ...submissions import create_draft, update_content
from .auth import require_actor
from .blueprint import ID, bp
from .calls import load_call
from .errors import not_found
from .inputs import VERSION, Body, Field, Param, expected_version, json_body, query
from .language import request_locale
from .registry import Collection, register
from .responses import respond
from .serializers import submission_json
from .transaction import commit, stale_is_conflict

ALL_SUBMISSION_STATES = tuple(sorted({s.value for states in SUBMISSION_STATES.values()
                                      for s in states}))
CONTENT_DOC = ("The answers, by the names of the call's form_fields: texts, and numbers for "
               "number and money fields.")

SUBMISSION_CREATE = Body("SubmissionCreate", (
    Field("content", "content", CONTENT_DOC),
), "A new draft; the body may also be empty.")

SUBMISSION_PATCH = Body("SubmissionPatch", (
    Field("content", "content", CONTENT_DOC + " Merged into the working copy (JSON Merge "
          "Patch): the fields sent replace those saved, null removes one.", required=True),
    VERSION,
), "Changes to the working copy; a submitted version stays on record as it was received.")

MAX_PAGE_SIZE = 500
LIST_PARAMS = (
    Param("call_id", "integer", "Only the submissions of this call."),
    Param("state", "choice", "Only submissions in this state.", ALL_SUBMISSION_STATES),
    Param("limit", "integer", "At most this many items, and `next` for the rest (without "
                              "it: every item, and `next` is null).",
          maximum=MAX_PAGE_SIZE, refusal=N_("Expected a whole number from 1 to 500.")),
    Param("after", "integer", "Only submissions with a greater id: follow `next` rather than "
                              "building it."),
)


def load_submission(submission_id: int, actor: User | None) -> Submission:
    """The submission, or 404 also for those who may not know that it exists."""
    submission = db().get(Submission, submission_id)
    if submission is None or not can_view_submission(actor, submission):
        raise not_found()
    return submission


register(Collection("submissions", "Submission", "submission",
                    ("esr-application", "jotpa-tender"), load_submission, submission_json))


@bp.post(f"/calls/<{ID}:call_id>/submissions")
def post_submission(call_id: int) -> Response:
    actor = require_actor()
    call = load_call(call_id, actor)
    body = SUBMISSION_CREATE.parse(json_body(empty={}))
    with stale_is_conflict():
        submission = create_draft(db(), actor, call, body.get("content") or {})
    commit()
    return respond(submission_json(submission, actor, request_locale()), 201,
                   version=submission.version,
                   headers={"Location": url_for("api.get_submission",
                                                submission_id=submission.id)})


@bp.get("/submissions")
def list_submissions() -> Response:
    """One query for the rows (call and organisation joined), one for the assignments of all
    of them, one for the versions received: the number of statements does not grow with the
    number of rows."""
    actor = require_actor()
    params = query(LIST_PARAMS)
    limit = params.get("limit")
    stmt = (sa.select(Submission).options(so.selectinload(Submission.attachments),
                                          so.selectinload(Submission.assignments))
            .order_by(Submission.id))
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    if "after" in params:
        stmt = stmt.where(Submission.id > params["after"])
    if not is_admin(actor):
        assigned = (sa.select(EvaluatorAssignment.submission_id)
                    .where(EvaluatorAssignment.evaluator_id == actor.id))
        visible = [Submission.id.in_(assigned)]
        if actor.has_role("applicant") and actor.organisation_id is not None:
            visible.append(Submission.organisation_id == actor.organisation_id)
        stmt = stmt.where(sa.or_(*visible))
    if "call_id" in params:
        load_call(params["call_id"], actor)
        stmt = stmt.where(Submission.call_id == params["call_id"])
    if "state" in params:
        stmt = stmt.where(Submission.state == params["state"])
    locale = request_locale()
    rows = list(db().scalars(stmt))
    following = None
    if limit is not None and len(rows) > limit:  # one more than a page: a next page
        rows = rows[:limit]
        following = url_for("api.list_submissions", **{**request.args, "after": rows[-1].id})
    rows = [s for s in rows if can_view_submission(actor, s)]
    versions = counted_versions(db(), [s.id for s in rows])  # what others are shown
    return respond({"items": [submission_json(s, actor, locale, versions=versions)
                              for s in rows], "next": following})


@bp.get(f"/submissions/<{ID}:submission_id>")
def get_submission(submission_id: int) -> Response:
    actor = require_actor()
    submission = load_submission(submission_id, actor)
    return respond(submission_json(submission, actor, request_locale()),
                   version=submission.version)


@bp.patch(f"/submissions/<{ID}:submission_id>")
def patch_submission(submission_id: int) -> Response:
    actor = require_actor()
    submission = load_submission(submission_id, actor)
    if not is_own_organisation(actor, submission):
        raise not_allowed()
    body = SUBMISSION_PATCH.parse(json_body())
    version = expected_version(body.get("version"))
    merged = {**submission.content, **body["content"]}
    with stale_is_conflict():
        update_content(db(), actor, submission, merged, version=version)
    commit()
    return respond(submission_json(submission, actor, request_locale()),
                   version=submission.version)

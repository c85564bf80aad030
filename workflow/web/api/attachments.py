"""A submission's attachments (workflow/attachments.py).

    GET    /submissions/{id}/attachments                        the files shown: the own
                                                                organisation the working
                                                                copy's, others the last
                                                                submitted version's
    POST   /submissions/{id}/attachments                        add one (multipart/form-data:
                                                                `file`, optional `version`)
    GET    /submissions/{id}/attachments/{attachment_id}        one file's metadata (also a
                                                                removed one: versions list it)
    GET    /submissions/{id}/attachments/{attachment_id}/content   its bytes, verified
    DELETE /submissions/{id}/attachments/{attachment_id}        remove it from the working copy

Like the content: 404 for those who may not know the submission exists; reading a file or its
name needs `can_read_content` (403, or 409 `sealed` for a tender before the opening); writing
is the own organisation's, under the rules of PATCH /submissions/{id}.
"""
from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from models import Submission, User

from ...app import db
from ...attachments import (ACCEPTED_LABELS, add_attachment, check_readable, readable_attachment,
                            readable_attachments, remove_attachment)
from ...config import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES, MEGABYTE
from ...errors import not_allowed
from ...i18n import N_
from ...permissions import is_own_organisation
from ..attachments import accepts_upload, download_response, upload_store
from . import openapi
from .auth import require_actor
from .blueprint import ID, bp
from .errors import ApiError, invalid_input
from .inputs import EXPECTED_INTEGER, REQUIRED, UNKNOWN, Param, expected_version, query
from .responses import no_content, respond
from .serializers import attachment_json
from .submissions import load_submission
from .transaction import commit, stale_is_conflict

VERSION_PARAM = Param("version", "integer", "The submission's version you last saw (or send it "
                                            "as If-Match): a stale one is 409 conflict.")


def _readable(submission_id: int) -> tuple[User, Submission]:
    actor = require_actor()
    submission = load_submission(submission_id, actor)
    check_readable(actor, submission)
    return actor, submission


def _writable(submission_id: int) -> tuple[User, Submission]:
    actor = require_actor()
    submission = load_submission(submission_id, actor)
    if not is_own_organisation(actor, submission):
        raise not_allowed()
    return actor, submission


@bp.get(f"/submissions/<{ID}:submission_id>/attachments")
def list_attachments(submission_id: int) -> Response:
    actor = require_actor()
    submission = load_submission(submission_id, actor)
    own = is_own_organisation(actor, submission)
    return respond({"items": [attachment_json(a, working_copy=own)
                              for a in readable_attachments(db(), actor, submission)]})


@bp.post(f"/submissions/<{ID}:submission_id>/attachments")
@accepts_upload
def post_attachment(submission_id: int) -> Response:
    actor, submission = _writable(submission_id)
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type",
                       N_("Send the file as multipart/form-data, in the field “file”."))
    errors: dict[str, Any] = {name: UNKNOWN for name in request.form if name != "version"}
    errors.update({name: UNKNOWN for name in request.files if name != "file"})
    upload = request.files.get("file")
    if upload is None:
        errors["file"] = REQUIRED
    raw_version = request.form.get("version")
    if raw_version is not None and not (raw_version.isascii() and raw_version.isdigit()
                                        and len(raw_version) <= 10):
        errors["version"] = EXPECTED_INTEGER
    if errors:
        raise invalid_input(errors)
    version = expected_version(int(raw_version) if raw_version is not None else None)
    with stale_is_conflict():
        attachment = add_attachment(db(), actor, submission, upload.filename, upload.stream,
                                    version=version, store=upload_store())
    commit()
    return respond(attachment_json(attachment), 201, headers={"Location": url_for(
        "api.get_attachment", submission_id=submission.id, attachment_id=attachment.id)})


@bp.get(f"/submissions/<{ID}:submission_id>/attachments/<{ID}:attachment_id>")
def get_attachment(submission_id: int, attachment_id: int) -> Response:
    actor, submission = _readable(submission_id)
    return respond(attachment_json(readable_attachment(db(), actor, submission, attachment_id),
                                   working_copy=is_own_organisation(actor, submission)))


@bp.get(f"/submissions/<{ID}:submission_id>/attachments/<{ID}:attachment_id>/content")
def get_attachment_content(submission_id: int, attachment_id: int) -> Response:
    actor, submission = _readable(submission_id)
    return download_response(readable_attachment(db(), actor, submission, attachment_id))


@bp.delete(f"/submissions/<{ID}:submission_id>/attachments/<{ID}:attachment_id>")
def delete_attachment(submission_id: int, attachment_id: int) -> Response:
    actor, submission = _writable(submission_id)
    version = expected_version(query((VERSION_PARAM,)).get("version"))
    with stale_is_conflict():
        remove_attachment(db(), actor, submission, attachment_id, version=version)
    commit()
    return no_content()


# The OpenAPI description ---------------------------------------------------------------------

LIMITS = (f"At most {MAX_ATTACHMENTS} files per submission, {MAX_ATTACHMENT_BYTES // MEGABYTE} "
          f"MB each and {MAX_ATTACHMENTS_TOTAL_BYTES // MEGABYTE} MB in all (MB = 2^20 bytes). "
          f"Accepted types: {ACCEPTED_LABELS}; the type is detected from the bytes and must agree "
          "with the file name's extension (.pdf, .docx, .xlsx, .pptx, .odt, .ods, .png, .jpg or "
          ".jpeg, .txt, .csv); TXT and CSV are UTF-8 or Windows-1252 text.")
READ_RULE = ("Reading a file or its name is reading the content: 403 for those who may know "
             "the submission but not read it, 409 sealed for a tender before the opening, 404 "
             "for everybody else.")
ATTACHMENT_ID = {"name": "attachment_id", "in": "path", "required": True,
                 "schema": openapi.ID_SCHEMA}
SCHEMAS = {
    "Attachment": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "filename", "media_type", "size", "sha256", "uploaded_at",
                     "removed_at"],
        "description": "A file of a submission. removed_at: when it was taken out of the "
                       "working copy (submitted versions keep it); only the own organisation "
                       "sees it, null for others, who are shown the files of the version "
                       "received last.",
        "properties": {
            "id": openapi.ID_SCHEMA,
            "filename": {"type": "string", "maxLength": 200,
                         "description": "The uploader's name, cleaned: no path, no control "
                                        "characters."},
            "media_type": {"type": "string", "description": "Detected from the bytes."},
            "size": {"type": "integer", "minimum": 1, "description": "Bytes."},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "uploaded_at": openapi.INSTANT,
            "removed_at": openapi.nullable(openapi.INSTANT),
        },
    },
    "AttachmentUpload": {
        "type": "object", "required": ["file"], "additionalProperties": False,
        "properties": {
            "file": {"type": "string", "contentMediaType": "application/octet-stream",
                     "description": "The file, with its name (Content-Disposition filename)."},
            "version": {"type": "integer", "minimum": 1,
                        "description": "The submission's version you last saw (or If-Match)."},
        },
    },
}

openapi.document({
    "/submissions/{id}/attachments": {
        "parameters": [openapi.PATH_ID],
        "get": openapi._operation(
            "listAttachments", "submissions",
            "The files shown: the own organisation its working copy's, others the last "
            "submitted version's",
            {**openapi._ok(200, "In upload order.", openapi.list_of("Attachment")),
             **openapi._errors(401, 403, 404, 409)},
            description=READ_RULE),
        "post": openapi._operation(
            "addAttachment", "submissions",
            "Attach a file (the own organisation, before the deadline)",
            {**openapi._ok(201, "The new attachment.", openapi.ref("Attachment"),
                           location=True),
             **openapi._errors(400, 401, 403, 404, 409, 413, 415, 422)},
            description=LIMITS + " Refusals: 413 file_too_large (also a request over the "
                        "limit), 422 file_type_not_accepted, file_type_mismatch, "
                        "too_many_attachments, attachments_too_large, upload_allowance_used "
                        "(300 MB ever uploaded to one submission, removed files included); "
                        "409 deadline_passed, "
                        "conflict (a stale version). The submission's version moves.",
            parameters=[openapi.IF_MATCH],
            request_body={"required": True, "content": {"multipart/form-data": {
                "schema": openapi.ref("AttachmentUpload")}}}),
    },
    "/submissions/{id}/attachments/{attachment_id}": {
        "parameters": [openapi.PATH_ID, ATTACHMENT_ID],
        "get": openapi._operation(
            "getAttachment", "submissions", "One file's metadata",
            {**openapi._ok(200, "The attachment, also one removed from the working copy (to "
                                "others only files a submitted version lists).",
                           openapi.ref("Attachment")),
             **openapi._errors(401, 403, 404, 409)},
            description=READ_RULE),
        "delete": openapi._operation(
            "removeAttachment", "submissions",
            "Remove a file from the working copy (the own organisation, before the deadline)",
            {"204": {"description": "Removed; submitted versions keep it."},
             **openapi._errors(401, 403, 404, 409, 422)},
            description="The version may be sent as If-Match or ?version=; a stale one is 409 "
                        "conflict. The submission's version moves.",
            parameters=[openapi.IF_MATCH, *openapi._query((VERSION_PARAM,))]),
    },
    "/submissions/{id}/attachments/{attachment_id}/content": {
        "parameters": [openapi.PATH_ID, ATTACHMENT_ID],
        "get": openapi._operation(
            "getAttachmentContent", "submissions", "The file's bytes",
            {"200": {"description": "The file as a download (Content-Disposition: attachment, "
                                    "its name; its detected media type). Its SHA-256 is "
                                    "checked before it is sent.",
                     "content": {"application/octet-stream": {
                         "schema": {"type": "string", "contentMediaType":
                                    "application/octet-stream"}}}},
             "410": {"description": "attachment_unavailable: the stored copy is damaged or "
                                    "missing, so it is not served.",
                     "content": {"application/json": {"schema": openapi.ref("Error")}}},
             **openapi._errors(401, 403, 404, 409)},
            description=READ_RULE),
    },
}, SCHEMAS)

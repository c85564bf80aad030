"""GET /openapi.json: the OpenAPI 3.1 document of this API, built from the code it describes.

Request bodies come from the same `inputs.Body` declarations that check them; the transitions
and history paths from the collection registry; the triggers from the workflow definitions.
The response schemas below are written by hand beside nothing else: the API's tests validate
every response they receive against them, so a representation that drifts fails a test.
"""
from __future__ import annotations

import copy
from typing import Any

from flask import Response

from ...content import FIELD_TYPES
from ...definitions import WORKFLOWS
from ...i18n import LOCALES
from .auth import SIGN_IN
from .blueprint import MAX_ID, PREFIX, bp
from .calls import CALL_CREATE, CALL_PATCH
from .calls import LIST_PARAMS as CALL_PARAMS
from .inputs import FORM_FIELD, INFO_EVENT, Body, Param
from .registry import COLLECTIONS, Collection
from .responses import respond
from .submissions import LIST_PARAMS as SUBMISSION_PARAMS
from .submissions import SUBMISSION_CREATE, SUBMISSION_PATCH
from .workflow import TRANSITION, triggers_of

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


INSTANT = {"type": "string", "format": "date-time",
           "description": "ISO 8601 in Helsinki time with its offset, e.g. "
                          "2024-06-03T16:15:00+03:00.",
           "examples": ["2024-06-03T16:15:00+03:00"]}
DAY = {"type": "string", "format": "date", "description": "A Helsinki date, e.g. 2024-06-24."}
MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "examples": ["250000.00"],
         "description": "Euros, two decimals."}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STATE = {"type": "string", "description": "The state in the object's workflow "
                                          "(`hankeflow workflow show NAME`)."}

RESPONSE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "details"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$",
                         "description": "Stable, for programs: invalid_input, malformed_json, "
                                        "unauthenticated, invalid_token, invalid_credentials, "
                                        "not_allowed, not_found, method_not_allowed, "
                                        "invalid_transition, deadline_passed, not_open, "
                                        "conflict, sealed, content_missing, comment_required, "
                                        "payload_too_large, unsupported_media_type, "
                                        "too_many_attempts, internal_error, ..."},
                "message": {"type": "string",
                            "description": "For a person, in the request's language."},
                "details": {"type": "object",
                            "description": "Per field (dotted paths for nested members): "
                                           "what is wrong with it, in the request's language."},
            }}},
    },
    "Token": {
        "type": "object", "required": ["token", "token_type", "expires_at"],
        "additionalProperties": False,
        "properties": {"token": {"type": "string", "description": "Send as Authorization: "
                                                                   "Bearer <token>."},
                       "token_type": {"const": "Bearer"}, "expires_at": INSTANT},
    },
    "Organisation": {
        "type": "object", "required": ["id", "name", "business_id"],
        "additionalProperties": False,
        "properties": {"id": ID_SCHEMA, "name": {"type": "string"},
                       "business_id": {"type": "string", "description": "Y-tunnus."}},
    },
    "Me": {
        "type": "object", "required": ["id", "email", "name", "locale", "roles", "organisation"],
        "additionalProperties": False,
        "properties": {
            "id": ID_SCHEMA, "email": {"type": "string"}, "name": {"type": "string"},
            "locale": {"type": "string", "enum": list(LOCALES)},
            "roles": {"type": "array",
                      "items": {"type": "string", "enum": ["admin", "applicant", "evaluator"]}},
            "organisation": nullable(ref("Organisation")),
        },
    },
    "FormFieldOut": {
        "type": "object", "required": ["name", "type", "label"],
        "properties": {"name": {"type": "string"},
                       "type": {"type": "string", "enum": list(FIELD_TYPES)},
                       "label": {"type": "object",
                                 "additionalProperties": {"type": "string"}},
                       "required": {"type": "boolean"}},
    },
    "InfoEvent": {
        "type": "object", "required": ["id", "title", "starts_at", "ends_at", "location"],
        "additionalProperties": False,
        "properties": {"id": ID_SCHEMA, "title": {"type": "string"}, "starts_at": INSTANT,
                       "ends_at": INSTANT, "location": {"type": "string"}},
    },
    "Call": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "state", "state_label", "version", "title", "description",
                     "opens_at", "deadline", "questions_until", "budget", "form_fields",
                     "info_events", "created_at"],
        "description": "An ESR project call (kind esr) or a Jotpa procurement (kind jotpa). "
                       "The Jotpa members are present on procurements only; a procurement "
                       "whose decision was delivered carries decision_delivered_at and the "
                       "standstill's last day (Act 1397/2016, counted per Act 150/1930) "
                       "from the sending of the last decision letter that has left; while "
                       "a bidder's letter is still unsent the contract waits whatever the "
                       "day says.",
        "properties": {
            "id": ID_SCHEMA, "kind": {"type": "string", "enum": ["esr", "jotpa"]},
            "state": STATE, "state_label": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "title": {"type": "string"}, "description": {"type": "string"},
            "opens_at": INSTANT, "deadline": INSTANT, "questions_until": nullable(INSTANT),
            "budget": nullable(MONEY),
            "form_fields": {"type": "array", "items": ref("FormFieldOut")},
            "info_events": {"type": "array", "items": ref("InfoEvent")},
            "created_at": INSTANT,
            "hilma_notice_id": {"type": ["string", "null"]},
            "tenders_opened_at": nullable(INSTANT),
            "decision_delivered_at": nullable(INSTANT),
            "standstill_last_day": nullable(DAY),
            "contract_signed_at": nullable(INSTANT),
        },
    },
    "Receipt": {
        "type": "object", "required": ["received_at", "sha256"], "additionalProperties": False,
        "description": "The receipt of the submitted version that counts: the server's instant "
                       "of receipt and the SHA-256 of the content as received (canonical JSON: "
                       "sorted keys, no whitespace, UTF-8). When that version had attachments, "
                       "the hashed object is the content plus the key \"_attachments\": a list "
                       "of {\"filename\", \"media_type\", \"size\", \"sha256\"} per file "
                       "in upload order (the attachments as they were when submitted); without "
                       "attachments it is exactly the content. Form fields never start with "
                       "\"_\".",
        "properties": {"received_at": INSTANT,
                       "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
    },
    "Submission": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "call_id", "state", "state_label", "version", "organisation",
                     "sealed", "created_at", "updated_at", "receipt", "completion_due_at",
                     "granted_amount"],
        "description": "An ESR application (kind esr) or a Jotpa tender (kind jotpa). `content` "
                       "and `attachments` (the working copy's files; their names are content "
                       "too) are present only for those who may read it: the own "
                       "organisation, and after a tender's opening administrators and "
                       "evaluators who declared no conflict of interest. While `sealed`, "
                       "nobody else reads a tender.",
        "properties": {
            "id": ID_SCHEMA, "kind": {"type": "string", "enum": ["esr", "jotpa"]},
            "call_id": ID_SCHEMA, "state": STATE, "state_label": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "organisation": ref("Organisation"), "sealed": {"type": "boolean"},
            "created_at": INSTANT, "updated_at": INSTANT, "receipt": nullable(ref("Receipt")),
            "completion_due_at": nullable(INSTANT), "granted_amount": nullable(MONEY),
            "content": {"type": "object",
                        "additionalProperties": {"type": ["string", "number"]}},
            "attachments": {"type": "array", "items": ref("Attachment")},
        },
    },
    "Transition": {
        "type": "object", "additionalProperties": False,
        "required": ["trigger", "label", "to_state", "to_state_label", "needs_comment", "inputs"],
        "properties": {
            "trigger": {"type": "string"},
            "label": {"type": "string", "description": "In the request's language."},
            "to_state": STATE, "to_state_label": {"type": "string"},
            "needs_comment": {"type": "boolean"},
            "inputs": {"type": "array", "items": {
                "type": "object", "required": ["name", "label"], "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "label": {"type": "string"}}}},
        },
    },
    "HistoryEntry": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "at", "trigger", "from_state", "to_state", "actor", "comment",
                     "content_sha256", "data"],
        "description": "One audited event: a transition (from_state differs from to_state) or "
                       "another event (create, edit, ...). actor null: the system clock.",
        "properties": {
            "id": ID_SCHEMA, "at": INSTANT, "trigger": {"type": "string"},
            "from_state": STATE, "to_state": STATE,
            "actor": nullable({"type": "object", "required": ["id", "name"],
                               "additionalProperties": False,
                               "properties": {"id": ID_SCHEMA, "name": {"type": "string"}}}),
            "comment": {"type": "string"},
            "content_sha256": {"type": ["string", "null"]},
            "data": {"type": "object"},
        },
    },
}


def list_of(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["items"], "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": ref(name)}}}


def page_of(name: str) -> dict[str, Any]:
    """A list served a page at a time: `next` is the path of the following page, or null."""
    return {"type": "object", "required": ["items", "next"], "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": ref(name)},
                           "next": {"type": ["string", "null"],
                                    "description": "The following page (a path with its "
                                                   "query), null on the last page."}}}


ERROR_RESPONSES = {
    "400": ("BadRequest", "Malformed JSON, or a body nested too deeply."),
    "401": ("Unauthenticated", "No token, or an invalid or expired one."),
    "403": ("Forbidden", "The caller may see the object but not do this."),
    "404": ("NotFound", "No such object, or the caller may not know that it exists."),
    "409": ("Conflict", "invalid_transition, deadline_passed, not_open, conflict (a stale "
                        "version), sealed, ..."),
    "413": ("PayloadTooLarge", "The body is too large."),
    "415": ("UnsupportedMediaType", "The body is not sent as application/json."),
    "422": ("Unprocessable", "Bad input: details per field."),
    "429": ("TooManyRequests", "Too many failed sign-in attempts; see Retry-After."),
}


def _error_components() -> dict[str, Any]:
    content = {"application/json": {"schema": ref("Error")}}
    responses = {name: {"description": text, "content": content}
                 for name, text in ERROR_RESPONSES.values()}
    responses["Error"] = {"description": "Any other error, e.g. 500 internal_error.",
                          "content": content}
    return responses


def _errors(*statuses: int) -> dict[str, Any]:
    out: dict[str, Any] = {str(s): {"$ref": f"#/components/responses/{ERROR_RESPONSES[str(s)][0]}"}
                           for s in statuses}
    out["default"] = {"$ref": "#/components/responses/Error"}
    return out


def _ok(status: int, description: str, schema: dict[str, Any] | None, *,
        etag: bool = False, location: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    headers = {}
    if etag:
        headers["ETag"] = {"description": "The object's version, for If-Match.",
                           "schema": {"type": "string"}}
    if location:
        headers["Location"] = {"description": "The new object's address.",
                               "schema": {"type": "string"}}
    if headers:
        response["headers"] = headers
    return {str(status): response}


def _body(body: Body | str, *, required: bool = True) -> dict[str, Any]:
    name = body if isinstance(body, str) else body.name
    return {"required": required, "content": {"application/json": {"schema": ref(name)}}}


def _query(params: tuple[Param, ...]) -> list[dict[str, Any]]:
    return [{"name": p.name, "in": "query", "required": False, "description": p.description,
             "schema": p.schema()} for p in params]


ANONYMOUS_OR_TOKEN = [{}, {"bearerAuth": []}]
PATH_ID = {"$ref": "#/components/parameters/Id"}
IF_MATCH = {"$ref": "#/components/parameters/IfMatch"}


def _operation(operation_id: str, tag: str, summary: str, responses: dict[str, Any], *,
               description: str = "", parameters: list[Any] | None = None,
               request_body: dict[str, Any] | None = None,
               security: list[Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": summary,
                          "parameters": [{"$ref": "#/components/parameters/AcceptLanguage"},
                                         *(parameters or [])],
                          "responses": responses}
    if description:
        op["description"] = description
    if request_body is not None:
        op["requestBody"] = request_body
    if security is not None:
        op["security"] = security
    return op


def _collection_paths(found: Collection) -> dict[str, Any]:
    noun, title = found.noun, found.noun.capitalize()
    name = found.name
    return {
        f"/{name}/{{id}}/transitions": {
            "parameters": [PATH_ID],
            "get": _operation(
                f"list{title}Transitions", "workflow",
                f"The triggers the caller may fire on the {noun} now",
                {**_ok(200, "The steps available now.", list_of("Transition"), etag=True),
                 **_errors(401, 404)},
                description="Only steps whose source state is the current one, whose party "
                            "includes the caller and whose guards pass now (e.g. before the "
                            "deadline)."),
            "post": _operation(
                f"fire{title}Transition", "workflow", f"Fire a trigger on the {noun}",
                {**_ok(200, f"The {noun} after the step.", ref(found.schema), etag=True),
                 **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
                description=f"Triggers of the {noun} workflows: "
                            f"{', '.join(triggers_of(found.workflows))}. "
                            + ("Submitting is `submit`: the response carries the receipt. "
                               if name == "submissions" else "")
                            + "A stale version (body or If-Match) is 409 conflict; a step the "
                              "current state does not have is 409 invalid_transition.",
                parameters=[IF_MATCH],
                request_body=_body(f"{title}TransitionRequest")),
        },
        f"/{name}/{{id}}/history": {
            "parameters": [PATH_ID],
            "get": _operation(
                f"get{title}History", "workflow", f"The {noun}'s audit trail",
                {**_ok(200, "Oldest first.", list_of("HistoryEntry")), **_errors(401, 404)},
                description="Administrators see every transition and event. Others see "
                            "every transition, what they did themselves, on their own "
                            "organisation's object what its members did, and a call's public "
                            "edits; not e.g. evaluator assignments or conflict declarations."),
        },
    }


def _transition_schema(found: Collection) -> dict[str, Any]:
    schema = copy.deepcopy(TRANSITION.schema())
    schema["properties"]["trigger"]["enum"] = triggers_of(found.workflows)
    schema["additionalProperties"] = {"type": ["string", "number"]}
    inputs = sorted({f"{s.trigger}: {i.name}" for wf in found.workflows
                     for s in WORKFLOWS[wf].steps for i in s.inputs})
    if inputs:
        schema["description"] += " Inputs by trigger: " + "; ".join(inputs) + "."
    return schema


# Endpoints that other modules add to `bp` describe themselves here (tests/api checks that
# every route is documented): path → path item, and the schemas those items refer to.
EXTRA_PATHS: dict[str, dict[str, Any]] = {}
EXTRA_SCHEMAS: dict[str, dict[str, Any]] = {}


def document(paths: dict[str, dict[str, Any]],
             schemas: dict[str, dict[str, Any]] | None = None) -> None:
    EXTRA_PATHS.update(paths)
    EXTRA_SCHEMAS.update(schemas or {})


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for body in (SIGN_IN, CALL_CREATE, CALL_PATCH, SUBMISSION_CREATE, SUBMISSION_PATCH,
                 FORM_FIELD, INFO_EVENT):
        schemas[body.name] = body.schema()
    for found in COLLECTIONS.values():
        schemas[f"{found.noun.capitalize()}TransitionRequest"] = _transition_schema(found)
    schemas.update(copy.deepcopy(RESPONSE_SCHEMAS))

    paths: dict[str, Any] = {
        "/openapi.json": {"get": _operation(
            "getOpenApi", "meta", "This document",
            {**_ok(200, "The OpenAPI 3.1 document.", {"type": "object"})}, security=[])},
        "/tokens": {"post": _operation(
            "createToken", "auth", "Sign in: get a bearer token",
            {**_ok(201, "A token, valid for 12 hours; only its hash is stored.", ref("Token")),
             **_errors(400, 401, 413, 415, 422, 429)},
            description="Five failed attempts for one e-mail address within 15 minutes (or 20 "
                        "from one address) and further attempts are refused with 429 and "
                        "Retry-After.",
            request_body=_body(SIGN_IN), security=[])},
        "/tokens/current": {"delete": _operation(
            "revokeCurrentToken", "auth", "Sign out: revoke the token of this request",
            {"204": {"description": "Revoked."}, **_errors(401)})},
        "/me": {"get": _operation(
            "getMe", "auth", "The signed-in user",
            {**_ok(200, "The user, their roles and organisation.", ref("Me")),
             **_errors(401)})},
        "/calls": {
            "get": _operation(
                "listCalls", "calls", "Calls the caller may see",
                {**_ok(200, "Ordered by deadline.", list_of("Call")), **_errors(401, 422)},
                description="Published calls for everyone, anonymous callers included; drafts "
                            "too for administrators.",
                parameters=_query(CALL_PARAMS), security=ANONYMOUS_OR_TOKEN),
            "post": _operation(
                "createCall", "calls", "Create a call or a procurement (administrators)",
                {**_ok(201, "The new call.", ref("Call"), etag=True, location=True),
                 **_errors(400, 401, 403, 413, 415, 422)},
                request_body=_body(CALL_CREATE)),
        },
        "/calls/{id}": {
            "parameters": [PATH_ID],
            "get": _operation(
                "getCall", "calls", "One call",
                {**_ok(200, "The call.", ref("Call"), etag=True), **_errors(401, 404)},
                security=ANONYMOUS_OR_TOKEN),
            "patch": _operation(
                "updateCall", "calls", "Change a call before it is published (administrators)",
                {**_ok(200, "The call as changed.", ref("Call"), etag=True),
                 **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
                parameters=[IF_MATCH], request_body=_body(CALL_PATCH)),
        },
        "/calls/{id}/submissions": {
            "parameters": [PATH_ID],
            "post": _operation(
                "createSubmission", "submissions",
                "Start a draft application or tender for the caller's organisation",
                {**_ok(201, "The new draft.", ref("Submission"), etag=True, location=True),
                 **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
                description="Applicants only, while the call takes submissions (409 "
                            "deadline_passed or not_open otherwise).",
                request_body=_body(SUBMISSION_CREATE, required=False)),
        },
        "/submissions": {"get": _operation(
            "listSubmissions", "submissions", "Submissions the caller may see",
            {**_ok(200, "The own organisation's, those assigned to the caller as evaluator, "
                        "every one for administrators.", page_of("Submission")),
             **_errors(401, 404, 422)},
            description="A call_id the caller may not see is 404. In order of id; with "
                        "`limit`, a page at a time: follow `next` until it is null.",
            parameters=_query(SUBMISSION_PARAMS))},
        "/submissions/{id}": {
            "parameters": [PATH_ID],
            "get": _operation(
                "getSubmission", "submissions", "One submission",
                {**_ok(200, "The submission; content only for those who may read it.",
                       ref("Submission"), etag=True), **_errors(401, 404)}),
            "patch": _operation(
                "updateSubmission", "submissions",
                "Edit the working copy (the own organisation, before the deadline)",
                {**_ok(200, "The submission as changed.", ref("Submission"), etag=True),
                 **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
                parameters=[IF_MATCH], request_body=_body(SUBMISSION_PATCH)),
        },
    }
    for found in COLLECTIONS.values():
        paths.update(_collection_paths(found))
    paths.update(copy.deepcopy(EXTRA_PATHS))
    schemas.update(copy.deepcopy(EXTRA_SCHEMAS))

    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "hankeflow API", "version": API_VERSION,
            "description": (
                "Grant and procurement workflows: ESR project calls and applications, Jotpa "
                "procurements and tenders. Times are ISO 8601: output in Helsinki time with "
                "its offset (2024-06-03T16:15:00+03:00); input with an offset, or without one "
                "meaning Helsinki time. Messages follow Accept-Language (fi, sv, en; Finnish by "
                "default). Every object carries id, state and version; a write may send the "
                "version it saw (body `version` or If-Match) and gets 409 conflict when it is "
                "stale. Errors: {\"error\": {\"code\", \"message\", \"details\"}}."),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": "auth"}, {"name": "calls"}, {"name": "submissions"},
                 {"name": "workflow"}, {"name": "meta"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": _error_components(),
            "parameters": {
                "Id": {"name": "id", "in": "path", "required": True, "schema": ID_SCHEMA},
                "AcceptLanguage": {"name": "Accept-Language", "in": "header", "required": False,
                                   "description": "fi, sv or en; Finnish by default.",
                                   "schema": {"type": "string"}},
                "IfMatch": {"name": "If-Match", "in": "header", "required": False,
                            "description": "The version you saw, e.g. \"3\" (the ETag of the "
                                           "object); a stale one is 409 conflict.",
                            "schema": {"type": "string"}},
            },
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A token from POST /tokens."}},
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return respond(build_document())

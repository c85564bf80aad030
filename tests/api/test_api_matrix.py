"""Who may do what through the API: every endpoint against every relationship.

Relationships to organisation A's ESR application `esr_a` and sealed tender `tender_a`:
own (an applicant of A), other (an applicant of B), evaluator (assigned to esr_a, declared no
conflict), conflicted (assigned to esr_a, declared a conflict), unassigned (an evaluator),
admin (who sees the tenders only as sealed: before the opening), anonymous.
Every status is asserted, denials included, and no response carries a secret the relationship
may not read (another organisation's content, or any tender's before the opening).
"""
from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import pytest

from workflow.attachments import add_attachment
from workflow.engine import fire

# The uploads of these tests go to an instance folder of their own (made before the app).
pytestmark = pytest.mark.usefixtures("instance")

ACTORS = ("anonymous", "other", "unassigned", "conflicted", "evaluator", "admin", "own")
AUTHED = {a: 200 for a in ACTORS if a != "anonymous"} | {"anonymous": 401}
VIEWERS_OF_ESR_A = {"own": 200, "evaluator": 200, "conflicted": 200, "admin": 200,
                    "other": 404, "unassigned": 404, "anonymous": 401}
VIEWERS_OF_TENDER_A = {"own": 200, "admin": 200, "other": 404, "evaluator": 404,
                       "conflicted": 404, "unassigned": 404, "anonymous": 401}
ESR_FORM_CONTENT = {"title": "Uusi nimi"}
NEW_CALL = {"kind": "esr", "title": "Uusi haku", "opens_at": "2024-08-01T09:00",
            "deadline": "2024-10-01T16:15"}


@dataclasses.dataclass(frozen=True)
class Case:
    method: str
    path: Callable[[Any], str]          # world → path
    template: str                        # the documented path
    expected: dict[str, int]
    body: Any = None
    check: Callable[[Any, str, Any], None] | None = None  # (world, actor, json) → asserts
    form: Callable[[], dict[str, Any]] | None = None     # a multipart body, made per request
    binary: bool = False                                  # a success is bytes, not JSON


def ids(items: list[dict]) -> set[int]:
    return {item["id"] for item in items}


def check_call_list(world, actor, data):
    listed = ids(data["items"])
    assert world.esr.id in listed and world.jotpa.id in listed
    assert (world.draft_call.id in listed) == (actor == "admin"), "drafts are for admins only"


def check_submission_list(world, actor, data):
    expected = {
        "own": {world.esr_a.id, world.tender_a.id}, "other": {world.esr_b.id, world.tender_b.id},
        "evaluator": {world.esr_a.id}, "conflicted": {world.esr_a.id}, "unassigned": set(),
        "admin": {world.esr_a.id, world.esr_b.id, world.tender_a.id, world.tender_b.id},
    }[actor]
    assert ids(data["items"]) == expected
    for item in data["items"]:
        readable = (actor in ("own", "other") or (actor in ("admin", "evaluator")
                                                  and item["kind"] == "esr"))
        assert ("content" in item) == readable, (actor, item["id"])


def check_esr_a(world, actor, data):
    assert ("content" in data) == (actor in ("own", "evaluator", "admin"))
    assert data["sealed"] is False


def check_tender_a(world, actor, data):
    assert data["sealed"] is True and data["state"] == "submitted"
    assert ("content" in data) == (actor == "own"), "sealed: only the own organisation reads it"
    assert data["receipt"]["sha256"] == world.tender_a.content_sha256


def check_esr_a_transitions(world, actor, data):
    triggers = {t["trigger"] for t in data["items"]}
    assert triggers == ({"submit", "withdraw"} if actor == "own" else set())


def check_esr_a_history(world, actor, data):
    triggers = [e["trigger"] for e in data["items"]]
    assert triggers[:2] == ["create", "submit"]
    evaluator_events = {"assign_evaluator", "declare_conflict", "declare_no_conflict"}
    seen = evaluator_events & set(triggers)
    if actor == "admin":
        assert seen == evaluator_events
    elif actor == "evaluator":
        assert seen == {"declare_no_conflict"}
    elif actor == "conflicted":
        assert seen == {"declare_conflict"}
    else:
        assert not seen, "applicants do not learn who evaluates them"


def check_procurement_list(world, actor, data):
    expected = {"own": {world.tender_a.id}, "other": {world.tender_b.id},
                "admin": {world.tender_a.id, world.tender_b.id}}.get(actor, set())
    assert ids(data["items"]) == expected
    assert all(item["sealed"] for item in data["items"])


ADMIN_ONLY = {**{a: 404 for a in ACTORS}, "admin": 200, "anonymous": 401}


def check_unranked(world, actor, data):
    """Nothing is ranked before the evaluation: the administrator sees an empty ranking."""
    assert data["visibility"] == "full" and data["entries"] == []


CASES: dict[str, Case] = {
    "openapi": Case("GET", lambda w: "/openapi.json", "/openapi.json",
                    {a: 200 for a in ACTORS}),
    "me": Case("GET", lambda w: "/me", "/me", AUTHED),
    "revoke_token": Case("DELETE", lambda w: "/tokens/current", "/tokens/current",
                         {**{a: 204 for a in ACTORS}, "anonymous": 401}),
    "list_calls": Case("GET", lambda w: "/calls", "/calls", {a: 200 for a in ACTORS},
                       check=check_call_list),
    "create_call": Case("POST", lambda w: "/calls", "/calls",
                        {**{a: 403 for a in ACTORS}, "admin": 201, "anonymous": 401},
                        body=NEW_CALL),
    "get_open_call": Case("GET", lambda w: f"/calls/{w.esr.id}", "/calls/{id}",
                          {a: 200 for a in ACTORS}),
    "get_draft_call": Case("GET", lambda w: f"/calls/{w.draft_call.id}", "/calls/{id}",
                           {**{a: 404 for a in ACTORS}, "admin": 200}),
    "patch_draft_call": Case("PATCH", lambda w: f"/calls/{w.draft_call.id}", "/calls/{id}",
                             {**{a: 404 for a in ACTORS}, "admin": 200, "anonymous": 401},
                             body={"title": "Muutettu"}),
    "patch_open_call": Case("PATCH", lambda w: f"/calls/{w.esr.id}", "/calls/{id}",
                            {**{a: 403 for a in ACTORS}, "admin": 409, "anonymous": 401},
                            body={"title": "Muutettu"}),
    "call_transitions": Case("GET", lambda w: f"/calls/{w.esr.id}/transitions",
                             "/calls/{id}/transitions", AUTHED),
    "fire_call_transition": Case("POST", lambda w: f"/calls/{w.esr.id}/transitions",
                                 "/calls/{id}/transitions",
                                 {**{a: 403 for a in ACTORS}, "admin": 409, "anonymous": 401},
                                 body={"trigger": "close"}),
    "draft_call_transitions": Case("GET", lambda w: f"/calls/{w.draft_call.id}/transitions",
                                   "/calls/{id}/transitions",
                                   {**{a: 404 for a in ACTORS}, "admin": 200, "anonymous": 401}),
    "call_history": Case("GET", lambda w: f"/calls/{w.esr.id}/history", "/calls/{id}/history",
                         AUTHED),
    "draft_call_history": Case("GET", lambda w: f"/calls/{w.draft_call.id}/history",
                               "/calls/{id}/history",
                               {**{a: 404 for a in ACTORS}, "admin": 200, "anonymous": 401}),
    "create_submission": Case("POST", lambda w: f"/calls/{w.esr.id}/submissions",
                              "/calls/{id}/submissions",
                              {"own": 201, "other": 201, "evaluator": 403, "conflicted": 403,
                               "unassigned": 403, "admin": 403, "anonymous": 401},
                              body={"content": ESR_FORM_CONTENT}),
    "create_submission_in_draft_call": Case(
        "POST", lambda w: f"/calls/{w.draft_call.id}/submissions", "/calls/{id}/submissions",
        {**{a: 404 for a in ACTORS}, "admin": 403, "anonymous": 401}, body={}),
    "list_submissions": Case("GET", lambda w: "/submissions", "/submissions", AUTHED,
                             check=check_submission_list),
    "list_submissions_of_procurement": Case(
        "GET", lambda w: f"/submissions?call_id={w.jotpa.id}", "/submissions",
        AUTHED, check=check_procurement_list),
    "list_submissions_of_draft_call": Case(
        "GET", lambda w: f"/submissions?call_id={w.draft_call.id}", "/submissions",
        {**{a: 404 for a in ACTORS}, "admin": 200, "anonymous": 401}),
    "get_esr_a": Case("GET", lambda w: f"/submissions/{w.esr_a.id}", "/submissions/{id}",
                      VIEWERS_OF_ESR_A, check=check_esr_a),
    "patch_esr_a": Case("PATCH", lambda w: f"/submissions/{w.esr_a.id}", "/submissions/{id}",
                        {**VIEWERS_OF_ESR_A, "evaluator": 403, "conflicted": 403, "admin": 403},
                        body={"content": ESR_FORM_CONTENT}),
    "esr_a_transitions": Case("GET", lambda w: f"/submissions/{w.esr_a.id}/transitions",
                              "/submissions/{id}/transitions", VIEWERS_OF_ESR_A,
                              check=check_esr_a_transitions),
    "fire_esr_a_transition": Case("POST", lambda w: f"/submissions/{w.esr_a.id}/transitions",
                                  "/submissions/{id}/transitions",
                                  {**VIEWERS_OF_ESR_A, "evaluator": 403, "conflicted": 403,
                                   "admin": 403}, body={"trigger": "withdraw"}),
    "esr_a_history": Case("GET", lambda w: f"/submissions/{w.esr_a.id}/history",
                          "/submissions/{id}/history", VIEWERS_OF_ESR_A,
                          check=check_esr_a_history),
    "get_sealed_tender_a": Case("GET", lambda w: f"/submissions/{w.tender_a.id}",
                                "/submissions/{id}", VIEWERS_OF_TENDER_A, check=check_tender_a),
    "patch_sealed_tender_a": Case("PATCH", lambda w: f"/submissions/{w.tender_a.id}",
                                  "/submissions/{id}", {**VIEWERS_OF_TENDER_A, "admin": 403},
                                  body={"content": {"title": "Korjattu"}}),
    "sealed_tender_a_transitions": Case(
        "GET", lambda w: f"/submissions/{w.tender_a.id}/transitions",
        "/submissions/{id}/transitions", VIEWERS_OF_TENDER_A),
    # Nobody opens a single tender before the procurement opens them all.
    "fire_sealed_tender_a_transition": Case(
        "POST", lambda w: f"/submissions/{w.tender_a.id}/transitions",
        "/submissions/{id}/transitions", {**VIEWERS_OF_TENDER_A, "own": 403, "admin": 409},
        body={"trigger": "open"}),
    "sealed_tender_a_history": Case("GET", lambda w: f"/submissions/{w.tender_a.id}/history",
                                    "/submissions/{id}/history", VIEWERS_OF_TENDER_A),
    # Rankings (issue 5): administrators only until the results are public; evaluators never.
    "esr_ranking": Case("GET", lambda w: f"/calls/{w.esr.id}/ranking", "/calls/{id}/ranking",
                        ADMIN_ONLY, check=check_unranked),
    "procurement_ranking": Case("GET", lambda w: f"/calls/{w.jotpa.id}/ranking",
                                "/calls/{id}/ranking", ADMIN_ONLY, check=check_unranked),
    "draft_call_ranking": Case("GET", lambda w: f"/calls/{w.draft_call.id}/ranking",
                               "/calls/{id}/ranking", ADMIN_ONLY, check=check_unranked),
}

# Issue 6 (workflow/web/api/pilots.py): the world has no pilots yet, so these rows check who is
# let in at all; tests/web_pilots/test_api_pilots.py walks a supplier's real pilot, report
# and certificate through every relationship.
NO_CERTIFICATE = "00000000-0000-4000-8000-000000000000"
NO_OBJECT = 2**31 - 1
NOBODY_AUTHED = {**{a: 404 for a in ACTORS}, "anonymous": 401}


def check_sealed_ocds(world, actor, data):
    assert data["releases"][-1]["ocid"] == f"ocds-hankeflow-{world.jotpa.id}"
    assert all("tenderers" not in r["tender"] for r in data["releases"]), "sealed until opened"


CASES.update({
    "procurement_ocds": Case("GET", lambda w: f"/calls/{w.jotpa.id}/ocds", "/calls/{id}/ocds",
                             {a: 200 for a in ACTORS}, check=check_sealed_ocds),
    "esr_call_ocds": Case("GET", lambda w: f"/calls/{w.esr.id}/ocds", "/calls/{id}/ocds",
                          {a: 404 for a in ACTORS}),
    "list_certificates": Case("GET", lambda w: "/certificates", "/certificates", AUTHED,
                              check=lambda w, a, data: data == {"items": []}),
    "get_certificate": Case("GET", lambda w: f"/certificates/{NO_CERTIFICATE}",
                            "/certificates/{certificate_id}", NOBODY_AUTHED),
    "get_certificate_elm": Case("GET", lambda w: f"/certificates/{NO_CERTIFICATE}/elm",
                                "/certificates/{certificate_id}/elm", NOBODY_AUTHED),
    "verify_certificate": Case("GET", lambda w: f"/certificates/{NO_CERTIFICATE}/verification",
                               "/certificates/{certificate_id}/verification",
                               {a: 404 for a in ACTORS}),
    "get_pilot": Case("GET", lambda w: f"/pilots/{NO_OBJECT}", "/pilots/{pilot_id}", NOBODY_AUTHED),
    "get_report": Case("GET", lambda w: f"/reports/{NO_OBJECT}", "/reports/{report_id}",
                       NOBODY_AUTHED),
    "report_transitions": Case("GET", lambda w: f"/reports/{NO_OBJECT}/transitions",
                               "/reports/{id}/transitions", NOBODY_AUTHED),
    "fire_report_transition": Case("POST", lambda w: f"/reports/{NO_OBJECT}/transitions",
                                   "/reports/{id}/transitions", NOBODY_AUTHED,
                                   body={"trigger": "submit"}),
    "report_history": Case("GET", lambda w: f"/reports/{NO_OBJECT}/history",
                           "/reports/{id}/history", NOBODY_AUTHED),
})


# Attachments: the `files` fixture below puts a PDF on organisation A's application and on its
# sealed tender, each named and filled with that submission's secret, so that every row above
# also checks that no file name leaks where the content may not be read.
READERS_OF_ESR_A = {**VIEWERS_OF_ESR_A, "conflicted": 403}
READERS_OF_TENDER_A = {**VIEWERS_OF_TENDER_A, "admin": 409}  # sealed until the opening
WRITERS_OF_ESR_A = {**VIEWERS_OF_ESR_A, "evaluator": 403, "conflicted": 403, "admin": 403}
WRITERS_OF_TENDER_A = {**VIEWERS_OF_TENDER_A, "admin": 403}


def pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def new_file() -> dict[str, Any]:
    return {"file": (io.BytesIO(pdf("Uusi liite")), "liite.pdf")}


def first_file(submission) -> int:
    return submission.attachments[0].id


def check_attachment_list(world, actor, data):
    assert [item["filename"] for item in data["items"]] == [
        f"{world.secrets['esr_a']}.pdf"]


def attachment_cases(key: str, readers: dict[str, int], writers: dict[str, int]) -> dict[str, Case]:
    def files(w) -> str:
        return f"/submissions/{getattr(w, key).id}/attachments"

    def one(w) -> str:
        return f"{files(w)}/{first_file(getattr(w, key))}"

    return {
        f"{key}_attachments": Case("GET", files, "/submissions/{id}/attachments", readers,
                                   check=check_attachment_list if key == "esr_a" else None),
        f"add_{key}_attachment": Case("POST", files, "/submissions/{id}/attachments",
                                      {**writers, "own": 201}, form=new_file),
        f"{key}_attachment": Case("GET", one, "/submissions/{id}/attachments/{attachment_id}",
                                  readers),
        f"{key}_attachment_content": Case(
            "GET", lambda w: one(w) + "/content",
            "/submissions/{id}/attachments/{attachment_id}/content", readers, binary=True),
        f"remove_{key}_attachment": Case("DELETE", one,
                                         "/submissions/{id}/attachments/{attachment_id}",
                                         {**writers, "own": 204}),
    }


CASES.update(attachment_cases("esr_a", READERS_OF_ESR_A, WRITERS_OF_ESR_A))
CASES.update(attachment_cases("tender_a", READERS_OF_TENDER_A, WRITERS_OF_TENDER_A))


@pytest.fixture
def files(world, session):
    for key in ("esr_a", "tender_a"):
        secret = world.secrets[key]
        add_attachment(session, world.users["own"], getattr(world, key), f"{secret}.pdf",
                       io.BytesIO(pdf(secret)))
        # Submitted again with the file: others are shown what was received.
        fire(session, getattr(world, key), "submit", world.users["own"])
    session.commit()


def test_the_matrix_covers_every_documented_operation(openapi_document):
    """Is every operation of the published API in the authorisation matrix (besides signing
    in, which test_api_auth covers)?"""
    documented = {(method.upper(), path) for path, item in openapi_document["paths"].items()
                  for method in item if method != "parameters"}
    covered = {(case.method, case.template) for case in CASES.values()}
    assert documented - covered == {("POST", "/tokens")}


@pytest.mark.parametrize("name", list(CASES))
def test_authorisation_matrix(name, world, files, api, token_for):
    """Does every relationship get exactly the answer it should from this endpoint, and never
    a secret it may not read (content, or a file's name or bytes)?"""
    case = CASES[name]
    path = case.path(world)
    for actor in ACTORS:
        token = token_for(world.users[actor])
        if case.form is not None:
            response = api.request(case.method, path, token=token, data=case.form(),
                                   content_type="multipart/form-data")
        else:
            response = api.request(case.method, path, token=token, json_body=case.body,
                                   check=not case.binary)
        expected = case.expected[actor]
        body = response.get_data(as_text=True)
        assert response.status_code == expected, f"{name}: {actor} got {response.status_code}: {body}"
        if case.binary and expected >= 400:
            api.checker.validate(case.method, path, expected, response.get_data())
        for secret in world.forbidden(actor):
            assert secret not in body, f"{name}: {actor} was shown {secret}"
        if expected < 300 and case.check is not None and response.status_code != 204:
            case.check(world, actor, response.get_json())
        if expected == 404:
            assert response.get_json()["error"]["code"] == "not_found"
        if expected == 403:
            assert response.get_json()["error"]["code"] == "not_allowed"
        if expected == 401:
            assert response.get_json()["error"]["code"] == "unauthenticated"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_after_the_opening_the_admin_and_only_the_admin_reads_every_tender(
        world, api, token_for, open_tenders):
    """Once the procurement opens its tenders at the deadline, may administrators read them,
    while the other bidder still may not?"""
    open_tenders(world.jotpa)
    admin_view = api.get(f"/submissions/{world.tender_a.id}",
                         token=token_for(world.users["admin"])).get_json()
    assert admin_view["sealed"] is False and admin_view["state"] == "opened"
    assert admin_view["content"]["pilot_plan"] == world.secrets["tender_a"]
    other = api.get(f"/submissions/{world.tender_a.id}", token=token_for(world.users["other"]))
    assert other.status_code == 404
    listing = api.get(f"/submissions?call_id={world.jotpa.id}",
                      token=token_for(world.users["other"])).get_data(as_text=True)
    assert world.secrets["tender_a"] not in listing

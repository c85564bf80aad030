"""Who may see and do what on the HTML pages, by relationship to the object: own
organisation, another organisation, assigned / conflicted / unassigned evaluator,
administrator (also before tenders are opened), anonymous. Every denial is asserted, and no
response leaks the other organisation's content."""
from __future__ import annotations

import io

import pytest
from support.web import body
from werkzeug.datastructures import FileStorage

from workflow.assignments import assign_evaluator, declare_conflict
from workflow.attachments import add_attachment
from workflow.engine import fire

SECRET_TITLE = "Kilpailijan salainen hanke 4410"
SECRET_TEXT = "Kilpailijan salainen sisältö 9921"
SEALED_TEXT = "Sinetöity tarjoussisältö 5530"
# Files are uploaded: to an instance folder of the test's own (made before the app).
pytestmark = pytest.mark.usefixtures("instance")


def pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture
def world(session, clock, make_call, make_submission, make_user, make_org, admin):
    call = make_call("esr", state="open")
    own_org = make_org("Oma ammattikorkeakoulu")
    owner = make_user("applicant", organisation=own_org)
    submission = make_submission(call, owner, content={
        "title": SECRET_TITLE, "summary": SECRET_TEXT, "objectives": "T", "budget_total": "10"})
    # A file named and filled with the secret: file names are content too.
    attachment = add_attachment(session, owner, submission, f"{SECRET_TEXT}.pdf",
                                io.BytesIO(pdf(SECRET_TEXT)))
    fire(session, submission, "submit", owner)
    other = make_user("applicant")
    cleared = make_user("evaluator")
    conflicted = make_user("evaluator")
    unassigned = make_user("evaluator")
    cleared_assignment = assign_evaluator(session, admin, submission, cleared)
    declare_conflict(session, cleared, cleared_assignment, conflicted=False)
    conflicted_assignment = assign_evaluator(session, admin, submission, conflicted)
    declare_conflict(session, conflicted, conflicted_assignment, conflicted=True, reason="Sukulainen")
    draft_call = make_call("esr", state="draft")

    tender_call = make_call("jotpa", state="tendering")
    bidder = make_user("applicant")
    tender = make_submission(tender_call, bidder, content={
        "title": "Tarjous", "pilot_plan": SEALED_TEXT, "price": "1000"})
    tender_file = add_attachment(session, bidder, tender, f"{SEALED_TEXT}.pdf",
                                 io.BytesIO(pdf(SEALED_TEXT)))
    session.commit()
    return {"submission": submission, "owner": owner, "other": other, "cleared": cleared,
            "conflicted": conflicted, "unassigned": unassigned, "admin": admin,
            "cleared_assignment": cleared_assignment,
            "conflicted_assignment": conflicted_assignment, "draft_call": draft_call,
            "tender": tender, "attachment": attachment, "tender_file": tender_file}


def _upload() -> dict:
    return {"title": "Hijack", "action": "save",
            "file": FileStorage(io.BytesIO(pdf("Hijack")), "hijack.pdf")}


def _requests(w):
    s, a, c = w["submission"].id, w["cleared_assignment"].id, w["conflicted_assignment"].id
    f = w["attachment"].id
    return {
        "download": ("GET", f"/submissions/{s}/attachments/{f}", None),
        "upload": ("POST", f"/applicant/submissions/{s}/edit", _upload()),
        "remove": ("POST", f"/applicant/submissions/{s}/edit",
                   {"action": "save", "remove": str(f)}),
        "applicant page": ("GET", f"/applicant/submissions/{s}", None),
        "edit form": ("GET", f"/applicant/submissions/{s}/edit", None),
        "edit post": ("POST", f"/applicant/submissions/{s}/edit", {"title": "Hijack", "action": "save"}),
        "receipt": ("GET", f"/applicant/submissions/{s}/receipt", None),
        "step form": ("GET", f"/submissions/{s}/transition?trigger=withdraw", None),
        "fire withdraw": ("POST", f"/submissions/{s}/transition", {"trigger": "withdraw"}),
        "cleared assignment": ("GET", f"/evaluator/assignments/{a}", None),
        "conflicted assignment": ("GET", f"/evaluator/assignments/{c}", None),
        "declare on cleared": ("POST", f"/evaluator/assignments/{a}/declaration", {"conflict": "no"}),
        "review cleared": ("POST", f"/evaluator/assignments/{a}/review", {"action": "save"}),
        "unpublished call": ("GET", f"/calls/{w['draft_call'].id}", None),
        "start on unpublished": ("POST", f"/applicant/calls/{w['draft_call'].id}/submissions", None),
    }


# expected status per actor; "content" marks the responses in which the content may appear.
EXPECTED = {
    "owner": {"download": 200, "upload": 302, "remove": 302,
              "applicant page": 200, "edit form": 200, "edit post": 302, "receipt": 200,
              "step form": 200, "fire withdraw": 302, "cleared assignment": 403,
              "conflicted assignment": 403, "declare on cleared": 403, "review cleared": 403,
              "unpublished call": 404, "start on unpublished": 404},
    "other": {"download": 404, "upload": 404, "remove": 404,
              "applicant page": 404, "edit form": 404, "edit post": 404, "receipt": 404,
              "step form": 404, "fire withdraw": 404, "cleared assignment": 403,
              "conflicted assignment": 403, "declare on cleared": 403, "review cleared": 403,
              "unpublished call": 404, "start on unpublished": 404},
    "cleared": {"download": 200, "upload": 403, "remove": 403,
                "applicant page": 403, "edit form": 403, "edit post": 403, "receipt": 403,
                "step form": 409, "fire withdraw": 403, "cleared assignment": 200,
                "conflicted assignment": 404, "declare on cleared": 409, "review cleared": 409,
                "unpublished call": 404, "start on unpublished": 403},
    "conflicted": {"download": 403, "upload": 403, "remove": 403,
                   "applicant page": 403, "edit form": 403, "edit post": 403, "receipt": 403,
                   "step form": 409, "fire withdraw": 403, "cleared assignment": 404,
                   "conflicted assignment": 200, "declare on cleared": 404,
                   "review cleared": 404, "unpublished call": 404, "start on unpublished": 403},
    "unassigned": {"download": 404, "upload": 403, "remove": 403,
                   "applicant page": 403, "edit form": 403, "edit post": 403, "receipt": 403,
                   "step form": 404, "fire withdraw": 404, "cleared assignment": 404,
                   "conflicted assignment": 404, "declare on cleared": 404,
                   "review cleared": 404, "unpublished call": 404, "start on unpublished": 403},
    "admin": {"download": 200, "upload": 403, "remove": 403,
              "applicant page": 403, "edit form": 403, "edit post": 403, "receipt": 403,
              "step form": 409, "fire withdraw": 403, "cleared assignment": 403,
              "conflicted assignment": 403, "declare on cleared": 403, "review cleared": 403,
              "unpublished call": 200, "start on unpublished": 403},
}
# Who may read the content of the submission, and on which of the requests above.
MAY_READ = {"owner": {"applicant page", "edit form", "receipt", "step form", "download"},
            "cleared": {"cleared assignment", "step form", "fire withdraw", "declare on cleared",
                        "review cleared", "download"},
            "admin": {"step form", "fire withdraw", "download"}}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_relationship_gets_exactly_its_rights(session, login, world, who):
    """Does each relationship get exactly the statuses above, and does content appear only
    where that relationship may read it?"""
    client = login(world[who])
    for name, (method, url, data) in _requests(world).items():
        response = client.open(url, method=method, data=data or {})
        expected = EXPECTED[who][name]
        assert response.status_code == expected, (who, name, response.status_code)
        if name not in MAY_READ.get(who, set()) and response.status_code != 302:
            assert SECRET_TEXT not in body(response), (who, name)
            if who not in ("owner", "cleared", "admin"):
                assert SECRET_TITLE not in body(response), (who, name)
        session.rollback()  # undo what a permitted POST did, for the next request


def test_anonymous_visitors_are_sent_to_sign_in(session, anonymous, world):
    """Is an anonymous visitor sent to the sign-in page from every page that needs an
    account, and shown no content?"""
    for name, (method, url, data) in _requests(world).items():
        response = anonymous.open(url, method=method, data=data or {})
        if name == "unpublished call":
            assert response.status_code == 404
            continue
        assert response.status_code == 302, name
        assert response.headers["Location"].startswith("/sign-in"), name
        assert SECRET_TEXT not in body(response)
    assert anonymous.get("/applicant/").headers["Location"] == "/sign-in?next=%2Fapplicant%2F"
    assert anonymous.get("/evaluator/").headers["Location"] == "/sign-in?next=%2Fevaluator%2F"


def test_a_sealed_tender_is_unreadable_for_administrators_before_opening(session, login, world):
    """Before the tenders are opened, does an administrator see that a tender exists but
    never its content, while the bidder's own organisation reads it?"""
    tender = world["tender"]
    admin_client = login(world["admin"])
    page = admin_client.get(f"/submissions/{tender.id}/transition?trigger=withdraw")
    assert page.status_code == 409
    assert SEALED_TEXT not in body(page)
    assert admin_client.get(f"/applicant/submissions/{tender.id}").status_code == 403
    owner_client = login(tender.created_by)
    own = owner_client.get(f"/applicant/submissions/{tender.id}")
    assert own.status_code == 200 and SEALED_TEXT in body(own)
    rival = login(world["owner"])
    assert rival.get(f"/applicant/submissions/{tender.id}").status_code == 404
    assert SEALED_TEXT not in body(rival.get(f"/applicant/submissions/{tender.id}"))
    # Its file, and the file's name, are sealed alike.
    file_url = f"/submissions/{tender.id}/attachments/{world['tender_file'].id}"
    for client, status in ((admin_client, 409), (rival, 404), (owner_client, 200)):
        response = client.get(file_url)
        assert response.status_code == status
        assert (SEALED_TEXT in body(response)) == (status == 200)


def test_lists_show_only_the_own_organisation(session, login, world):
    """Does another organisation's applicant list show nothing of ours?"""
    client = login(world["other"])
    listing = client.get("/applicant/")
    assert listing.status_code == 200
    assert SECRET_TITLE not in body(listing)
    evaluator_list = login(world["unassigned"]).get("/evaluator/")
    assert world["submission"].organisation.name not in body(evaluator_list)

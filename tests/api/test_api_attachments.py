"""Attachments through the API: an integrator uploads, lists, downloads and removes files of
a draft; versions guard every write; limits and types are refused with the documented codes;
a receipt covers the files; sealed tenders keep their files sealed."""
from __future__ import annotations

import hashlib
import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from workflow.config import MAX_ATTACHMENT_BYTES

# The uploads go to an instance folder of the test's own (made before the app reads it).
pytestmark = pytest.mark.usefixtures("instance")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def pdf(text: str = "liite") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def upload(api, submission_id: int, token: str, data: bytes, name: str, *,
           lang: str | None = None, **fields):
    """POST a file as multipart/form-data (encoded in memory, whatever its size)."""
    boundary, encoded = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data), name)})
    return api.request("POST", f"/submissions/{submission_id}/attachments", token=token,
                       lang=lang, data=encoded,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def draft(session, clock, make_call, make_submission, make_user, token_for):
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant)
    session.commit()
    return submission, token_for(applicant)


def test_an_integrator_uploads_lists_downloads_and_removes_a_file(api, draft):
    """Can the own organisation upload a file (201 with its metadata and address), find it in
    the list and in the submission, download the very bytes, and remove it with the current
    version, while a stale version is 409 conflict?"""
    submission, token = draft
    data = pdf("Budjetti")
    before = api.get(f"/submissions/{submission.id}", token=token)
    created = upload(api, submission.id, token, data, "Budjetti.pdf",
                     version=before.headers["ETag"].strip('"'))
    assert created.status_code == 201
    item = created.get_json()
    assert item["filename"] == "Budjetti.pdf" and item["media_type"] == "application/pdf"
    assert item["size"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["removed_at"] is None
    assert created.headers["Location"].endswith(
        f"/submissions/{submission.id}/attachments/{item['id']}")

    listed = api.get(f"/submissions/{submission.id}/attachments", token=token).get_json()
    assert listed["items"] == [item]
    after = api.get(f"/submissions/{submission.id}", token=token)
    assert after.get_json()["attachments"] == [item]
    stale = before.headers["ETag"]
    assert after.headers["ETag"] != stale                      # the upload moved the version

    content = api.get(f"/submissions/{submission.id}/attachments/{item['id']}/content",
                      token=token, check=False)
    assert content.status_code == 200 and content.data == data
    assert content.mimetype == "application/pdf"
    assert content.headers["Content-Disposition"] in ('attachment; filename=Budjetti.pdf',
                                                      'attachment; filename="Budjetti.pdf"')
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert content.headers["Cache-Control"] == "private, no-store"

    path = f"/submissions/{submission.id}/attachments/{item['id']}"
    conflict = api.delete(path, token=token, headers={"If-Match": stale})
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "conflict"
    assert api.delete(path + f"?version={after.headers['ETag'].strip(chr(34))}",
                      token=token).status_code == 204
    assert api.get(f"/submissions/{submission.id}/attachments", token=token).get_json() == {
        "items": []}
    kept = api.get(path, token=token).get_json()
    assert kept["removed_at"] is not None                      # rows are never deleted
    assert api.delete(path, token=token).status_code == 404    # already removed


def test_a_receipt_covers_the_files_as_documented(api, draft):
    """Does submitting a draft with a file give a receipt whose SHA-256 is the documented
    hash of the content plus "_attachments"?"""
    submission, token = draft
    item = upload(api, submission.id, token, pdf("Liite"), "Liite.pdf").get_json()
    fired = api.post(f"/submissions/{submission.id}/transitions", {"trigger": "submit"},
                     token=token).get_json()
    document = {**fired["content"], "_attachments": [
        {k: item[k] for k in ("filename", "media_type", "size", "sha256")}]}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert fired["receipt"]["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(("size", "code"), [
    (12 * 2**20, "payload_too_large"),       # refused before the body is read
    (MAX_ATTACHMENT_BYTES + 1, "file_too_large"),
])
def test_too_large_a_file_is_413_in_the_callers_language(api, draft, size, code):
    """Is a file over 10 MB refused with 413 and a message naming the limit, in Finnish?"""
    submission, token = draft
    response = upload(api, submission.id, token, b"%PDF-" + bytes(size - 5), "iso.pdf",
                      lang="fi")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == code and "10 Mt" in error["message"]
    assert api.get(f"/submissions/{submission.id}/attachments",
                   token=token).get_json()["items"] == []


@pytest.mark.parametrize(("name", "data", "code"), [
    ("ohjelma.exe", b"MZ\x90\x00" + bytes(100), "file_type_not_accepted"),
    ("kuva.pdf", PNG, "file_type_mismatch"),
    ("tyhjä.txt", b"", "invalid_input"),
])
def test_files_of_the_wrong_type_are_422(api, draft, name, data, code):
    """Is a file of a type not accepted, or whose bytes are not what its name says, or an
    empty one, refused with 422 and a stable code?"""
    submission, token = draft
    response = upload(api, submission.id, token, data, name, lang="en")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code


def test_an_upload_must_be_multipart_with_a_file(api, draft):
    """Is a JSON body 415, and a form without `file` or with unknown fields 422?"""
    submission, token = draft
    path = f"/submissions/{submission.id}/attachments"
    assert api.post(path, {"file": "x"}, token=token).status_code == 415
    boundary, encoded = encode_multipart({"tiedosto": "x", "version": "abc"})
    missing = api.request("POST", path, token=token, data=encoded,
                          content_type=f"multipart/form-data; boundary={boundary}")
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["details"]) == {"file", "tiedosto", "version"}


def test_no_file_is_attached_after_the_deadline(api, draft, clock, token_for):
    """Is an upload after 16.15 on the deadline day 409 deadline_passed?"""
    submission, _token = draft
    clock.set(submission.call.deadline)
    token = token_for(submission.created_by)   # the morning's token has expired by now
    response = upload(api, submission.id, token, pdf(), "myöhässä.pdf")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "deadline_passed"


def test_a_sealed_tender_s_files_open_with_the_tenders(api, world, session, token_for,
                                                      open_tenders):
    """Before the opening, is a tender's file list 409 sealed for an administrator and absent
    from the tender; after the opening readable, while another bidder never learns of it?"""
    own, admin, other = (token_for(world.users[a]) for a in ("own", "admin", "other"))
    secret_name = f"{world.secrets['tender_a']}.pdf"
    item = upload(api, world.tender_a.id, own, pdf(world.secrets["tender_a"]),
                  secret_name).get_json()
    assert api.post(f"/submissions/{world.tender_a.id}/transitions", {"trigger": "submit"},
                    token=own).status_code == 200                    # submitted with the file
    path = f"/submissions/{world.tender_a.id}/attachments"
    sealed = api.get(path, token=admin)
    assert sealed.status_code == 409 and sealed.get_json()["error"]["code"] == "sealed"
    assert "attachments" not in api.get(f"/submissions/{world.tender_a.id}",
                                        token=admin).get_json()

    open_tenders(world.jotpa)
    admin, other = (token_for(world.users[a]) for a in ("admin", "other"))  # fresh: a day later
    assert [i["filename"] for i in api.get(path, token=admin).get_json()["items"]] == [
        secret_name]
    content = api.get(f"{path}/{item['id']}/content", token=admin, check=False)
    assert content.status_code == 200
    for url in (path, f"{path}/{item['id']}", f"{path}/{item['id']}/content"):
        refused = api.get(url, token=other, check=False)
        assert refused.status_code == 404 and secret_name not in refused.get_data(as_text=True)


def test_form_field_names_may_not_start_with_an_underscore(api, admin, token_for):
    """Is a call form field named like the receipt's "_attachments" key refused?"""
    body = {"kind": "esr", "title": "Haku", "opens_at": "2024-08-01T09:00",
            "deadline": "2024-10-01T16:15",
            "form_fields": [{"name": "_attachments", "type": "text", "label": {"fi": "X"}}]}
    response = api.post("/calls", body, token=token_for(admin))
    assert response.status_code == 422
    assert "form_fields.0.name" in response.get_json()["error"]["details"]

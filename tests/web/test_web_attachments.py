"""Attachments on the web pages: an applicant attaches files to a draft in its edit form,
submits, and the receipt covers the files; limits, types and the deadline are enforced with
messages in Finnish; the files are exactly as sealed as the content, for every relationship;
a damaged file on disk is never served."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.web import body, csrf_token
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Attachment, AuditEntry, SubmissionVersion
from workflow.assignments import assign_evaluator, declare_conflict
from workflow.attachments import FileStore, add_attachment, clean_filename
from workflow.config import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from workflow.engine import fire

ESR_FORM = {"title": "Mikrotutkinnot työelämään", "summary": "Tiivistelmä",
            "objectives": "Tavoitteet", "budget_total": "250000"}
SECRET_NAME = "Salainen kustannusarvio 7731.pdf"
# The uploads go to an instance folder of the test's own (made before the app reads it).
pytestmark = pytest.mark.usefixtures("instance")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def pdf(text: str = "liite") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def stored_files(instance: Path) -> list[Path]:
    """The files in the store (temporary uploads excluded: there must be none left either)."""
    root = instance / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def edit(client, submission, *, file: tuple[bytes, str] | None = None, **extra):
    """Post the edit form as a browser does (multipart), with a file if one is given."""
    data = {**ESR_FORM, "action": "save", "version": str(submission.version), **extra}
    if file is not None:
        data["file"] = FileStorage(io.BytesIO(file[0]), file[1])
    # Encoded in memory: the test client's own encoder spools large bodies to a temporary
    # file that it leaves open when the app refuses the request unread (413).
    boundary, encoded = encode_multipart(data)
    return client.post(f"/applicant/submissions/{submission.id}/edit", data=encoded,
                       content_type=f"multipart/form-data; boundary={boundary}")


def attachments_of(session, submission) -> list[Attachment]:
    return list(session.scalars(sa.select(Attachment)
                                .where(Attachment.submission_id == submission.id)
                                .order_by(Attachment.id)))


def documented_receipt_sha256(content: dict, files: list[dict]) -> str:
    """The rule of workflow/README.md, written out again: canonical JSON of the content plus
    "_attachments" = [{filename, media_type, size, sha256}] in upload order."""
    document = {**content, "_attachments": [
        {k: f[k] for k in ("filename", "media_type", "size", "sha256")} for f in files]}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_an_applicant_attaches_a_pdf_submits_and_the_receipt_covers_it(
        session, clock, make_call, make_submission, make_user, login, instance):
    """Can an applicant attach a PDF to a draft, see it listed, submit, and get a receipt that
    lists the file with its SHA-256 and whose SHA-256 is the documented recomputation?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant)
    client = login(applicant)
    data = pdf("Budjetti")

    saved = edit(client, submission, file=(data, "Budjetti 2024.pdf"))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#attachments")
    page = body(client.get(saved.headers["Location"]))
    assert "Tiedosto Budjetti 2024.pdf on liitetty." in page
    assert "Budjetti 2024.pdf" in page and "PDF" in page and "kt" in page  # size, Finnish
    assert 'enctype="multipart/form-data"' in page and "govuk-file-upload" in page
    assert "enintään 10 Mt" in page                                         # the limits hint
    [attachment] = attachments_of(session, submission)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.media_type == "application/pdf" and attachment.size == len(data)
    assert stored_files(instance) == [
        instance / "uploads" / attachment.sha256[:2] / attachment.sha256]

    confirm = client.get(f"/submissions/{submission.id}/transition?trigger=submit")
    assert "Budjetti 2024.pdf" in body(confirm)                  # checked before submitting
    submitted = client.post(f"/submissions/{submission.id}/transition",
                            data={"trigger": "submit", "version": submission.version})
    assert submitted.status_code == 302
    version = session.scalar(sa.select(SubmissionVersion)
                             .where(SubmissionVersion.submission_id == submission.id))
    assert version.attachments == [{"id": attachment.id, "filename": "Budjetti 2024.pdf",
                                    "media_type": "application/pdf", "size": len(data),
                                    "sha256": attachment.sha256}]
    assert version.sha256 == documented_receipt_sha256(submission.content, version.attachments)
    assert submission.content_sha256 == version.sha256

    receipt = body(client.get(submitted.headers["Location"]))
    assert version.sha256 in receipt and attachment.sha256 in receipt
    assert "_attachments" in receipt                               # how the hash is computed

    download = client.get(f"/submissions/{submission.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == data
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Budjetti 2024.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_a_removed_file_stays_with_the_version_that_was_submitted(
        session, clock, make_call, make_submission, make_user, login):
    """When an applicant removes a submitted file, attaches another and resubmits, does the
    new receipt list only the new file while the old version still lists and downloads the
    old one?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    submission = make_submission(call, applicant)
    client = login(applicant)
    old, new = pdf("vanha"), pdf("uusi")
    assert edit(client, submission, file=(old, "Liite.pdf")).status_code == 302
    fire(session, submission, "submit", applicant)
    session.commit()
    clock.advance(hours=1)
    [first] = attachments_of(session, submission)

    removed = edit(client, submission, remove=str(first.id))
    assert removed.status_code == 302
    assert "Tiedosto Liite.pdf on poistettu." in body(client.get(removed.headers["Location"]))
    assert edit(client, submission, file=(new, "Liite-2.pdf")).status_code == 302
    fire(session, submission, "submit", applicant)
    session.commit()

    versions = session.scalars(sa.select(SubmissionVersion).where(
        SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number)).all()
    assert [[f["filename"] for f in v.attachments] for v in versions] == [["Liite.pdf"],
                                                                          ["Liite-2.pdf"]]
    assert first.removed_at is not None
    editor = body(client.get(f"/applicant/submissions/{submission.id}/edit"))
    assert "Liite-2.pdf" in editor and "Liite.pdf" not in editor
    first_receipt = body(client.get(f"/applicant/submissions/{submission.id}/versions/1/receipt"))
    assert "Liite.pdf" in first_receipt and first.sha256 in first_receipt
    assert "Liite-2.pdf" not in first_receipt
    again = client.get(f"/submissions/{submission.id}/attachments/{first.id}")
    assert again.status_code == 200 and again.data == old


def test_too_large_a_file_is_refused_in_finnish_and_nothing_is_stored(
        session, clock, make_call, make_submission, make_user, login, instance):
    """Is a file over 10 MB refused: a request far over the limit with 413 before it is read,
    one just over it with 413 and the message on the file field; in Finnish, storing
    nothing?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by)

    huge = edit(client, submission, file=(b"%PDF-" + bytes(12 * 2**20), "iso.pdf"))
    assert huge.status_code == 413
    assert "Tiedosto saa olla enintään 10 Mt." in body(huge)

    just_over = edit(client, submission,
                     file=(b"%PDF-" + bytes(MAX_ATTACHMENT_BYTES - 4), "vähän liian iso.pdf"))
    assert just_over.status_code == 413
    page = body(just_over)
    assert "Tiedosto on suurempi kuin 10 Mt." in page
    assert 'href="#field-file"' in page and 'id="field-file"' in page      # linked to the input
    assert attachments_of(session, submission) == [] and stored_files(instance) == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("ohjelma.exe", b"MZ\x90\x00" + bytes(200),
     "Tätä tiedostotyyppiä ei hyväksytä: .exe. Hyväksytyt: PDF, DOCX, XLSX, PPTX, ODT, ODS, "
     "PNG, JPEG, TXT, CSV."),
    ("kuvakaappaus.pdf", PNG, "Tiedoston nimen pääte on .pdf, mutta sen sisältö on PNG."),
    ("taulukko.csv", b"\x00\x01\x02binary", "sen sisältö ei ole CSV"),
])
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(
        session, clock, make_call, make_submission, login, instance, name, data, message):
    """Is a file whose type is not accepted, or whose bytes are not what its name says (a
    PNG named .pdf), refused with a message that names the types, storing nothing, while the
    typed fields are kept in the form?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by)
    response = edit(client, submission, file=(data, name), title="Kirjoitettu otsikko")
    assert response.status_code == 422
    assert message in body(response)
    assert "Kirjoitettu otsikko" in body(response)
    assert attachments_of(session, submission) == [] and stored_files(instance) == []
    assert submission.content["title"] != "Kirjoitettu otsikko"   # all or nothing


def test_the_twenty_first_file_is_refused(session, clock, make_call, make_submission, login):
    """With 20 files attached, is a 21st refused with the limit in the message?"""
    submission = make_submission(make_call("esr", state="open"))
    for n in range(MAX_ATTACHMENTS):
        add_attachment(session, submission.created_by, submission, f"liite {n}.txt",
                       io.BytesIO(f"rivi {n}\n".encode()))
    client = login(submission.created_by)
    response = edit(client, submission, file=(pdf(), "21.pdf"))
    assert response.status_code == 422
    assert "voi olla enintään 20 liitettä" in body(response)
    assert len(attachments_of(session, submission)) == MAX_ATTACHMENTS


def test_no_file_is_attached_after_the_deadline(
        session, clock, make_call, make_submission, login, instance):
    """After 16.15 on the deadline, is an upload refused with the deadline, storing nothing?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    client = login(submission.created_by)
    clock.set(call.deadline)
    response = edit(client, submission, file=(pdf(), "myöhässä.pdf"))
    assert response.status_code == 409
    assert "3.6.2024 klo 16.15" in body(response)
    assert attachments_of(session, submission) == [] and stored_files(instance) == []


def test_file_names_are_cleaned_and_downloaded_under_their_own_name(
        session, clock, make_call, make_submission, login):
    """Is only the last part of a path kept, without control or direction characters, and
    is a Finnish name given back to the browser as it was (RFC 5987)?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by)
    sneaky = "../../maija/Hakemus\u202e\x07  liite (päivitetty).pdf"
    assert edit(client, submission, file=(pdf(), sneaky)).status_code == 302
    [attachment] = attachments_of(session, submission)
    assert attachment.filename == "Hakemus liite (päivitetty).pdf"
    download = client.get(f"/submissions/{submission.id}/attachments/{attachment.id}")
    assert ("filename*=UTF-8''Hakemus%20liite%20%28p%C3%A4ivitetty%29.pdf"
            in download.headers["Content-Disposition"])


@pytest.mark.parametrize(("raw", "clean"), [
    ("C:\\Users\\maija\\Liite.pdf", "Liite.pdf"),
    ("..", ""), ("  ", ""), ("\x00\x1f", ""),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_file_name_rules(raw, clean):
    """Are Windows paths, names of dots or control characters only, and overlong names
    (extension kept, 200 characters) handled?"""
    assert clean_filename(raw) == clean


def test_an_upload_without_the_csrf_token_is_refused(
        session, clock, csrf_app, make_call, make_submission, login, instance):
    """Is an upload without the form's CSRF token refused (and one with it accepted)?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by, csrf_app.test_client())
    refused = edit(client, submission, file=(pdf(), "liite.pdf"))
    assert refused.status_code == 400
    assert attachments_of(session, submission) == [] and stored_files(instance) == []
    token = csrf_token(client, f"/applicant/submissions/{submission.id}/edit")
    accepted = edit(client, submission, file=(pdf(), "liite.pdf"), csrf_token=token)
    assert accepted.status_code == 302 and len(attachments_of(session, submission)) == 1
    # The upload limit is set before the CSRF check reads the form: too large stays 413.
    huge = edit(client, submission, file=(bytes(12 * 2**20), "iso.pdf"), csrf_token=token)
    assert huge.status_code == 413


def test_a_stale_form_does_not_attach(session, clock, make_call, make_submission, login):
    """When the draft changed after the form was opened (another tab, a colleague), is the
    upload refused as a conflict instead of attaching to a version the user did not see?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by)
    seen = submission.version
    assert edit(client, submission, file=(pdf("eka"), "eka.pdf")).status_code == 302
    stale = edit(client, submission, file=(pdf("toka"), "toka.pdf"), version=str(seen))
    assert stale.status_code == 409
    assert [a.filename for a in attachments_of(session, submission)] == ["eka.pdf"]


@pytest.fixture
def esr_with_file(session, clock, admin, make_call, make_submission, make_user):
    """A submitted application with a secretly named file; a cleared, a conflicted and an
    unassigned evaluator."""
    submission = make_submission(make_call("esr", state="open"))
    file = add_attachment(session, submission.created_by, submission, SECRET_NAME,
                          io.BytesIO(pdf("salainen")))
    fire(session, submission, "submit", submission.created_by)
    cleared, conflicted, unassigned = (make_user("evaluator") for _ in range(3))
    declare_conflict(session, cleared, assign_evaluator(session, admin, submission, cleared),
                     conflicted=False)
    declare_conflict(session, conflicted, assign_evaluator(session, admin, submission, conflicted),
                     conflicted=True, reason="Sukulainen")
    session.commit()
    return {"submission": submission, "file": file, "cleared": cleared,
            "conflicted": conflicted, "unassigned": unassigned}


def test_evaluators_see_files_only_once_cleared(session, login, esr_with_file):
    """Does an evaluator who declared no conflict see and download the file, while a
    conflicted or unassigned evaluator gets neither the file nor its name?"""
    w = esr_with_file
    url = f"/submissions/{w['submission'].id}/attachments/{w['file'].id}"
    cleared = login(w["cleared"])
    assignment = next(a for a in w["submission"].assignments if a.evaluator_id == w["cleared"].id)
    assert SECRET_NAME in body(cleared.get(f"/evaluator/assignments/{assignment.id}"))
    assert cleared.get(url).status_code == 200

    conflicted = login(w["conflicted"])
    own = next(a for a in w["submission"].assignments if a.evaluator_id == w["conflicted"].id)
    assert SECRET_NAME not in body(conflicted.get(f"/evaluator/assignments/{own.id}"))
    refused = conflicted.get(url)
    assert refused.status_code == 403 and SECRET_NAME not in body(refused)
    unassigned = login(w["unassigned"]).get(url)
    assert unassigned.status_code == 404 and SECRET_NAME not in body(unassigned)


def test_another_organisation_learns_nothing_of_the_files(
        session, login, make_user, esr_with_file):
    """Does another organisation's applicant get 404 for the file, with no name in it?"""
    w = esr_with_file
    other = login(make_user("applicant"))
    for url in (f"/submissions/{w['submission'].id}/attachments/{w['file'].id}",
                f"/applicant/submissions/{w['submission'].id}"):
        response = other.get(url)
        assert response.status_code == 404 and SECRET_NAME not in body(response)


def test_administrators_read_a_tender_s_files_only_after_the_opening(
        session, clock, admin, make_call, make_submission, login):
    """Before the tenders are opened, does an administrator see neither a tender's file nor
    its name (409, sealed), and after the opening both; and does the opening record carry
    the hash that covers the files?"""
    procurement = make_call("jotpa", state="tendering")
    tender = make_submission(procurement)
    file = add_attachment(session, tender.created_by, tender, SECRET_NAME,
                          io.BytesIO(pdf("tarjous")))
    fire(session, tender, "submit", tender.created_by)
    session.commit()
    client = login(admin)
    url = f"/submissions/{tender.id}/attachments/{file.id}"

    sealed = client.get(url)
    assert sealed.status_code == 409 and SECRET_NAME not in body(sealed)
    assert "sinetöity" in body(sealed)
    page = client.get(f"/admin/submissions/{tender.id}")
    assert page.status_code == 200 and SECRET_NAME not in body(page)

    clock.set(procurement.deadline)
    fire(session, procurement, "open_tenders", None)
    session.commit()
    assert SECRET_NAME in body(client.get(f"/admin/submissions/{tender.id}"))
    assert client.get(url).status_code == 200
    opening = session.scalar(sa.select(AuditEntry).where(
        AuditEntry.object_type == "submission", AuditEntry.object_id == tender.id,
        AuditEntry.trigger == "open"))
    version = session.scalar(sa.select(SubmissionVersion)
                             .where(SubmissionVersion.submission_id == tender.id))
    assert opening.content_sha256 == version.sha256 == documented_receipt_sha256(
        tender.content, version.attachments)


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_a_damaged_file_is_never_served(session, clock, make_call, make_submission, login,
                                        instance, caplog, damage):
    """When the stored bytes no longer match their SHA-256 (or are gone), is the download
    refused with a message and logged, instead of serving them?"""
    submission = make_submission(make_call("esr", state="open"))
    file = add_attachment(session, submission.created_by, submission, "liite.pdf",
                          io.BytesIO(pdf("alkuperäinen")))
    path = FileStore.of_instance(instance).path_of(file.sha256)
    if damage == "changed":
        path.write_bytes(pdf("muutettu"))
    else:
        path.unlink()
    client = login(submission.created_by)
    with caplog.at_level(logging.ERROR, logger="workflow.attachments"):
        response = client.get(f"/submissions/{submission.id}/attachments/{file.id}")
    assert response.status_code == 410
    assert "vioittunut tai puuttuu" in body(response) and "muutettu" not in body(response)
    assert any(file.sha256 in r.getMessage() for r in caplog.records)


def test_an_identical_file_is_stored_once(session, clock, make_call, make_submission, login,
                                          instance):
    """Are two uploads of the same bytes two attachments over one stored file?"""
    submission = make_submission(make_call("esr", state="open"))
    client = login(submission.created_by)
    for name in ("eka.pdf", "toka.pdf"):
        assert edit(client, submission, file=(pdf("sama"), name)).status_code == 302
    assert [a.filename for a in attachments_of(session, submission)] == ["eka.pdf", "toka.pdf"]
    assert len(stored_files(instance)) == 1
    assert not re.search(r"\.upload-", " ".join(map(str, stored_files(instance))))

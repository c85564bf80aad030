"""Uploads that try to hurt the service or learn a sealed tender's files: a ZIP that would
inflate to gigabytes, a damaged archive, endless upload-and-remove, and the history that
administrators read before the opening. Each is refused or kept quiet, and nothing breaks."""
from __future__ import annotations

import io
import resource
import zipfile

import pytest
import sqlalchemy as sa

from models import AuditEntry
from workflow.attachments import add_attachment, remove_attachment
from workflow.config import MAX_ATTACHMENT_BYTES, MAX_UPLOADED_BYTES
from workflow.errors import WorkflowError

pytestmark = pytest.mark.usefixtures("instance")


def _odt_bomb(inflated: int) -> bytes:
    """An .odt whose `mimetype` member inflates to `inflated` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\0" * inflated)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_without_inflating_it(session, make_call, make_submission):
    """An applicant uploads a 1 MB .odt whose member inflates to 1 GB: is it refused as not
    an ODT, with the server's memory use barely moving?"""
    submission = make_submission(make_call("esr", state="open"))
    bomb = _odt_bomb(1024**3)
    assert len(bomb) < 2 * 1024**2
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(WorkflowError) as refused:
        add_attachment(session, submission.created_by, submission, "suunnitelma.odt",
                       io.BytesIO(bomb))
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert refused.value.code == "file_type_mismatch"
    assert grown_kib < 100 * 1024, f"memory grew by {grown_kib} KiB"


def test_a_damaged_archive_is_refused_not_a_server_error(session, make_call, make_submission):
    """An .odt whose compressed member is garbage: a clear refusal, not a 500."""
    submission = make_submission(make_call("esr", state="open"))
    good = bytearray(_odt_bomb(4096))
    start = good.index(b"mimetype") + len(b"mimetype")
    good[start:start + 20] = b"\xff" * 20                     # the member's deflate stream
    with pytest.raises(WorkflowError) as refused:
        add_attachment(session, submission.created_by, submission, "liite.odt",
                       io.BytesIO(bytes(good)))
    assert refused.value.code == "file_type_mismatch"


def test_a_damaged_lzma_archive_is_refused_not_a_server_error(session, make_call,
                                                              make_submission):
    """An .odt whose `mimetype` member is LZMA-compressed garbage: refused, not a 500."""
    submission = make_submission(make_call("esr", state="open"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" * 50)
    data = bytearray(buffer.getvalue())
    start = data.index(b"mimetype") + len(b"mimetype")
    data[start + 10:start + 40] = b"\xff" * 30                # inside the LZMA stream
    with pytest.raises(WorkflowError) as refused:
        add_attachment(session, submission.created_by, submission, "liite.odt",
                       io.BytesIO(bytes(data)))
    assert refused.value.code == "file_type_mismatch"


def test_upload_and_remove_cannot_fill_the_disk(session, make_call, make_submission):
    """Stored files are never deleted, so endless upload-then-remove would fill the disk:
    after the allowance (removed files count) the next upload is refused with a message."""
    submission = make_submission(make_call("esr", state="open"))
    applicant = submission.created_by
    uploaded = 0
    n = 0
    with pytest.raises(WorkflowError) as refused:
        while uploaded <= MAX_UPLOADED_BYTES:
            data = b"%PDF-1.4\n" + n.to_bytes(4, "big") + b"\0" * (MAX_ATTACHMENT_BYTES - 20)
            file = add_attachment(session, applicant, submission, f"{n}.pdf", io.BytesIO(data))
            remove_attachment(session, applicant, submission, file.id)
            uploaded += len(data)
            n += 1
    assert refused.value.code == "upload_allowance_used"
    assert "300 Mt" in refused.value.message("fi")
    assert uploaded <= MAX_UPLOADED_BYTES


def test_the_history_does_not_give_away_a_sealed_tenders_files(session, make_call,
                                                                 make_submission):
    """Administrators read every history entry, also of a sealed tender: the attachment
    events name neither the file nor its hash."""
    tender = make_submission(make_call("jotpa", state="tendering"))
    file = add_attachment(session, tender.created_by, tender, "Hinnoittelu.pdf",
                          io.BytesIO(b"%PDF-1.4\nsalainen\n%%EOF\n"))
    entries = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "submission", AuditEntry.object_id == tender.id,
        AuditEntry.trigger == "add_attachment")).all()
    assert [e.data for e in entries] == [{"attachment_id": file.id}]

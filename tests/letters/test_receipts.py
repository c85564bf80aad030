"""Every submission gets a receipt, shown and e-mailed (DOMAIN §3): the submitter gets a mail
with what was received, the server instant in Helsinki time to the second, the SHA-256 (the
same as on the receipt page), the version and a link to the receipt page."""
from __future__ import annotations

import io
import re

from workflow.attachments import FileStore, add_attachment
from workflow.engine import fire

from support import helsinki
from support.web import body

RECEIPT_SUBJECT = re.compile(r"^(Kuittaus|Kvitto|Receipt)")


def receipts_to(smtp_server, user):
    return [m for m in smtp_server.to(user.email) if RECEIPT_SUBJECT.match(m.subject)]


def test_a_submission_is_receipted_by_mail_with_the_hash_of_the_receipt_page(
        session, clock, make_call, make_user, make_submission, run_sweep, smtp_server, login):
    """When an applicant submits at 16.14.03, does the receipt mail say so to the second in
    Finnish, with the SHA-256 the receipt page shows and a link to that page?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="fi")
    application = make_submission(call, applicant)
    clock.set(helsinki(2024, 6, 3, 16, 14, 3))
    fire(session, application, "submit", applicant)

    run_sweep()

    (mail,) = receipts_to(smtp_server, applicant)
    text = mail.text()
    assert mail.subject == f"Kuittaus: hakemus nro {application.id}, ”esr call”, versio 1"
    assert "Mikrotutkinnot työelämään" in text  # the title of what was submitted
    assert "3.6.2024 klo 16.14.03" in text
    link = f"/applicant/submissions/{application.id}/versions/1/receipt"
    assert f"https://hankeflow.example{link}" in text
    page = body(login(applicant).get(link))
    (shown,) = re.findall(r'<code class="hf-hash">([0-9a-f]{64})</code>', page)
    assert f"SHA-256: {shown}" in text and shown == application.content_sha256


def test_a_resubmission_gets_a_receipt_of_its_own_version(session, clock, make_call, make_user,
                                                          make_submission, run_sweep,
                                                          smtp_server, outbox):
    """When a Swedish-speaking applicant submits again, does a second receipt, of version 2,
    arrive in Swedish — and does sweeping again send neither a second time?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="sv")
    application = make_submission(call, applicant, submit=True)
    first_hash = application.content_sha256
    run_sweep()
    application.content = {**application.content, "summary": "Ny sammanfattning"}
    clock.set(helsinki(2024, 6, 2, 10, 30, 59))
    fire(session, application, "submit", applicant)
    run_sweep()
    run_sweep()

    first, second = receipts_to(smtp_server, applicant)
    assert "Version: 1" in first.text() and f"SHA-256: {first_hash}" in first.text()
    assert "Version: 2" in second.text() and "2.6.2024 kl. 10.30.59" in second.text()
    assert f"SHA-256: {application.content_sha256}" in second.text()
    assert first_hash != application.content_sha256
    assert first.message_id != second.message_id
    assert [r.offset_name for r in outbox(kind="submission_receipt")] == ["v1", "v2"]


def test_a_sealed_tenders_receipt_reaches_only_its_submitter(session, clock, admin, make_call,
                                                             make_user, make_submission,
                                                             run_sweep, smtp_server, outbox):
    """Does a tender's receipt go to the bidder who submitted it only, with the tender's title
    in the body but not in the subject (administrators see failed mails' subjects before the
    tenders are opened)?"""
    call = make_call("jotpa", state="tendering")
    bidder = make_user("applicant", locale="en")
    colleague = make_user("applicant", organisation=bidder.organisation)
    rival = make_user("applicant")
    tender = make_submission(call, bidder, submit=True)

    run_sweep()

    (mail,) = receipts_to(smtp_server, bidder)
    assert "Your organisation's tender “Pilotti” in the call for tenders" in mail.text()
    assert "sealed" in mail.text() and "Pilotti" not in mail.subject
    assert f"tender no. {tender.id}" in mail.subject
    assert receipts_to(smtp_server, colleague) == receipts_to(smtp_server, rival) == []
    assert receipts_to(smtp_server, admin) == []
    assert [r.recipient_id for r in outbox(kind="submission_receipt")] == [bidder.id]


def test_a_receipt_lists_the_submitted_attachments_and_their_hashes(
        session, make_call, make_user, make_submission, run_sweep, smtp_server, tmp_path):
    """Does the receipt of a submission with an attachment name the file and its SHA-256?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="en")
    application = make_submission(call, applicant)
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    attachment = add_attachment(session, applicant, application, "budjetti.pdf", io.BytesIO(pdf),
                                store=FileStore(tmp_path / "uploads"))
    fire(session, application, "submit", applicant)

    run_sweep()

    (mail,) = receipts_to(smtp_server, applicant)
    assert f"budjetti.pdf, SHA-256: {attachment.sha256}" in mail.text()

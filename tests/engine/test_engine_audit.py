"""The audit trail and the receipts: one row per transition with who, when, what and the
content's hash; every submitted version kept with its SHA-256 and the server's instant; the
audit table refusing UPDATE and DELETE on every backend."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
import sqlalchemy as sa
from engine_walk import ESR_CONTENT, ESR_DEADLINE, helsinki

from models import AuditEntry, SubmissionVersion
from workflow.engine import fire, history, record_event
from workflow.submissions import update_content


def _sha256_of(content: dict) -> str:
    """SHA-256 of the canonical JSON, computed here independently of workflow.content."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _versions(session, submission) -> list[SubmissionVersion]:
    return list(session.scalars(sa.select(SubmissionVersion)
                                .where(SubmissionVersion.submission_id == submission.id)
                                .order_by(SubmissionVersion.number)))


def test_a_submission_is_audited_with_its_content_hash(session, clock, make_call,
                                                        make_submission):
    """Does submitting write one audit row with the actor, the server instant, the trigger,
    both states, the comment and the SHA-256 of the canonical JSON of what was received?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    clock.set(helsinki(2024, 6, 3, 14, 2, 7))
    entry = fire(session, submission, "submit", submission.created_by, comment=" Lähetetty ")
    session.expire_all()

    stored = session.get(AuditEntry, entry.id)
    assert stored.object_type == "submission" and stored.object_id == submission.id
    assert stored.actor_id == submission.created_by_id
    assert stored.at == helsinki(2024, 6, 3, 14, 2, 7) and stored.at.tzinfo is not None
    assert (stored.trigger, stored.from_state, stored.to_state) == ("submit", "draft", "submitted")
    assert stored.comment == "Lähetetty"
    assert stored.content_sha256 == _sha256_of({**ESR_CONTENT, "budget_total": "250000.00"})
    assert [e.trigger for e in history(session, submission)] == ["create", "submit"]


def test_steps_without_content_carry_no_hash(session, walkers):
    """Is the content hash kept for submitting (and opening), not for other steps?"""
    walk = walkers["esr-application"]
    submission = walk.reach("eligibility_check")
    rows = history(session, submission)
    assert [(e.trigger, e.content_sha256 is not None) for e in rows] == [
        ("create", False), ("submit", True), ("start_eligibility_check", False)]
    assert rows[-1].actor_id == walk.admin.id


def test_every_resubmission_keeps_the_earlier_versions(session, clock, make_call,
                                                        make_submission):
    """When an applicant edits and submits again before the deadline, are all versions kept,
    numbered, each with its own content, SHA-256, server receipt instant and submitter, and
    does the last one count?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    applicant = submission.created_by
    received = []
    contents = [dict(ESR_CONTENT),
                {**ESR_CONTENT, "summary": "Korjattu tiivistelmä"},
                {**ESR_CONTENT, "budget_total": "240000", "objectives": "Täsmennetyt tavoitteet"}]
    for i, content in enumerate(contents):
        clock.set(helsinki(2024, 6, 3, 10 + i, 0))
        if i:
            update_content(session, applicant, submission, content)
        entry = fire(session, submission, "submit", applicant)
        received.append(clock.now())
        assert entry.content_sha256 == submission.content_sha256

    versions = _versions(session, submission)
    assert [v.number for v in versions] == [1, 2, 3]
    # Clean content stores money as a two-decimal string.
    expected = [{**c, "budget_total": f"{c['budget_total']}.00"} for c in contents]
    assert [v.content for v in versions] == expected
    assert [v.sha256 for v in versions] == [_sha256_of(c) for c in expected]
    assert [v.received_at for v in versions] == received
    assert {v.submitted_by_id for v in versions} == {applicant.id}
    assert len({v.sha256 for v in versions}) == 3
    # The submission mirrors the last receipt, and the audit has one row per submission.
    assert submission.submitted_at == received[-1]
    assert submission.content_sha256 == versions[-1].sha256
    audit = [e for e in history(session, submission) if e.trigger == "submit"]
    assert [(e.from_state, e.to_state, e.content_sha256) for e in audit] == [
        ("draft", "submitted", versions[0].sha256),
        ("submitted", "submitted", versions[1].sha256),
        ("submitted", "submitted", versions[2].sha256)]


def test_a_receipt_is_the_server_clock_not_the_client(session, clock, make_call,
                                                       make_submission):
    """Is the receipt's instant the server's clock at receipt, whatever the caller sends?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    clock.set(ESR_DEADLINE - dt.timedelta(seconds=1))
    fire(session, submission, "submit", submission.created_by,
         data={"received_at": "2024-06-01T09:00", "sha256": "0" * 64})
    (version,) = _versions(session, submission)
    assert version.received_at == ESR_DEADLINE - dt.timedelta(seconds=1)
    assert version.sha256 == _sha256_of({**ESR_CONTENT, "budget_total": "250000.00"})


def test_a_version_keeps_what_was_received_when_the_draft_changes(session, make_call,
                                                                   make_submission):
    """Does editing the working copy after submitting leave the submitted version untouched?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    update_content(session, submission.created_by, submission,
                   {**ESR_CONTENT, "summary": "Muutettu myöhemmin"})
    session.flush()
    session.expire_all()
    (version,) = _versions(session, submission)
    assert version.content["summary"] == "Tiivistelmä"
    assert version.sha256 == submission.content_sha256


def test_record_event_audits_without_changing_state(session, clock, make_call, make_submission):
    """Is an event that is not a transition (e.g. an edit) audited with from = to = state?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    entry = record_event(session, submission, "edit", submission.created_by,
                         data={"fields": ["summary"], "at": clock.now()})
    assert (entry.from_state, entry.to_state, entry.trigger) == ("draft", "draft", "edit")
    assert entry.data == {"fields": ["summary"], "at": clock.now().isoformat()}
    assert submission.state == "draft" and submission.version == 1


def _an_audit_row(session, make_call, make_submission) -> AuditEntry:
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    return history(session, submission)[-1]


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_audit_refuses_sql_update_and_delete(session, make_call, make_submission, statement):
    """Does the database itself refuse to change or remove an audit row (append-only)?"""
    entry = _an_audit_row(session, make_call, make_submission)
    query = (sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(comment="muutettu")
             if statement == "update" else sa.delete(AuditEntry).where(AuditEntry.id == entry.id))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with session.begin_nested():
            session.execute(query)
    session.expire_all()
    stored = session.get(AuditEntry, entry.id)
    assert stored is not None and stored.comment == ""


@pytest.mark.parametrize("change", ["modify", "delete"])
def test_the_audit_refuses_orm_changes(session, make_call, make_submission, change):
    """Is a change to an audit row through the ORM refused at flush as well?"""
    entry = _an_audit_row(session, make_call, make_submission)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with session.begin_nested():
            if change == "modify":
                entry.to_state = "approved"
            else:
                session.delete(entry)
            session.flush()
    session.expire_all()
    assert session.get(AuditEntry, entry.id).to_state == "submitted"

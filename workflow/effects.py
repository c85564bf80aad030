"""Effects: what a step changes besides the state. They run inside the machine's transition
(its `after` callbacks), in the caller's transaction, without autoflush (engine.fire: one
transition is one UPDATE of the object); they never commit, and flush only once they are done
changing the object (a cascade through `fire()` flushes)."""
from __future__ import annotations

import copy

import sqlalchemy as sa

from models import Submission, SubmissionVersion
from models.states import TenderState

from .content import receipt_sha256
from .spec import Context
from .timeutil import standstill_last_day


def record_receipt(ctx: Context) -> None:
    """Keep what was received as a new version: the content, the manifest of the working
    copy's attachments, the server instant and the SHA-256 of both (content.receipt_sha256)."""
    from .attachments import manifest, working_attachments  # it imports the engine

    submission: Submission = ctx.obj
    latest = ctx.session.scalar(
        sa.select(sa.func.max(SubmissionVersion.number))
        .where(SubmissionVersion.submission_id == submission.id)) or 0
    content = copy.deepcopy(submission.content)
    files = manifest(working_attachments(ctx.session, submission))
    digest = receipt_sha256(content, files)
    ctx.session.add(SubmissionVersion(
        submission_id=submission.id, number=latest + 1, content=content, attachments=files,
        sha256=digest, received_at=ctx.now, submitted_by_id=ctx.actor.id))
    submission.submitted_at = ctx.now
    submission.content_sha256 = digest
    ctx.content_sha256 = digest


def open_tenders(ctx: Context) -> None:
    """Unseal: record the opening instant and open every submitted tender, each with its own
    audit row carrying its hash (the opening record: who, when, which hashes)."""
    from .engine import fire  # the cascade goes through the one entry point

    ctx.obj.tenders_opened_at = ctx.now
    tenders = ctx.session.scalars(
        sa.select(Submission)
        .where(Submission.call_id == ctx.obj.id, Submission.state == TenderState.SUBMITTED)
        .order_by(Submission.id)).all()
    for tender in tenders:
        fire(ctx.session, tender, "open", ctx.actor, comment=ctx.comment)


def record_opening(ctx: Context) -> None:
    """A tender's opening row carries the hash of the version that is opened (DOMAIN §4:
    opening records who opened, when, and each tender's hash)."""
    ctx.content_sha256 = ctx.obj.content_sha256


def deliver_decision(ctx: Context) -> None:
    ctx.obj.decision_delivered_at = ctx.now
    ctx.obj.standstill_last_day = standstill_last_day(ctx.now)
    ctx.data["standstill_last_day"] = ctx.obj.standstill_last_day.isoformat()


def sign_contract(ctx: Context) -> None:
    ctx.obj.contract_signed_at = ctx.now


def grant(ctx: Context) -> None:
    ctx.obj.granted_amount = ctx.data["granted_amount"]


def set_completion_due(ctx: Context) -> None:
    ctx.obj.completion_due_at = ctx.data["due_at"]


def clear_completion_due(ctx: Context) -> None:
    ctx.obj.completion_due_at = None


# Letters (`Step.mails`): run after the audit row, in the same transaction -----------------

def mail_receipt(ctx: Context) -> None:
    """The submitter's receipt of the version just received (DOMAIN §3: shown and e-mailed)."""
    from .outbox import enqueue_receipt  # it reads the evaluation, which imports the engine

    enqueue_receipt(ctx.session, ctx.obj, ctx.now)


def mail_decision(ctx: Context) -> None:
    """The decision letter(s): an ESR application's applicants when it is decided; every
    opened tender's bidder when the procurement decision is delivered (the mail is the
    delivery from which the standstill counts)."""
    from .outbox import enqueue_decision

    enqueue_decision(ctx.session, ctx.obj, ctx.now)

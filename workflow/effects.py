"""Effects: what a step changes besides the state. They run inside the machine's transition
(its `after` callbacks), in the caller's transaction; they flush at most, never commit."""
from __future__ import annotations

import copy

import sqlalchemy as sa

from models import Submission, SubmissionVersion
from models.states import TenderState

from .content import content_sha256
from .spec import Context
from .timeutil import standstill_last_day


def record_receipt(ctx: Context) -> None:
    """Keep what was received as a new version, with the server instant and its SHA-256."""
    submission: Submission = ctx.obj
    latest = ctx.session.scalar(
        sa.select(sa.func.max(SubmissionVersion.number))
        .where(SubmissionVersion.submission_id == submission.id)) or 0
    content = copy.deepcopy(submission.content)
    digest = content_sha256(content)
    ctx.session.add(SubmissionVersion(
        submission_id=submission.id, number=latest + 1, content=content, sha256=digest,
        received_at=ctx.now, submitted_by_id=ctx.actor.id))
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

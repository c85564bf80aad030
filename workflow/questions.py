"""Questions about a call for tenders and the answers published to every bidder (DOMAIN §4).

A bidder (an applicant of any organisation) asks while the procurement is published or
tendering and the clock is before `questions_until`; the procurement officers write an answer
and publish it. Published answers are read by anyone who can view the call, without the
asker's organisation or name: only administrators ever see who asked.

Asking is not written to the call's audit trail on purpose: that trail is readable by everyone
who can view the call (the API's history), and the question row itself records who asked and
when. Publishing an answer is audited on the call (`publish_answer`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, TenderQuestion, User

from . import clock
from .engine import record_event
from .errors import WorkflowError, not_allowed
from .i18n import N_
from .permissions import can_view_call, is_admin
from .timeutil import format_fi

# Call states in which bidders may ask and officers publish answers: the call for tenders is
# out and the tenders are not opened yet (an ESR call with a questions period: open).
QUESTION_STATES = ("published", "open", "tendering")
MAX_TEXT = 10_000


@dataclasses.dataclass(frozen=True)
class PublishedAnswer:
    """What every bidder reads: the question's published wording and its answer, no asker."""

    id: int
    question: str
    answer: str
    published_at: dt.datetime


def questions_refusal(call: Call, now: dt.datetime) -> WorkflowError | None:
    """Why a question cannot be asked now, or None."""
    if call.questions_until is None or call.state not in QUESTION_STATES:
        return WorkflowError("not_open", N_("This call does not take questions now."))
    if now >= call.questions_until:
        return WorkflowError("deadline_passed",
                             N_("Questions could be asked until %(deadline)s (Finnish time)."),
                             deadline=format_fi(call.questions_until))
    return None


def questions_open(call: Call, now: dt.datetime | None = None) -> bool:
    return questions_refusal(call, now or clock.now()) is None


def _text(value: str | None, field: str, *, required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields=field,
                            details={field: N_("Required.")})
    if len(text) > MAX_TEXT or "\x00" in text:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields=field,
                            details={field: N_("Too long or contains characters that are not allowed.")})
    return text


def ask_question(session: so.Session, actor: User, call: Call, text: str) -> TenderQuestion:
    """A bidder's question, kept with its organisation and asker (shown to officers only)."""
    if not (actor.is_active and actor.has_role("applicant") and actor.organisation_id
            and can_view_call(actor, call)):
        raise not_allowed()
    now = clock.now()
    refusal = questions_refusal(call, now)
    if refusal is not None:
        raise refusal
    question = TenderQuestion(call_id=call.id, organisation_id=actor.organisation_id,
                              asked_by_id=actor.id, question=_text(text, "question"),
                              asked_at=now)
    session.add(question)
    session.flush()
    return question


def _answerable(actor: User, question: TenderQuestion) -> None:
    if not is_admin(actor):
        raise not_allowed()
    if question.published_at is not None:
        raise WorkflowError("invalid_transition",
                            N_("The answer has been published and can no longer be changed."))
    if question.call.state not in QUESTION_STATES:
        raise WorkflowError("invalid_transition",
                            N_("Answers can be published only before the tenders are opened."))


def answer_question(session: so.Session, actor: User, question: TenderQuestion, answer: str, *,
                    public_question: str | None = None) -> TenderQuestion:
    """Write (or rewrite) the answer before it is published. `public_question`: the wording
    to publish, when the question as asked would reveal who asked; empty keeps the original."""
    _answerable(actor, question)
    question.answer = _text(answer, "answer")
    wording = _text(public_question, "public_question", required=False)
    question.public_question = wording if wording and wording != question.question else None
    question.answered_by_id = actor.id
    question.answered_at = clock.now()
    session.flush()
    return question


def publish_answer(session: so.Session, actor: User, question: TenderQuestion) -> TenderQuestion:
    """Publish the answer to every bidder; audited on the call (without the asker)."""
    _answerable(actor, question)
    if question.answer is None:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."), fields="answer",
                            details={"answer": N_("Required.")})
    question.published_at = clock.now()
    session.flush()
    record_event(session, question.call, "publish_answer", actor,
                 data={"question_id": question.id})
    return question


def published_answers(session: so.Session, viewer: User | None, call: Call) -> list[PublishedAnswer]:
    """The call's published answers, oldest first, for anyone who can view the call."""
    if not can_view_call(viewer, call):
        raise WorkflowError("not_found", N_("Not found."))
    rows = session.execute(
        sa.select(TenderQuestion.id, TenderQuestion.question, TenderQuestion.public_question,
                  TenderQuestion.answer, TenderQuestion.published_at)
        .where(TenderQuestion.call_id == call.id, TenderQuestion.published_at.is_not(None))
        .order_by(TenderQuestion.published_at, TenderQuestion.id)).all()
    return [PublishedAnswer(id=r.id, question=r.public_question or r.question, answer=r.answer or "",
                            published_at=r.published_at) for r in rows]


def own_questions(session: so.Session, actor: User | None, call: Call) -> list[TenderQuestion]:
    """The questions the actor's organisation asked in this call (its own, so not anonymised)."""
    if actor is None or not actor.has_role("applicant") or actor.organisation_id is None:
        return []
    return list(session.scalars(
        sa.select(TenderQuestion)
        .where(TenderQuestion.call_id == call.id,
               TenderQuestion.organisation_id == actor.organisation_id)
        .order_by(TenderQuestion.asked_at, TenderQuestion.id)))


def questions_of(session: so.Session, actor: User, call: Call) -> list[TenderQuestion]:
    """Every question of the call with its asker, for the officers: unanswered first."""
    if not is_admin(actor):
        raise not_allowed()
    return list(session.scalars(
        sa.select(TenderQuestion)
        .where(TenderQuestion.call_id == call.id)
        .options(so.joinedload(TenderQuestion.organisation), so.joinedload(TenderQuestion.asked_by))
        .order_by(TenderQuestion.published_at.is_not(None), TenderQuestion.answered_at.is_not(None),
                  TenderQuestion.asked_at, TenderQuestion.id)))


def unanswered_counts(session: so.Session, call_ids: list[int] | None = None) -> dict[int, int]:
    """call id → questions not yet published, in one query (for the dashboard and call pages)."""
    query = (sa.select(TenderQuestion.call_id, sa.func.count())
             .where(TenderQuestion.published_at.is_(None))
             .group_by(TenderQuestion.call_id))
    if call_ids is not None:
        query = query.where(TenderQuestion.call_id.in_(call_ids))
    return {call_id: n for call_id, n in session.execute(query)}

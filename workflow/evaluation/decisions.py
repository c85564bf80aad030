"""Decisions (issue 5 §5, §6): the ESR funding proposal from the ranking and its funding line,
the Jotpa opening record and awards by ranking, and the decision documents — an ESR funding
decision letter per application, a reasoned procurement decision per bidder with its ranking,
its points per criterion, the standstill and the appeal instructions — in each locale.

Each document is a `workflow.letter.Letter` (a subject and sections), built from the recorded
data (the same ranking as the pages) and from the version of each submission that counts. When
the decision is made known (an ESR decision; a procurement decision's delivery) `issue()` keeps
the document in every language (`IssuedDecision`): from then on the printable page, its PDF and
the mail (`workflow.outbox`, written into the outbox in the same transaction) show that text,
whatever changes later; before it, administrators see it built from the current data.
`letters_for()` / `decision_letters()` give each recipient's letter in their language.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (FUNDING_DECISION, PROCUREMENT_DECISION, AuditEntry, Call, IssuedDecision,
                    Submission, User, UserRole)

from .. import clock
from ..engine import fire, record_event
from ..errors import WorkflowError, not_allowed
from ..i18n import LOCALES, N_, translate
from ..letter import Letter, Section
from ..permissions import is_admin, is_own_organisation
from ..timeutil import helsinki_date
from . import formatting as fmt
from . import qualification
from . import queries as q
from .explain import formula_lines
from .ranking import CallRanking, RankingRow, build_ranking, results_public
from .standstill import DECIDED as TENDERS_DECIDED
from .standstill import SERVED_OTHERWISE, letter_delivery, recount

# ESR -----------------------------------------------------------------------------------------

REASON_TEXTS = {
    "budget": N_("The application is below the funding line: the call's budget does not cover it."),
    "below_threshold": N_("The application does not meet every minimum score."),
    "incomplete": N_("The evaluation of the application is incomplete."),
    "amount_missing": N_("The application has no valid requested amount."),
}


@dataclasses.dataclass(frozen=True)
class FundingProposal:
    submission: Submission
    approve: bool
    amount: Any                 # Decimal: the requested amount when approving
    reason: str | None          # a key of REASON_TEXTS when rejecting


def funding_proposal(session: so.Session, call: Call,
                     ranking: CallRanking | None = None) -> list[FundingProposal]:
    """For every ranked ESR application, in ranking order: approve with its requested amount
    when above the funding line, otherwise reject with the reason."""
    ranking = ranking or build_ranking(session, call)
    return [FundingProposal(row.submission, bool(row.funding and row.funding.funded),
                            row.amount, row.funding.reason if row.funding else "incomplete")
            for row in ranking.rows]


def apply_funding_proposal(session: so.Session, actor: User, call: Call) -> list[AuditEntry]:
    """Approve or reject every evaluated application as proposed, each through the engine; a
    rejection's comment is the reason in the actor's language."""
    if not is_admin(actor):
        raise not_allowed()
    entries = []
    for proposal in funding_proposal(session, call):
        submission = proposal.submission
        if submission.state != "evaluated":
            continue
        if proposal.approve:
            entries.append(fire(session, submission, "approve", actor,
                                data={"granted_amount": proposal.amount}))
        else:
            entries.append(fire(session, submission, "reject", actor,
                                comment=translate(REASON_TEXTS[proposal.reason], actor.locale)))
    return entries


# Jotpa ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class OpenedTender:
    submission_id: int
    organisation: str
    received_at: dt.datetime | None
    sha256: str | None


@dataclasses.dataclass(frozen=True)
class OpeningRecord:
    call_id: int
    opened_at: dt.datetime
    opened_by: str | None       # the administrator's name; None: opened by the system clock
    opened_by_id: int | None
    tenders: list[OpenedTender]

    def as_json(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "opened_at": self.opened_at.isoformat(),
                "opened_by": self.opened_by, "opened_by_id": self.opened_by_id,
                "tenders": [{"submission_id": t.submission_id, "organisation": t.organisation,
                             "received_at": t.received_at.isoformat() if t.received_at else None,
                             "sha256": t.sha256} for t in self.tenders]}


def opening_record(session: so.Session, call: Call) -> OpeningRecord | None:
    """Who opened the tenders, when, and each opened tender's hash, from the audit rows the
    opening wrote (the procurement's `open_tenders` and each tender's `open`). None before."""
    opening = session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "call", AuditEntry.object_id == call.id,
               AuditEntry.trigger == "open_tenders").order_by(AuditEntry.id.desc()).limit(1))
    if opening is None:
        return None
    rows = session.execute(
        sa.select(AuditEntry, Submission)
        .join(Submission, sa.and_(AuditEntry.object_type == "submission",
                                  AuditEntry.object_id == Submission.id))
        .where(Submission.call_id == call.id, AuditEntry.trigger == "open")
        .order_by(Submission.id)).all()
    tenders = [OpenedTender(s.id, s.organisation.name, s.submitted_at,
                            entry.content_sha256 or s.content_sha256) for entry, s in rows]
    return OpeningRecord(call.id, opening.at, opening.actor.name if opening.actor else None,
                         opening.actor_id, tenders)


def award_by_ranking(session: so.Session, actor: User, call: Call, *,
                     winners: int = 1) -> list[AuditEntry]:
    """In the comparison: record the scores of every qualified tender (`score`), then award
    the `winners` best-ranked rankable tenders and not the others, each through the engine.
    The procurement's `decide` step then checks that the awards follow the ranking."""
    if not is_admin(actor):
        raise not_allowed()
    if winners < 1:
        raise WorkflowError("invalid_input", N_("Award at least one tender."))
    entries = []
    qualified = session.scalars(sa.select(Submission).where(
        Submission.call_id == call.id, Submission.state == "qualified")
        .options(so.selectinload(Submission.assignments)).order_by(Submission.id))
    for tender in qualified:
        entries.append(fire(session, tender, "score", actor))
    awarded = 0
    for row in build_ranking(session, call).rows:
        if row.submission.state != "scored":
            continue
        win = row.result.rankable and awarded < winners
        awarded += win
        entries.append(fire(session, row.submission, "award" if win else "not_award", actor))
    return entries


@dataclasses.dataclass(frozen=True)
class Standstill:
    delivered_at: dt.datetime | None    # the delivery step: the letters written
    unsent: int                         # bidders whose letter has not been sent yet
    last_day: dt.date | None            # counted from the last letter sent so far
    contract_from: dt.date | None       # the day after it (with every letter sent)
    unserved: frozenset[int] = frozenset()  # the tenders of the bidders not served yet


def standstill(session: so.Session, call: Call) -> Standstill:
    """The standstill of a delivered decision, as the `sign_contract` guards see it: its last
    day (`Call.standstill_last_day`, counted from the later of the delivery and the last letter
    sent, evaluation.standstill), the first day the contract may be signed, and how many
    bidders' letters have not been sent yet (while any has not, no contract)."""
    if call.decision_delivered_at is None or call.standstill_last_day is None:
        return Standstill(None, 0, None, None)
    last = call.standstill_last_day
    delivery = letter_delivery(session, call.id)
    return Standstill(call.decision_delivered_at, delivery.unsent, last,
                      last + dt.timedelta(days=1), delivery.unserved)


SERVED_AT_INVALID = N_("Enter when the decision was delivered, no earlier than its delivery "
                      "step (%(delivered)s) and not in the future.")
SERVED_HOW_MISSING = N_("Say how the decision was delivered (for example: by registered letter).")
NOT_UNSERVED = N_("This bidder has already been served the decision.")


def record_served_otherwise(session: so.Session, actor: User, tender: Submission,
                            served_at: dt.datetime | None, how: str) -> AuditEntry:
    """An administrator records that a bidder whose decision letter did not leave (failed,
    skipped, or never written: nobody in its organisation to write to) was served the
    decision by other means — a registered letter, by hand — at `served_at`. Audited on the
    tender with the instant and how; the standstill counts from it (evaluation.standstill)."""
    if not is_admin(actor):
        raise not_allowed()
    call = tender.call
    if call.state != "standstill" or tender.state not in TENDERS_DECIDED:
        raise WorkflowError("invalid_transition", N_("This step is not possible now."))
    if tender.id not in letter_delivery(session, call.id).unserved:
        raise WorkflowError("invalid_transition", NOT_UNSERVED)
    errors: dict[str, Any] = {}
    delivered = call.decision_delivered_at
    if served_at is None or not (delivered is not None and delivered <= served_at
                                 <= clock.now()):
        errors["served_at"] = translate(SERVED_AT_INVALID, actor.locale, delivered=delivered)
    how = (how or "").strip()
    if not how or len(how) > 500:
        errors["how"] = translate(SERVED_HOW_MISSING, actor.locale)
    if errors:
        raise WorkflowError("invalid_input", N_("Check these fields: %(fields)s."),
                            fields=", ".join(errors), details=errors)
    entry = record_event(session, tender, SERVED_OTHERWISE, actor, comment=how,
                         data={"served_at": served_at.isoformat()})
    recount(session, call)
    return entry


# Documents -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class OutgoingLetter:
    recipient: User
    submission: Submission
    letter: Letter


H_DECISION = N_("Decision")
H_REASONS = N_("Reasons")
H_EVALUATION = N_("Evaluation")
H_REQUIREMENTS = N_("Requirements")
H_FORMULA = N_("How the points were computed")
DECISION_DATE = N_("Date of the decision: %(date)s")
POSITION = N_("Position in the ranking: %(position)s of %(count)s.")
TOTAL = N_("Total: %(points)s of %(max)s points.")
CRITERION_SCORE = N_("%(name)s: score %(score)s on the scale %(min)s–%(max)s, %(points)s of "
                     "%(weight)s points")
CONSENSUS_NOTE = N_("Consensus score: %(justification)s")
EVALUATOR_NOTE = N_("Evaluator %(n)s: %(justification)s")
REQUIREMENT_FAILED = N_("%(name)s: not met. %(reason)s")
REQUIREMENT_MET = N_("%(name)s: met.")

SUBJECT_ESR = N_("Funding decision: %(call)s")
APPROVED = N_("Your application “%(title)s” has been approved. Granted amount: %(amount)s.")
REJECTED = N_("Your application “%(title)s” has been rejected.")
INELIGIBLE = N_("Your application “%(title)s” has been found ineligible and was not evaluated.")
UNDECIDED = N_("No decision has been made on your application “%(title)s” yet.")
ABOVE_LINE = N_("The application is above the funding line.")
BELOW_LINE = N_("The application is below the funding line.")
H_RECTIFICATION = N_("Request for rectification")
ESR_RECTIFICATION = N_("If you are not satisfied with this decision, you may request its "
                       "rectification in writing from the funding authority within 30 days of "
                       "receiving it. State the decision, the rectification you request and "
                       "its grounds.")

SUBJECT_JOTPA = N_("Procurement decision: %(call)s")
NOTICE = N_("Call for tenders: %(call)s (Hilma notice %(notice)s).")
AWARDED_TO = N_("The contract is awarded to: %(winners)s.")
OWN_AWARDED = N_("Your tender has been chosen.")
OWN_NOT_AWARDED = N_("Your tender has not been chosen.")
OWN_EXCLUDED = N_("Your tender has been excluded from the procurement.")
OWN_UNDECIDED = N_("No decision has been made on your tender yet.")
H_COMPARISON = N_("Comparison of the tenders")
COMPARISON_ROW = N_("%(position)s. %(organisation)s: %(points)s points")
COMPARISON_OWN = N_("%(position)s. %(organisation)s: %(points)s points (your tender)")
EXCLUDED_ROW = N_("%(organisation)s: excluded")
H_YOUR_POINTS = N_("Your points")
PRICE_POINTS = N_("%(name)s: offered price %(price)s, %(points)s of %(weight)s points")
H_STANDSTILL = N_("Standstill period")
STANDSTILL_PENDING = N_("A standstill period of 14 days runs from the delivery of this decision; "
                        "the contract cannot be signed before it has ended.")
H_APPEAL = N_("Appeal instructions")
PROCUREMENT_RECTIFICATION = N_(
    "Procurement rectification (hankintaoikaisu): a party concerned may request the "
    "contracting entity to correct an erroneous decision. The request must be made in writing "
    "within 14 days of receiving this decision. It does not extend the time limit for an appeal.")
MARKET_COURT_APPEAL = N_(
    "Appeal to the Market Court (markkinaoikeus): a party concerned may bring the matter before "
    "the Market Court by a written appeal within 14 days of receiving this decision. Market "
    "Court, Radanrakentajantie 5, 00520 Helsinki, markkinaoikeus@oikeus.fi. A court fee may be "
    "charged for the appeal.")
EMAIL_DELIVERY = N_("A decision sent by e-mail is deemed received on the day it was sent.")


def _last_entry(session: so.Session, obj: Call | Submission,
                triggers: tuple[str, ...]) -> AuditEntry | None:
    return session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == obj.object_type, AuditEntry.object_id == obj.id,
               AuditEntry.trigger.in_(triggers))
        .order_by(AuditEntry.id.desc()).limit(1))


def decision_entry(session: so.Session, call: Call) -> AuditEntry | None:
    """The procurement's decision (its latest `decide`): who decided, when, with what reasons."""
    return _last_entry(session, call, ("decide",))


def _title(session: so.Session, submission: Submission) -> str:
    """The title received (the version that counts), never the working copy's."""
    return (q.title_of(q.counted_versions(session, [submission.id]).get(submission.id))
            or f"#{submission.id}")


def _points_lines(session: so.Session, ranking: CallRanking, row: RankingRow,
                  locale: str, *, justifications: bool) -> list[str]:
    """One line per point-giving criterion (and, for letters, the justifications that
    explain the score: the consensus one when set, else each evaluator's, anonymously)."""
    lines = []
    by_id = {c.id: c for c in ranking.criteria}
    consensus = q.consensus_by_submission(session, [row.submission.id])[row.submission.id]
    submitted = sorted((a for a in row.submission.assignments
                        if a.completed_at is not None and a.conflict is False), key=lambda a: a.id)
    texts = q.scores_by_assignment(session, [a.id for a in submitted])
    for line in row.result.criteria:
        c = by_id[line.criterion_id]
        if line.kind == "price":
            lines.append(translate(PRICE_POINTS, locale, name=c.label(locale),
                                   price=fmt.euros(row.result.price, locale),
                                   points=fmt.points(line.points, locale),
                                   weight=fmt.points(line.max_points, locale)))
            continue
        lines.append(translate(CRITERION_SCORE, locale, name=c.label(locale),
                               score=fmt.points(line.score, locale), min=c.scale_min,
                               max=c.scale_max, points=fmt.points(line.points, locale),
                               weight=fmt.points(line.max_points, locale)))
        if not justifications:
            continue
        if c.id in consensus:
            lines.append("  " + translate(CONSENSUS_NOTE, locale,
                                          justification=consensus[c.id].justification))
        else:
            for n, a in enumerate(submitted, start=1):
                score = texts[a.id].get(c.id)
                if score is not None and score.justification:
                    lines.append("  " + translate(EVALUATOR_NOTE, locale, n=n,
                                                  justification=score.justification))
    return lines


def _requirement_lines(session: so.Session, submission: Submission, locale: str) -> list[str]:
    result = qualification.outcome(session, submission)
    return [translate(REQUIREMENT_MET, locale, name=c.label(locale)) if result.checks[c.id].passed
            else translate(REQUIREMENT_FAILED, locale, name=c.label(locale),
                           reason=result.checks[c.id].reason)
            for c in result.criteria if c.id in result.checks]


def funding_decision_letter(session: so.Session, submission: Submission, locale: str, *,
                            ranking: CallRanking | None = None) -> Letter:
    """The ESR decision letter to the applicant: the decision, its reasons, the application's
    position, its points per criterion with the justifications, the formula, the
    rectification instructions."""
    t = functools.partial(translate, locale=locale)
    call = submission.call
    ranking = ranking or build_ranking(session, call)
    title = _title(session, submission)
    entry = _last_entry(session, submission, ("approve", "reject", "mark_ineligible"))
    if submission.granted_amount is not None and entry and entry.trigger == "approve":
        decision = t(APPROVED, title=title, amount=fmt.euros(submission.granted_amount, locale))
    elif entry and entry.trigger == "reject":
        decision = t(REJECTED, title=title)
    elif submission.state == "ineligible":
        decision = t(INELIGIBLE, title=title)
    else:
        decision = t(UNDECIDED, title=title)
    head = [decision]
    if entry is not None:
        head.append(t(DECISION_DATE, date=helsinki_date(entry.at)))
    sections = [Section.of(t(H_DECISION), head)]
    if entry is not None and entry.comment:
        sections.append(Section.of(t(H_REASONS), entry.comment.splitlines()))
    requirements = _requirement_lines(session, submission, locale)
    if requirements:
        sections.append(Section.of(t(H_REQUIREMENTS), requirements))
    row = ranking.row(submission.id)
    if row is not None:
        lines = _standing_lines(ranking, row, locale)
        if row.funding is not None and call.budget is not None:
            lines.append(t(ABOVE_LINE if row.funding.funded else BELOW_LINE))
        lines += _points_lines(session, ranking, row, locale, justifications=True)
        sections.append(Section.of(t(H_EVALUATION), lines))
        sections.append(Section.of(t(H_FORMULA), formula_lines(call, ranking.criteria,
                                                               ranking.settings, locale)))
    sections.append(Section.of(t(H_RECTIFICATION), [t(ESR_RECTIFICATION)]))
    return Letter(locale, t(SUBJECT_ESR, call=call.title), sections)


def _standing_lines(ranking: CallRanking, row: RankingRow, locale: str) -> list[str]:
    return [translate(POSITION, locale, position=row.ranked.position, count=len(ranking.rows)),
            translate(TOTAL, locale, points=fmt.points(row.result.total, locale),
                      max=fmt.points(ranking.max_total, locale))]


def procurement_decision_document(session: so.Session, call: Call, tender: Submission,
                                  locale: str, *, ranking: CallRanking | None = None) -> Letter:
    """The reasoned procurement decision for one bidder: the outcome, the reasons, every
    compared tender's position and total (names public, prices and content not), the bidder's
    own points per criterion, the formula, the standstill and the appeal instructions."""
    t = functools.partial(translate, locale=locale)
    ranking = ranking or build_ranking(session, call)
    decided = decision_entry(session, call)
    winners = [r.submission.organisation.name for r in ranking.rows
               if r.submission.state == "awarded"]
    head = [t(NOTICE, call=call.title, notice=call.hilma_notice_id or "–")]
    if winners:
        head.append(t(AWARDED_TO, winners=", ".join(winners)))
    head.append(t({"awarded": OWN_AWARDED, "not_awarded": OWN_NOT_AWARDED,
                   "excluded": OWN_EXCLUDED}.get(tender.state, OWN_UNDECIDED)))
    if decided is not None:
        head.append(t(DECISION_DATE, date=helsinki_date(decided.at)))
    sections = [Section.of(t(H_DECISION), head)]
    if decided is not None and decided.comment:
        sections.append(Section.of(t(H_REASONS), decided.comment.splitlines()))
    if tender.state == "excluded":
        excluded = _last_entry(session, tender, ("exclude",))
        lines = _requirement_lines(session, tender, locale)
        if excluded is not None and excluded.comment and not lines:
            lines = excluded.comment.splitlines()
        sections.append(Section.of(t(H_REQUIREMENTS), lines))
    comparison = [t(COMPARISON_OWN if r.submission.id == tender.id else COMPARISON_ROW,
                    position=r.ranked.position, organisation=r.submission.organisation.name,
                    points=fmt.points(r.result.total, locale)) for r in ranking.rows]
    others_excluded = session.scalars(sa.select(Submission).where(
        Submission.call_id == call.id, Submission.state == "excluded",
        Submission.id != tender.id).order_by(Submission.id))
    comparison += [t(EXCLUDED_ROW, organisation=s.organisation.name) for s in others_excluded]
    sections.append(Section.of(t(H_COMPARISON), comparison))
    own = ranking.row(tender.id)
    if own is not None:
        lines = _standing_lines(ranking, own, locale)
        lines += _points_lines(session, ranking, own, locale, justifications=True)
        sections.append(Section.of(t(H_YOUR_POINTS), lines))
    sections.append(Section.of(t(H_FORMULA), formula_lines(call, ranking.criteria,
                                                           ranking.settings, locale)))
    # The rule, not the days: the document is issued at the delivery step, but the period
    # counts from the sending of the letters (evaluation/standstill.py), which may come later;
    # the pages show the days as they are counted.
    sections.append(Section.of(t(H_STANDSTILL), [t(STANDSTILL_PENDING)]))
    sections.append(Section.of(t(H_APPEAL), [t(PROCUREMENT_RECTIFICATION),
                                             t(MARKET_COURT_APPEAL), t(EMAIL_DELIVERY)]))
    return Letter(locale, t(SUBJECT_JOTPA, call=call.title), sections)


def decision_document(session: so.Session, viewer: User | None, submission: Submission,
                      locale: str) -> Letter | None:
    """The decision document of one submission for the printable page: administrators and
    the submission's own organisation once the decision is made known; None otherwise. Once
    issued, the document as issued (what the mail said); before it (administrators only) as
    the current data would have it."""
    call = submission.call
    own = is_own_organisation(viewer, submission)
    if not is_admin(viewer):
        known = (results_public(call) if call.kind == "jotpa"
                 else submission.state in ESR_DECIDED)
        if not (own and known):
            return None
    issued = issued_letters(session, submission)
    if issued is not None and locale in issued:
        return issued[locale]
    return compose(session, submission, locale)


def compose(session: so.Session, submission: Submission, locale: str, *,
            ranking: CallRanking | None = None) -> Letter:
    """The submission's decision document as the current data has it."""
    if submission.kind == "jotpa":
        return procurement_decision_document(session, submission.call, submission, locale,
                                             ranking=ranking)
    return funding_decision_letter(session, submission, locale, ranking=ranking)


def issue(session: so.Session, submission: Submission, issued_at: dt.datetime, now: dt.datetime,
          *, ranking: CallRanking | None = None) -> dict[str, Letter]:
    """Keep the submission's decision document in every language as issued at `issued_at`
    (the decision's instant: the same decision issued again keeps its first text), and
    return it by locale."""
    kind = PROCUREMENT_DECISION if submission.kind == "jotpa" else FUNDING_DECISION
    kept = session.scalar(sa.select(IssuedDecision).where(
        IssuedDecision.submission_id == submission.id, IssuedDecision.kind == kind,
        IssuedDecision.issued_at == issued_at))
    if kept is None:
        ranking = ranking or build_ranking(session, submission.call)
        kept = IssuedDecision(submission_id=submission.id, kind=kind, issued_at=issued_at,
                              created_at=now, letters={
                                  locale: compose(session, submission, locale,
                                                  ranking=ranking).as_json()
                                  for locale in LOCALES})
        session.add(kept)
        session.flush()
    return {locale: Letter.from_json(letter) for locale, letter in kept.letters.items()}


def issued_letters(session: so.Session, submission: Submission) -> dict[str, Letter] | None:
    """The submission's latest issued decision document by locale; None before one is."""
    kept = session.scalar(sa.select(IssuedDecision)
                          .where(IssuedDecision.submission_id == submission.id)
                          .order_by(IssuedDecision.issued_at.desc(), IssuedDecision.id.desc())
                          .limit(1))
    if kept is None:
        return None
    return {locale: Letter.from_json(letter) for locale, letter in kept.letters.items()}


def recipients(session: so.Session, submission: Submission) -> list[User]:
    """The organisation's active applicants: who receive its decision."""
    return list(session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == submission.organisation_id, User.is_active.is_(True),
               UserRole.role == "applicant").order_by(User.id)))


# Who receives a letter, per kind of call: decided ESR applications; every opened Jotpa
# tender once the procurement is decided.
ESR_DECIDED = ("ineligible", "approved", "rejected", "in_implementation",
               "final_report_submitted", "final_report_returned", "closed")
PROCUREMENT_DECIDED = ("decided", "standstill", "contracted", "pilot_delivery",
                       "final_reporting", "closed")


def letters_for(session: so.Session, submission: Submission, *,
                ranking: CallRanking | None = None,
                letters: dict[str, Letter] | None = None) -> list[OutgoingLetter]:
    """The decision letter of one submission once per recipient, in the recipient's language:
    from `letters` (by locale; `issue()` gives them), else the issued ones, else written now
    (once per language)."""
    letters = letters or issued_letters(session, submission) or {}
    out = []
    for user in recipients(session, submission):
        locale = user.locale if user.locale in LOCALES else "fi"
        if locale not in letters:
            ranking = ranking or build_ranking(session, submission.call)
            letters[locale] = compose(session, submission, locale, ranking=ranking)
        out.append(OutgoingLetter(user, submission, letters[locale]))
    return out


def decision_letters(session: so.Session, call: Call) -> list[OutgoingLetter]:
    """Every decided submission's letter, once per recipient in the recipient's language:
    ESR applications decided (approved, rejected, ineligible, and on from approved); every
    opened Jotpa tender once the procurement is decided."""
    if call.kind == "jotpa" and call.state not in PROCUREMENT_DECIDED:
        return []
    states = TENDERS_DECIDED if call.kind == "jotpa" else ESR_DECIDED
    ranking = build_ranking(session, call)
    return [letter for submission in session.scalars(sa.select(Submission).where(
                Submission.call_id == call.id, Submission.state.in_(states))
                .order_by(Submission.id))
            for letter in letters_for(session, submission, ranking=ranking)]

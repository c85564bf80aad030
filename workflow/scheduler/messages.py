"""What each message says, and whether it is still worth sending.

`compose()` is called when a message is about to be sent (not when it was computed), so that
its wording is true then ("today at 16.15" after downtime, not "tomorrow"), and so that what
happened in between stops it: a submitted draft, a completed review, a signed contract. It
returns a `Mail` in the recipient's language, or the reason to skip it. The one exception is a
decision letter: it says what was decided when it was delivered, kept with the message
(`workflow/outbox.py`); only its greeting, link and footer are added here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (Call, EvaluatorAssignment, Milestone, OutboxMessage, Report, Submission,
                    SubmissionVersion)

from ..evaluation.standstill import letter_delivery
from ..i18n import LOCALES, N_, translate
from ..letter import Letter, Section, render_letter
from ..timeutil import HELSINKI, format_day, format_instant
from .digest import Item, digest_items
from .reminders import signable_from
from .words import day_text, remaining, when

GREETING = N_("Hello %(name)s,")
FOOTER = N_("This message was sent by hankeflow automatically; replies are not read. "
            "You can choose your language and reminders in your settings in hankeflow.")

OBJECT_NAMES = {"esr": N_("application no. %(id)s"), "jotpa": N_("tender no. %(id)s")}

DRAFT_SUBJECT = N_("Reminder: “%(call)s” closes %(when)s")
DRAFT_IS_DRAFT = {"esr": N_("Your organisation's application “%(title)s” is still a draft."),
                  "jotpa": N_("Your organisation's tender “%(title)s” is still a draft.")}
DRAFT_CLOSES = N_("The call “%(call)s” closes %(when)s (%(remaining)s). Only what is "
                  "submitted before the deadline counts.")
OPEN_DRAFT = N_("Open the draft")

COMPLETION_SUBJECT = N_("Reminder: the completion of %(object)s is due %(when)s")
COMPLETION_DUE = N_("You were asked to complete %(object)s in the call “%(call)s”. Send the "
                    "completion by %(deadline)s (%(remaining)s).")
COMPLETION_OVERDUE_SUBJECT = N_("The completion of %(object)s is overdue")
COMPLETION_OVERDUE = N_("The completion of %(object)s in the call “%(call)s” was due "
                        "%(when)s. Contact the funding authority.")
OPEN_SUBMISSION = N_("Open the submission")

REVIEW_SUBJECT = N_("Reminder: your review of %(object)s is due %(when)s")
REVIEW_DUE = N_("Your review of %(object)s in the call “%(call)s” is due %(deadline)s "
                "(%(remaining)s).")
REVIEW_OVERDUE_SUBJECT = N_("Your review of %(object)s is overdue")
REVIEW_OVERDUE = N_("Your review of %(object)s in the call “%(call)s” was due %(when)s.")

REPORT_NAMES = {"interim": N_("interim report"), "final": N_("final report"),
                "progress": N_("progress report %(sequence)s")}
REPORT_SUBJECT = N_("Reminder: %(report)s due %(when)s")
REPORT_DUE = N_("The %(report)s of “%(title)s” is due %(deadline)s (%(remaining)s).")
REPORT_OVERDUE_SUBJECT = N_("Overdue: %(report)s")
REPORT_OVERDUE = N_("The %(report)s of “%(title)s” was due %(when)s.")
OPEN_REPORT = N_("Open the report")

MILESTONE_SUBJECT = N_("Reminder: milestone “%(milestone)s” due %(when)s")
MILESTONE_DUE = N_("The milestone “%(milestone)s” of the pilot “%(title)s” is due %(deadline)s "
                   "(%(remaining)s).")
MILESTONE_OVERDUE_SUBJECT = N_("Overdue: milestone “%(milestone)s”")
MILESTONE_OVERDUE = N_("The milestone “%(milestone)s” of the pilot “%(title)s” was due %(when)s.")
OPEN_PILOT = N_("Open the pilot")

STANDSTILL_SUBJECT = N_("The standstill period of “%(call)s” has ended")
STANDSTILL_ENDED = N_("The standstill period ended on %(last_day)s. The contract can be "
                      "signed from %(from_day)s on.")
UNSIGNED_SUBJECT = N_("The contract of “%(call)s” has not been signed")
UNSIGNED = N_("The contract could be signed from %(from_day)s on but has not been signed yet.")
OPEN_CALL = N_("Open the call")

FAILED_SUBJECT = N_("A message could not be delivered")
FAILED = N_("The message “%(subject)s” to %(recipient)s could not be delivered after "
            "%(attempts)s attempts: %(error)s")
OPEN_NOTIFICATIONS = N_("Open the notifications")

RECEIPT_SUBJECT = N_("Receipt: %(object)s in “%(call)s”, version %(version)s")
RECEIPT_RECEIVED = {
    "esr": N_("Your organisation's application “%(title)s” to the call “%(call)s” has been "
              "received."),
    "jotpa": N_("Your organisation's tender “%(title)s” in the call for tenders “%(call)s” has "
                "been received. It stays sealed until the tenders are opened."),
}
RECEIPT_COUNTS = N_("The last version received before the deadline, %(deadline)s, counts.")
H_RECEIPT = N_("Receipt")
# The receipt page's labels (templates/applicant/receipt.html), in the same words.
RECEIVED, FINNISH_TIME = N_("Received"), N_("Finnish time")
NUMBER, VERSION, SUBMITTED_BY = N_("Submission number"), N_("Version"), N_("Submitted by")
H_ATTACHMENTS = N_("Attachments")
OPEN_RECEIPT = N_("Open the receipt")

DECISION_DELIVERED = N_("This message delivers the decision on %(object)s of your "
                        "organisation. The decision follows; you can also open and print it in "
                        "hankeflow.")
OPEN_DECISION = N_("Open the decision")

DIGEST_SUBJECT = N_("hankeflow daily digest %(date)s")
DIGEST_UPCOMING = N_("Closing or falling due in the next 14 days")
DIGEST_OVERDUE = N_("Overdue")
DIGEST_UNDELIVERED = N_("Undelivered messages")
DIGEST_NOTHING_UPCOMING = N_("Nothing closes or falls due in the next 14 days.")
DIGEST_NOTHING_OVERDUE = N_("Nothing is overdue.")
DIGEST_MORE = N_("…and more in hankeflow.")
DIGEST_LINES = {
    "call_closes": N_("“%(call)s” closes %(when)s (drafts: %(drafts)s, submitted: %(submitted)s)"),
    "call_opens": N_("“%(call)s” opens %(when)s"),
    "completion_due": N_("The completion of %(object)s is due %(when)s"),
    "completion_overdue": N_("The completion of %(object)s was due %(when)s"),
    "review_due": N_("The review of %(object)s by %(evaluator)s is due %(when)s"),
    "review_overdue": N_("The review of %(object)s by %(evaluator)s was due %(when)s"),
    "standstill_ends": N_("The standstill period of “%(call)s” ends on %(day)s; the contract "
                          "can be signed from %(from_day)s on"),
    "contract_unsigned": N_("The contract of “%(call)s” can be signed since %(from_day)s"),
    "report_due": N_("The %(report)s of “%(title)s” is due %(when)s"),
    "report_overdue": N_("The %(report)s of “%(title)s” was due %(when)s"),
    "undelivered": N_("“%(subject)s” to %(recipient)s: %(error)s"),
}


@dataclasses.dataclass
class Mail(Letter):
    """A letter to one person: greeted, with paragraphs before the sections, a link to act on
    and the footer."""

    greeting: str = ""
    paragraphs: list[str] = dataclasses.field(default_factory=list)
    link: str = ""
    link_label: str = ""
    footer: str = ""

    def render(self) -> tuple[str, str]:
        """(plain text, HTML) from templates/mail/."""
        return render_letter("message.txt", self), render_letter("message.html", self)


class Skip(Exception):
    """The message is no longer worth sending; the text is the recorded reason."""


def preload(session: so.Session, rows: list[OutboxMessage]) -> list[object]:
    """Load the objects a batch of messages is about in one query per type, so that composing
    each message finds its object in the session instead of querying for it. Keep the result
    while composing: the session holds its objects only weakly."""
    ids: dict[str, set[int]] = {}
    for row in rows:
        ids.setdefault(row.object_type, set()).add(row.object_id)
    loaded: list[object] = []
    for object_type, model in PRELOADED.items():
        if ids.get(object_type):
            loaded.extend(session.scalars(sa.select(model).where(model.id.in_(ids[object_type]))))
    return loaded


def compose(session: so.Session, row: OutboxMessage, now: dt.datetime, base_url: str) -> Mail:
    """The mail for an outbox row as true at `now`; raises Skip when it is no longer useful."""
    recipient = row.recipient
    if not recipient.is_active:
        raise Skip("recipient inactive")
    locale = recipient.locale if recipient.locale in LOCALES else "fi"
    composer = COMPOSERS.get(row.kind)
    if composer is None:
        raise Skip(f"unknown kind {row.kind}")
    t = functools.partial(translate, locale=locale)
    mail = Mail(locale=locale, subject="", greeting=t(GREETING, name=recipient.name),
                paragraphs=[], link="", link_label="", footer=t(FOOTER))
    composer(session, row, recipient, mail, now, t)
    if mail.link:
        mail.link = base_url + mail.link
    for section in mail.sections:
        section.lines = [(text, base_url + path if path else "") for text, path in section.lines]
    return mail


def _object_name(kind: str, object_id: int, t) -> str:
    return t(OBJECT_NAMES[kind], id=object_id)


def _draft(session, row, recipient, mail, now, t) -> None:
    submission = session.get(Submission, row.object_id)
    if submission is None or submission.state != "draft":
        raise Skip(f"no longer a draft ({submission.state if submission else 'deleted'})")
    call = submission.call
    if recipient.organisation_id != submission.organisation_id or not recipient.has_role("applicant"):
        raise Skip("recipient no longer an applicant of the organisation")
    if call.deadline != row.deadline:
        raise Skip("the deadline changed")
    if now >= call.deadline or call.state not in ("published", "open", "tendering"):
        raise Skip("the call no longer takes submissions")
    words = when(call.deadline, now, mail.locale)
    title = str(submission.content.get("title") or _object_name(submission.kind, submission.id, t))
    mail.subject = t(DRAFT_SUBJECT, call=call.title, when=words)
    mail.paragraphs = [t(DRAFT_IS_DRAFT[submission.kind], title=title),
                       t(DRAFT_CLOSES, call=call.title, when=words,
                         remaining=remaining(call.deadline, now, mail.locale))]
    mail.link, mail.link_label = f"/submissions/{submission.id}", t(OPEN_DRAFT)


def _completion(session, row, recipient, mail, now, t) -> None:
    submission = session.get(Submission, row.object_id)
    if submission is None or submission.state != "returned_for_completion":
        raise Skip("completion no longer awaited")
    if submission.completion_due_at != row.deadline:
        raise Skip("the due date changed")
    if recipient.organisation_id != submission.organisation_id:
        raise Skip("recipient no longer in the organisation")
    due = submission.completion_due_at
    obj = _object_name(submission.kind, submission.id, t)
    words = when(due, now, mail.locale)
    if row.offset_name == "overdue":
        mail.subject = t(COMPLETION_OVERDUE_SUBJECT, object=obj)
        mail.paragraphs = [t(COMPLETION_OVERDUE, object=obj, call=submission.call.title, when=words)]
    else:
        if now >= due:
            raise Skip("the due date passed before sending")
        mail.subject = t(COMPLETION_SUBJECT, object=obj, when=words)
        mail.paragraphs = [t(COMPLETION_DUE, object=obj, call=submission.call.title,
                             deadline=words, remaining=remaining(due, now, mail.locale))]
    mail.link, mail.link_label = f"/submissions/{submission.id}", t(OPEN_SUBMISSION)


def _review(session, row, recipient, mail, now, t) -> None:
    assignment = session.get(EvaluatorAssignment, row.object_id)
    if assignment is None or assignment.completed_at is not None or assignment.conflict is True:
        raise Skip("review no longer awaited")
    if assignment.due_at != row.deadline:
        raise Skip("the due date changed")
    submission = assignment.submission
    obj = _object_name(submission.kind, submission.id, t)
    words = when(assignment.due_at, now, mail.locale)
    if row.offset_name == "overdue":
        mail.subject = t(REVIEW_OVERDUE_SUBJECT, object=obj)
        mail.paragraphs = [t(REVIEW_OVERDUE, object=obj, call=submission.call.title, when=words)]
    else:
        if now >= assignment.due_at:
            raise Skip("the due date passed before sending")
        mail.subject = t(REVIEW_SUBJECT, object=obj, when=words)
        mail.paragraphs = [t(REVIEW_DUE, object=obj, call=submission.call.title, deadline=words,
                             remaining=remaining(assignment.due_at, now, mail.locale))]
    mail.link, mail.link_label = f"/submissions/{submission.id}", t(OPEN_SUBMISSION)


def _sentence(text: str) -> str:
    """A translated sentence may start with a parameter written in lower case."""
    return text[:1].upper() + text[1:]


def _report(session, row, recipient, mail, now, t) -> None:
    report = session.get(Report, row.object_id)
    if report is None or report.state not in ("draft", "returned"):
        raise Skip("report no longer awaited")
    if report.due_at != row.deadline:
        raise Skip("the due date changed")
    if recipient.organisation_id != report.submission.organisation_id:
        raise Skip("recipient no longer in the organisation")
    name = t(REPORT_NAMES.get(report.report_type, REPORT_NAMES["progress"]),
             sequence=report.sequence)
    title = str(report.submission.content.get("title") or "")
    words = when(report.due_at, now, mail.locale)
    if row.offset_name == "overdue":
        mail.subject = t(REPORT_OVERDUE_SUBJECT, report=name)
        mail.paragraphs = [_sentence(t(REPORT_OVERDUE, report=name, title=title, when=words))]
    else:
        if now >= report.due_at:
            raise Skip("the due date passed before sending")
        mail.subject = t(REPORT_SUBJECT, report=name, when=words)
        mail.paragraphs = [_sentence(t(REPORT_DUE, report=name, title=title, deadline=words,
                                       remaining=remaining(report.due_at, now, mail.locale)))]
    mail.link, mail.link_label = f"/reports/{report.id}", t(OPEN_REPORT)


def _milestone(session, row, recipient, mail, now, t) -> None:
    milestone = session.get(Milestone, row.object_id)
    if milestone is None or milestone.done_at is not None:
        raise Skip("milestone done")
    if milestone.due_at != row.deadline:
        raise Skip("the due date changed")
    pilot = milestone.pilot
    if recipient.organisation_id != pilot.submission.organisation_id:
        raise Skip("recipient no longer in the organisation")
    title = str(pilot.submission.content.get("title") or "")
    words = when(milestone.due_at, now, mail.locale)
    if row.offset_name == "overdue":
        mail.subject = t(MILESTONE_OVERDUE_SUBJECT, milestone=milestone.title)
        mail.paragraphs = [t(MILESTONE_OVERDUE, milestone=milestone.title, title=title, when=words)]
    else:
        if now >= milestone.due_at:
            raise Skip("the due date passed before sending")
        mail.subject = t(MILESTONE_SUBJECT, milestone=milestone.title, when=words)
        mail.paragraphs = [t(MILESTONE_DUE, milestone=milestone.title, title=title, deadline=words,
                             remaining=remaining(milestone.due_at, now, mail.locale))]
    mail.link, mail.link_label = f"/pilots/{pilot.id}", t(OPEN_PILOT)


def _standstill(session, row, recipient, mail, now, t) -> None:
    call = session.get(Call, row.object_id)
    if call is None or call.state != "standstill" or call.standstill_last_day is None:
        raise Skip("no longer in standstill")
    if signable_from(call.standstill_last_day) != row.deadline:
        raise Skip("the standstill period changed")
    if letter_delivery(session, call.id).unsent:  # the contract waits for them (guards)
        raise Skip("decision letters not all sent")
    if not recipient.has_role("admin"):
        raise Skip("recipient no longer an administrator")
    from_day = day_text(row.deadline.astimezone(HELSINKI).date(), mail.locale)
    if row.kind == "standstill_end":
        mail.subject = t(STANDSTILL_SUBJECT, call=call.title)
        mail.paragraphs = [t(STANDSTILL_ENDED, from_day=from_day,
                             last_day=day_text(call.standstill_last_day, mail.locale))]
    else:
        mail.subject = t(UNSIGNED_SUBJECT, call=call.title)
        mail.paragraphs = [t(UNSIGNED, from_day=from_day)]
    mail.link, mail.link_label = f"/calls/{call.id}", t(OPEN_CALL)


def _failed(session, row, recipient, mail, now, t) -> None:
    failed = session.get(OutboxMessage, row.object_id)
    if failed is None:
        raise Skip("the failed message is gone")
    if failed.status != "failed":
        raise Skip("sent again since")
    if not recipient.has_role("admin"):
        raise Skip("recipient no longer an administrator")
    mail.subject = t(FAILED_SUBJECT)
    mail.paragraphs = [t(FAILED, subject=failed.subject or failed.kind,
                         recipient=failed.recipient.email, attempts=failed.attempts,
                         error=failed.reason)]
    mail.link, mail.link_label = "/notifications", t(OPEN_NOTIFICATIONS)


def _receipt(session, row, recipient, mail, now, t) -> None:
    submission = session.get(Submission, row.object_id)
    version = session.scalar(sa.select(SubmissionVersion).where(
        SubmissionVersion.submission_id == row.object_id,
        SubmissionVersion.number == row.data["version"]))
    if submission is None or version is None:
        raise Skip("the submission is gone")
    if recipient.organisation_id != submission.organisation_id:  # a sealed tender's title
        raise Skip("recipient no longer in the organisation")
    call, obj = submission.call, _object_name(submission.kind, submission.id, t)
    mail.subject = t(RECEIPT_SUBJECT, object=obj, call=call.title, version=version.number)
    mail.paragraphs = [t(RECEIPT_RECEIVED[submission.kind], call=call.title,
                         title=str(version.content.get("title") or obj)),
                       t(RECEIPT_COUNTS, deadline=call.deadline)]
    received = format_instant(version.received_at, mail.locale, seconds=True)
    mail.sections = [Section.of(t(H_RECEIPT), [
        f"{label}: {value}" for label, value in (
            (t(RECEIVED), f"{received} ({t(FINNISH_TIME)})"), (t(NUMBER), submission.id),
            (t(VERSION), version.number), ("SHA-256", version.sha256),
            (t(SUBMITTED_BY), recipient.name))])]
    if version.attachments:
        mail.sections.append(Section.of(t(H_ATTACHMENTS), [
            f"{a['filename']}, SHA-256: {a['sha256']}" for a in version.attachments]))
    mail.link = f"/applicant/submissions/{submission.id}/versions/{version.number}/receipt"
    mail.link_label = t(OPEN_RECEIPT)


def _decision(session, row, recipient, mail, now, t) -> None:
    """A decision letter as it was written when the decision was delivered (workflow.outbox)."""
    submission = session.get(Submission, row.object_id)
    if submission is None:
        raise Skip("the submission is gone")
    if recipient.organisation_id != submission.organisation_id or not recipient.has_role("applicant"):
        raise Skip("recipient no longer an applicant of the organisation")
    letter = Letter.from_json(row.data["letter"])
    if letter.locale != mail.locale:  # the reader changed language since: keep to the letter's
        t = functools.partial(translate, locale=letter.locale)
        mail.locale, mail.greeting, mail.footer = (letter.locale, t(GREETING, name=recipient.name),
                                                   t(FOOTER))
    mail.subject, mail.sections = letter.subject, letter.sections
    mail.paragraphs = [t(DECISION_DELIVERED, object=_object_name(submission.kind, submission.id, t))]
    mail.link = f"/evaluation/submissions/{submission.id}/decision"
    mail.link_label = t(OPEN_DECISION)


def _digest(session, row, recipient, mail, now, t) -> None:
    if not recipient.has_role("admin"):
        raise Skip("recipient no longer an administrator")
    if now >= row.deadline + dt.timedelta(days=1):
        raise Skip("superseded by a newer digest")
    digest = digest_items(session, now)
    mail.subject = t(DIGEST_SUBJECT, date=format_day(now.astimezone(HELSINKI).date(), mail.locale))
    mail.sections = [
        _section(t(DIGEST_UPCOMING), digest.upcoming, digest.more.get("upcoming", False),
                 t(DIGEST_NOTHING_UPCOMING), now, mail.locale, t),
        _section(t(DIGEST_OVERDUE), digest.overdue, digest.more.get("overdue", False),
                 t(DIGEST_NOTHING_OVERDUE), now, mail.locale, t),
    ]
    if digest.undelivered:
        mail.sections.append(_section(t(DIGEST_UNDELIVERED), digest.undelivered,
                                      digest.more.get("undelivered", False), "", now,
                                      mail.locale, t))


def _section(heading: str, items: list[Item], more: bool, empty: str, now: dt.datetime,
             locale: str, t) -> Section:
    lines = []
    for item in items:
        params = dict(item.params)
        if "kind" in params:
            params["object"] = _object_name(str(params.pop("kind")), int(params["id"]), t)
        if "report_type" in params:
            params["report"] = t(REPORT_NAMES.get(str(params.pop("report_type")),
                                                  REPORT_NAMES["progress"]),
                                 sequence=params.pop("sequence"))
        for key in ("day", "from_day"):
            if isinstance(params.get(key), dt.date):
                params[key] = day_text(params[key], locale)
        params["when"] = when(item.at, now, locale)
        lines.append((_sentence(t(DIGEST_LINES[item.what], **params)), item.path))
    return Section(heading, lines, empty=empty, more=t(DIGEST_MORE) if more else "")


PRELOADED: dict[str, type] = {"submission": Submission, "assignment": EvaluatorAssignment,
                              "call": Call, "report": Report, "milestone": Milestone}

COMPOSERS = {
    "draft_deadline": _draft,
    "completion_due": _completion,
    "review_due": _review,
    "report_due": _report,
    "milestone_due": _milestone,
    "standstill_end": _standstill,
    "contract_signature": _standstill,
    "delivery_failed": _failed,
    "digest": _digest,
    "submission_receipt": _receipt,
    "funding_decision": _decision,
    "procurement_decision": _decision,
}

"""Jotpa procurement of micro-credential pilots (DOMAIN §4)."""
from models.states import ProcurementState as S

from .. import effects as e
from .. import guards as g
from ..i18n import N_
from ..pilots import rules as pilots
from ..spec import Party, Workflow, step

ADMIN, SYSTEM = Party.ADMIN, Party.SYSTEM

BEFORE_CONTRACT = [S.PLANNING, S.PUBLISHED, S.TENDERING, S.OPENED, S.QUALIFICATION,
                   S.COMPARISON, S.DECIDED, S.STANDSTILL]

JOTPA_PROCUREMENT = Workflow(
    "jotpa-procurement", model="call", kind="jotpa", states=S, initial=S.PLANNING,
    description=N_("Jotpa procurement"),
    labels={
        S.PLANNING: N_("Planning"), S.PUBLISHED: N_("Published"), S.TENDERING: N_("Tendering"),
        S.OPENED: N_("Tenders opened"), S.QUALIFICATION: N_("Qualification"),
        S.COMPARISON: N_("Comparison"), S.DECIDED: N_("Decided"),
        S.STANDSTILL: N_("Standstill period"), S.CONTRACTED: N_("Contracted"),
        S.PILOT_DELIVERY: N_("Pilot delivery"), S.FINAL_REPORTING: N_("Final reporting"),
        S.CLOSED: N_("Closed"), S.CANCELLED: N_("Cancelled"),
    },
    steps=[
        step("publish", S.PLANNING, S.PUBLISHED, by=[ADMIN], label=N_("Publish"),
             guards=[g.call_ready_to_publish, g.criteria_consistent]),
        step("start_tendering", S.PUBLISHED, S.TENDERING, by=[SYSTEM, ADMIN],
             label=N_("Start tendering"), guards=[g.opens_at_reached], at="opens_at"),
        # Opening unseals the tenders; by itself at the deadline, never before it.
        step("open_tenders", S.TENDERING, S.OPENED, by=[SYSTEM, ADMIN], label=N_("Open tenders"),
             guards=[g.deadline_reached], effects=[e.open_tenders], at="deadline"),
        step("start_qualification", S.OPENED, S.QUALIFICATION, by=[ADMIN],
             label=N_("Start qualification")),
        step("start_comparison", S.QUALIFICATION, S.COMPARISON, by=[ADMIN],
             label=N_("Start comparison"),
             guards=[g.no_tender_unqualified, g.some_tender_qualified]),
        step("decide", S.COMPARISON, S.DECIDED, by=[ADMIN], label=N_("Record procurement decision"),
             guards=[g.every_tender_decided, g.awards_follow_ranking]),
        # By e-mail the send date counts as delivery; the standstill runs from it. Every
        # opened tender's bidder gets its decision letter by mail, written with this step.
        step("deliver_decision", S.DECIDED, S.STANDSTILL, by=[ADMIN, SYSTEM],
             label=N_("Deliver decision"), effects=[e.deliver_decision],
             mails=[e.mail_decision]),
        # Only after the standstill, which runs from the sending of the last decision
        # letter. Each micro-credential described in an awarded tender becomes a pilot.
        step("sign_contract", S.STANDSTILL, S.CONTRACTED, by=[ADMIN], label=N_("Sign contract"),
             guards=[g.decision_letters_sent, g.standstill_over],
             effects=[e.sign_contract, pilots.create_pilots]),
        step("start_pilot_delivery", S.CONTRACTED, S.PILOT_DELIVERY, by=[ADMIN],
             label=N_("Start pilot delivery"), guards=[pilots.pilots_ready]),
        step("start_final_reporting", S.PILOT_DELIVERY, S.FINAL_REPORTING, by=[ADMIN],
             label=N_("Start final reporting")),
        # Also taken by itself when the last pilot's final report is accepted.
        step("close", S.FINAL_REPORTING, S.CLOSED, by=[ADMIN], label=N_("Close"),
             guards=[pilots.final_reports_accepted]),
        step("cancel", BEFORE_CONTRACT, S.CANCELLED, by=[ADMIN], label=N_("Cancel procurement"),
             needs_comment=True),
    ],
)

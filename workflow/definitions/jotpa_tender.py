"""Jotpa tender (bid): sealed until the procurement opens its tenders (DOMAIN §4)."""
from models.states import ProcurementState as P
from models.states import TenderState as S

from .. import effects as e
from .. import guards as g
from ..i18n import N_
from ..pilots import rules as pilots
from ..spec import Party, Workflow, step

ADMIN, OWNER, SYSTEM = Party.ADMIN, Party.OWNER, Party.SYSTEM

JOTPA_TENDER = Workflow(
    "jotpa-tender", model="submission", kind="jotpa", states=S, initial=S.DRAFT,
    description=N_("Jotpa tender"),
    labels={
        S.DRAFT: N_("Draft"), S.SUBMITTED: N_("Submitted (sealed)"), S.WITHDRAWN: N_("Withdrawn"),
        S.OPENED: N_("Opened"), S.QUALIFIED: N_("Qualified"), S.EXCLUDED: N_("Excluded"),
        S.SCORED: N_("Scored"), S.AWARDED: N_("Awarded"), S.NOT_AWARDED: N_("Not awarded"),
    },
    steps=[
        # Replacing a submitted tender is submitting again before the deadline.
        step("submit", [S.DRAFT, S.SUBMITTED], S.SUBMITTED, by=[OWNER], label=N_("Submit"),
             guards=[g.call_accepts_submissions, g.content_complete, g.descriptions_complete],
             effects=[e.record_receipt, pilots.seal_descriptions], mails=[e.mail_receipt]),
        step("withdraw", [S.DRAFT, S.SUBMITTED], S.WITHDRAWN, by=[OWNER], label=N_("Withdraw"),
             guards=[g.before_deadline]),
        # Fired only by the procurement's open_tenders step.
        step("open", S.SUBMITTED, S.OPENED, by=[SYSTEM, ADMIN], label=N_("Open"),
             guards=[g.procurement_in(P.OPENED)], effects=[e.record_opening]),
        step("qualify", S.OPENED, S.QUALIFIED, by=[ADMIN], label=N_("Qualify"),
             guards=[g.procurement_in(P.QUALIFICATION), g.checks_not_failed]),
        step("exclude", S.OPENED, S.EXCLUDED, by=[ADMIN], label=N_("Exclude"), needs_comment=True,
             guards=[g.procurement_in(P.QUALIFICATION)]),
        # Quality scores complete (as for an ESR application) and a valid price.
        step("score", S.QUALIFIED, S.SCORED, by=[ADMIN], label=N_("Record scores"),
             guards=[g.procurement_in(P.COMPARISON), g.evaluations_complete,
                     g.tender_price_valid]),
        step("award", S.SCORED, S.AWARDED, by=[ADMIN], label=N_("Award"),
             guards=[g.procurement_in(P.COMPARISON)]),
        step("not_award", S.SCORED, S.NOT_AWARDED, by=[ADMIN], label=N_("Do not award"),
             guards=[g.procurement_in(P.COMPARISON)]),
    ],
)

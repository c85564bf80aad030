"""ESR application: from draft through evaluation and decision to implementation and the
final report (DOMAIN §3)."""
from models.states import ApplicationState as S

from .. import effects as e
from .. import guards as g
from ..i18n import N_
from ..pilots import rules as pilots
from ..spec import Input, Party, Workflow, future_instant, positive_amount, step

ADMIN, OWNER = Party.ADMIN, Party.OWNER

ESR_APPLICATION = Workflow(
    "esr-application", model="submission", kind="esr", states=S, initial=S.DRAFT,
    description=N_("ESR application"),
    labels={
        S.DRAFT: N_("Draft"), S.SUBMITTED: N_("Submitted"), S.WITHDRAWN: N_("Withdrawn"),
        S.ELIGIBILITY_CHECK: N_("Eligibility check"),
        S.RETURNED_FOR_COMPLETION: N_("Returned for completion"),
        S.INELIGIBLE: N_("Ineligible"), S.IN_EVALUATION: N_("In evaluation"),
        S.EVALUATED: N_("Evaluated"), S.APPROVED: N_("Approved"), S.REJECTED: N_("Rejected"),
        S.IN_IMPLEMENTATION: N_("In implementation"),
        S.FINAL_REPORT_SUBMITTED: N_("Final report submitted"),
        S.FINAL_REPORT_RETURNED: N_("Final report returned"), S.CLOSED: N_("Closed"),
    },
    steps=[
        # Submitting again while the call is open replaces the version that counts.
        step("submit", [S.DRAFT, S.SUBMITTED], S.SUBMITTED, by=[OWNER], label=N_("Submit"),
             guards=[g.call_accepts_submissions, g.content_complete], effects=[e.record_receipt],
             mails=[e.mail_receipt]),
        step("withdraw", [S.DRAFT, S.SUBMITTED], S.WITHDRAWN, by=[OWNER], label=N_("Withdraw"),
             guards=[g.before_deadline]),
        step("start_eligibility_check", S.SUBMITTED, S.ELIGIBILITY_CHECK, by=[ADMIN],
             label=N_("Start eligibility check"), guards=[g.call_in("closed", "in_evaluation")]),
        step("return_for_completion", S.ELIGIBILITY_CHECK, S.RETURNED_FOR_COMPLETION, by=[ADMIN],
             label=N_("Ask for completion"), needs_comment=True,
             inputs=[Input("due_at", future_instant, N_("Due"))], effects=[e.set_completion_due]),
        step("complete", S.RETURNED_FOR_COMPLETION, S.ELIGIBILITY_CHECK, by=[OWNER],
             label=N_("Send completion"), needs_comment=True,
             guards=[g.completion_due_not_passed], effects=[e.clear_completion_due]),
        step("mark_ineligible", S.ELIGIBILITY_CHECK, S.INELIGIBLE, by=[ADMIN],
             label=N_("Mark ineligible"), needs_comment=True, mails=[e.mail_decision]),
        step("mark_eligible", S.ELIGIBILITY_CHECK, S.IN_EVALUATION, by=[ADMIN],
             label=N_("Mark eligible"), guards=[g.checks_not_failed]),
        step("complete_evaluation", S.IN_EVALUATION, S.EVALUATED, by=[ADMIN],
             label=N_("Complete evaluation"), guards=[g.evaluations_complete]),
        step("approve", S.EVALUATED, S.APPROVED, by=[ADMIN], label=N_("Approve"),
             inputs=[Input("granted_amount", positive_amount, N_("Granted amount (€)"))],
             guards=[g.fundable], effects=[e.grant], mails=[e.mail_decision]),
        step("reject", S.EVALUATED, S.REJECTED, by=[ADMIN], label=N_("Reject"),
             needs_comment=True, mails=[e.mail_decision]),
        step("start_implementation", S.APPROVED, S.IN_IMPLEMENTATION, by=[ADMIN, OWNER],
             label=N_("Start implementation")),
        step("submit_final_report", [S.IN_IMPLEMENTATION, S.FINAL_REPORT_RETURNED],
             S.FINAL_REPORT_SUBMITTED, by=[OWNER], label=N_("Submit final report"),
             guards=[g.final_report_complete]),
        step("return_final_report", S.FINAL_REPORT_SUBMITTED, S.FINAL_REPORT_RETURNED,
             by=[ADMIN], label=N_("Return final report for correction"), needs_comment=True),
        step("accept_final_report", S.FINAL_REPORT_SUBMITTED, S.CLOSED, by=[ADMIN],
             label=N_("Accept final report"), guards=[pilots.progress_reports_settled]),
    ],
)

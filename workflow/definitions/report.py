"""Reports: a Jotpa pilot's interim and final report, an ESR project's progress reports.

    draft → submitted → accepted
              ↑    ↓
            returned (for correction, with a comment)

The supplier (or the project's organisation) writes and submits; an administrator returns
or accepts. Accepting the last pilot's final report closes a procurement that is in final
reporting. (An ESR project's final report is the application's own steps.)
"""
from models.pilot import ReportState as S

from ..i18n import N_, Msg
from ..pilots import rules as r
from ..spec import Party, Workflow, step

ADMIN, OWNER = Party.ADMIN, Party.OWNER

LABELS = {S.DRAFT: N_("Draft"), S.SUBMITTED: N_("Submitted"),
          S.RETURNED: N_("Returned for correction"), S.ACCEPTED: N_("Accepted")}


def report_workflow(name: str, kind: str, description: Msg) -> Workflow:
    return Workflow(
        name, model="report", kind=kind, states=S, initial=S.DRAFT, labels=LABELS,
        description=description,
        steps=[
            step("submit", [S.DRAFT, S.RETURNED], S.SUBMITTED, by=[OWNER], label=N_("Submit report"),
                 guards=[r.report_period_open, r.report_complete], effects=[r.stamp_submitted]),
            step("return", S.SUBMITTED, S.RETURNED, by=[ADMIN],
                 label=N_("Return for correction"), needs_comment=True, effects=[r.touch]),
            step("accept", S.SUBMITTED, S.ACCEPTED, by=[ADMIN], label=N_("Accept report"),
                 effects=[r.stamp_accepted, r.close_procurement_when_reported]),
        ],
    )


JOTPA_REPORT = report_workflow("jotpa-report", "jotpa", N_("Pilot report"))
ESR_REPORT = report_workflow("esr-report", "esr", N_("Progress report"))

"""ESR (ESF+) project call: draft → published → open → closed → in_evaluation → decided → archived."""
from models.states import EsrCallState as S

from .. import guards as g
from ..i18n import N_
from ..spec import Party, Workflow, step

ADMIN, SYSTEM = Party.ADMIN, Party.SYSTEM

ESR_CALL = Workflow(
    "esr-call", model="call", kind="esr", states=S, initial=S.DRAFT,
    description=N_("ESR project call"),
    labels={
        S.DRAFT: N_("Draft"), S.PUBLISHED: N_("Published"),
        S.OPEN: N_("Open for applications"),
        S.CLOSED: N_("Closed"), S.IN_EVALUATION: N_("In evaluation"), S.DECIDED: N_("Decided"),
        S.ARCHIVED: N_("Archived"),
    },
    steps=[
        step("publish", S.DRAFT, S.PUBLISHED, by=[ADMIN], label=N_("Publish"),
             guards=[g.call_ready_to_publish, g.criteria_consistent]),
        step("unpublish", S.PUBLISHED, S.DRAFT, by=[ADMIN], label=N_("Withdraw publication"),
             needs_comment=True),
        step("open", S.PUBLISHED, S.OPEN, by=[SYSTEM, ADMIN], label=N_("Open"),
             guards=[g.opens_at_reached], at="opens_at"),
        step("close", S.OPEN, S.CLOSED, by=[SYSTEM, ADMIN], label=N_("Close"),
             guards=[g.deadline_reached], at="deadline"),
        step("start_evaluation", S.CLOSED, S.IN_EVALUATION, by=[ADMIN],
             label=N_("Start evaluation")),
        step("decide", S.IN_EVALUATION, S.DECIDED, by=[ADMIN], label=N_("Record decisions"),
             guards=[g.no_application_undecided]),
        step("archive", S.DECIDED, S.ARCHIVED, by=[ADMIN], label=N_("Archive")),
    ],
)

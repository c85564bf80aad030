"""The workflows, registered by name and by (model, kind)."""
from __future__ import annotations

from typing import Any

from ..spec import Workflow
from .esr_application import ESR_APPLICATION
from .esr_call import ESR_CALL
from .jotpa_procurement import JOTPA_PROCUREMENT
from .jotpa_tender import JOTPA_TENDER
from .report import ESR_REPORT, JOTPA_REPORT

WORKFLOWS: dict[str, Workflow] = {
    wf.name: wf for wf in (ESR_CALL, ESR_APPLICATION, JOTPA_PROCUREMENT, JOTPA_TENDER,
                           JOTPA_REPORT, ESR_REPORT)}
_BY_OBJECT = {(wf.model, wf.kind): wf for wf in WORKFLOWS.values()}


def workflow_for(obj: Any) -> Workflow:
    """The workflow of a Call, Submission or Report, from its type and kind."""
    return _BY_OBJECT[obj.object_type, obj.kind]

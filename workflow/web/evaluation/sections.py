"""The evaluation's section on the administrators' call page (workflow/web/admin/sections.py),
registered from here so that the admin package needs no change: links to this blueprint's
pages and whether the criteria could be published. Left out when the admin package is not
installed."""
from __future__ import annotations

import importlib.util
from typing import Any

from models import Call, User

from ...app import db
from ...evaluation import criteria as criteria_service
from ...i18n import N_


def _load(call: Call, user: User) -> dict[str, Any]:
    return {"problems": len(criteria_service.problems(db(), call))}


def _register() -> None:
    if importlib.util.find_spec("workflow.web.admin") is None:
        return
    from ..admin.sections import CallSection, register_call_section

    register_call_section(CallSection(
        key="evaluation", title=N_("Evaluation and decisions"),
        template="evaluation/admin_section.html", load=_load, order=50))


_register()

"""The "Pilots" section of an administrator's procurement page (workflow/web/admin/sections.py):
the procurement's contracts and pilots with their figures, and the way to the ministry view.
Registered only when the admin package is present; a call without pilots has no section."""
from __future__ import annotations

import importlib.util
from typing import Any

from models import Call, User

from ...app import db
from ...i18n import N_
from ...pilots.delivery import pilots_of_call
from .delivery import results_view


def _load(call: Call, user: User) -> dict[str, Any] | None:
    if call.kind != "jotpa":
        return None
    pilots = pilots_of_call(db(), user, call)
    if not pilots:
        return None
    return {"rows": [{"pilot": p, "results": results_view(db(), p)} for p in pilots]}


if importlib.util.find_spec("workflow.web.admin") is not None:
    from ..admin.sections import CallSection, register_call_section

    register_call_section(CallSection(key="pilots", title=N_("Pilots"),
                                      template="pilots/admin_call_section.html", load=_load,
                                      order=80))

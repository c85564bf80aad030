"""The sections of an administrator's call page, registered rather than written into one
template: the evaluation work (criteria, ranking, exports) and the pilots add theirs later with

    from workflow.web.admin.sections import CallSection, register_call_section

    register_call_section(CallSection(
        key="criteria", title=N_("Criteria"), template="admin/sections/criteria.html",
        load=lambda call, user: {"criteria": criteria_of(db(), call.id)}, order=30))

`load(call, user)` returns the template's context, or None to leave the section out (e.g. a
section that only a Jotpa procurement has). Each section is rendered under its own heading
with the anchor `#section-<key>`; a contents list at the top of the page links to them.
Keep `load` to a bounded number of queries: the page's cost is the sum of its sections.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from models import Call, User

from ...i18n import Msg

Loader = Callable[[Call, User], dict[str, Any] | None]


@dataclasses.dataclass(frozen=True)
class CallSection:
    key: str
    title: Msg
    template: str
    load: Loader
    order: int = 50


_SECTIONS: dict[str, CallSection] = {}


def register_call_section(section: CallSection) -> None:
    """Add (or replace, by key) a section of the call page."""
    _SECTIONS[section.key] = section


def call_sections() -> list[CallSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclasses.dataclass(frozen=True)
class RenderedSection:
    key: str
    title: Msg
    template: str
    context: dict[str, Any]


def render_sections(call: Call, user: User) -> list[RenderedSection]:
    out = []
    for section in call_sections():
        context = section.load(call, user)
        if context is not None:
            out.append(RenderedSection(section.key, section.title, section.template, context))
    return out

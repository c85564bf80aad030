"""A workflow as a Mermaid state diagram or JSON, generated from its definition."""
from __future__ import annotations

from typing import Any

from .i18n import translate
from .spec import Workflow


def to_json(wf: Workflow, locale: str = "en") -> dict[str, Any]:
    return {
        "name": wf.name,
        "label": translate(wf.description, locale),
        "initial": wf.initial,
        "states": [{"name": s, "label": translate(wf.labels[s], locale)} for s in wf.states],
        "transitions": [
            {"trigger": st.trigger, "label": translate(st.label, locale), "source": list(st.source),
             "dest": st.dest, "by": sorted(p.value for p in st.by),
             "guards": [g.__name__ for g in st.guards], "effects": [e.__name__ for e in st.effects],
             "inputs": [i.name for i in st.inputs], "needs_comment": st.needs_comment,
             "time_driven_at": st.at}
            for st in wf.steps],
    }


def to_mermaid(wf: Workflow, locale: str = "en", current: str | None = None) -> str:
    lines = ["stateDiagram-v2"]
    for state in wf.states:
        label = translate(wf.labels[state], locale).replace('"', "'")
        lines.append(f'    state "{label}" as {state}')
    lines.append(f"    [*] --> {wf.initial}")
    for st in wf.steps:
        who = ", ".join(sorted(p.value for p in st.by))
        clock_mark = f" ⏰ {st.at}" if st.at else ""
        for source in st.source:
            lines.append(f"    {source} --> {st.dest}: {st.trigger} ({who}){clock_mark}")
    finals = {s for s in wf.states if not wf.steps_from(s)}
    for state in sorted(finals):
        lines.append(f"    {state} --> [*]")
    if current:
        lines.append("    classDef current fill:#ffd54f,stroke:#333,stroke-width:3px")
        lines.append(f"    class {current} current")
    return "\n".join(lines)

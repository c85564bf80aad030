"""A picture of a workflow, drawn on the server as inline SVG from its definition, with the
current state marked in words as well as in colour, and the same information as text.

Layout: one column of states in the order the process runs (a longest-path layering of the
definition's steps, back edges set aside), so that no line ever crosses a box:

- a step to the state right below is a short arrow down the middle;
- a step further down runs in a lane on the right, a step back up in a lane on the left;
  lanes are shared by steps whose spans do not overlap;
- time-driven steps (taken by the clock) are dashed.

No JavaScript, no style attributes (the Content-Security-Policy allows neither): presentation
attributes only. Each line carries a <title> with the step's name for pointer users; the text
alternative (`Diagram.states`, `Diagram.transitions`) is what the template lists below it.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from markupsafe import Markup, escape

from ...i18n import N_, translate
from ...spec import Party, Step, Workflow

BOX_W, BOX_H, ROW_GAP = 280, 46, 26
LANE_GAP, MARGIN = 11, 16
FONT = "arial, sans-serif"
PARTY_LABELS = {Party.ADMIN: N_("administrator"), Party.OWNER: N_("applicant's organisation"),
                Party.EVALUATOR: N_("evaluator"), Party.SYSTEM: N_("the system, on time")}


@dataclasses.dataclass(frozen=True)
class StateItem:
    name: str
    label: str
    current: bool
    initial: bool
    final: bool


@dataclasses.dataclass(frozen=True)
class TransitionItem:
    source: str
    dest: str
    label: str
    by: str
    at: str | None
    needs_comment: bool
    inputs: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Diagram:
    title: str
    svg: Markup
    states: list[StateItem]
    transitions: list[TransitionItem]


def order_states(wf: Workflow) -> list[str]:
    """The states top to bottom: longest path from the initial state over forward steps,
    ties (and unreachable states) in the order the definition declares them; end states last."""
    edges: dict[str, list[str]] = defaultdict(list)
    for st in wf.steps:
        for source in st.source:
            if source != st.dest and st.dest not in edges[source]:
                edges[source].append(st.dest)
    # Depth-first from the initial state: an edge to a state on the current path goes back.
    back: set[tuple[str, str]] = set()
    visited: set[str] = set()
    on_path: list[str] = []

    def visit(state: str) -> None:
        visited.add(state)
        on_path.append(state)
        for nxt in edges[state]:
            if nxt in on_path:
                back.add((state, nxt))
            elif nxt not in visited:
                visit(nxt)
        on_path.pop()

    for root in [wf.initial, *wf.states]:
        if root not in visited:
            visit(root)
    forward = {s: [d for d in edges[s] if (s, d) not in back] for s in wf.states}
    layer = {s: 0 for s in wf.states}
    # The forward graph is acyclic: relaxing |states| times settles the longest paths.
    for _ in wf.states:
        changed = False
        for source, dests in forward.items():
            for dest in dests:
                if layer[dest] < layer[source] + 1:
                    layer[dest] = layer[source] + 1
                    changed = True
        if not changed:
            break
    position = {s: i for i, s in enumerate(wf.states)}
    # End states below the running ones, the furthest end first: the main line stays one
    # straight column and the other endings (withdrawn, rejected, cancelled) gather under it.
    finals = [s for s in wf.states if not wf.steps_from(s)]
    running = [s for s in wf.states if wf.steps_from(s)]
    return (sorted(running, key=lambda s: (layer[s], position[s]))
            + sorted(finals, key=lambda s: (-layer[s], position[s])))


def build_diagram(wf: Workflow, locale: str, current: str | None = None) -> Diagram:
    def t(msg: str) -> str:
        return translate(msg, locale)

    order = order_states(wf)
    row = {s: i for i, s in enumerate(order)}
    finals = {s for s in wf.states if not wf.steps_from(s)}
    states = [StateItem(s, t(wf.labels[s]), s == current, s == wf.initial, s in finals)
              for s in order]
    transitions = [
        TransitionItem(source, st.dest, t(st.label),
                       ", ".join(t(PARTY_LABELS[p]) for p in sorted(st.by)), st.at,
                       st.needs_comment, tuple(t(i.label) for i in st.inputs))
        for st in wf.steps for source in st.source]
    transitions.sort(key=lambda tr: (row[tr.source], row[tr.dest]))
    title = t(wf.description)
    if current:
        title = f"{title} – {t(N_('current state'))}: {t(wf.labels[current])}"
    return Diagram(title, _svg(wf, order, row, current, title, t), states, transitions)


def _lanes(spans: list[tuple[int, int, object]]) -> dict[object, int]:
    """Greedy interval colouring: spans (top row, bottom row, key) → lane index."""
    ends: list[int] = []
    lanes: dict[object, int] = {}
    for top, bottom, key in sorted(spans, key=lambda s: (s[0], s[1])):
        for i, end in enumerate(ends):
            if end < top:
                ends[i] = bottom
                lanes[key] = i
                break
        else:
            ends.append(bottom)
            lanes[key] = len(ends) - 1
    return lanes


def _svg(wf: Workflow, order: list[str], row: dict[str, int], current: str | None,
         title: str, t) -> Markup:
    # Distinct (source, dest) pairs: the picture shows that a way exists; the text lists every
    # step. A step that stays in its state (submitting again) is only in the text.
    pairs: dict[tuple[str, str], list[Step]] = {}
    for st in wf.steps:
        for source in st.source:
            if source != st.dest:
                pairs.setdefault((source, st.dest), []).append(st)
    down = [(row[s], row[d], (s, d)) for (s, d) in pairs if row[d] > row[s] + 1]
    up = [(row[d], row[s], (s, d)) for (s, d) in pairs if row[d] < row[s]]
    right, left = _lanes(down), _lanes(up)
    n_right = max(right.values(), default=-1) + 1
    n_left = max(left.values(), default=-1) + 1

    box_x = MARGIN + n_left * LANE_GAP + (LANE_GAP if n_left else 0)
    width = box_x + BOX_W + (LANE_GAP if n_right else 0) + n_right * LANE_GAP + MARGIN
    height = 2 * MARGIN + len(order) * BOX_H + (len(order) - 1) * ROW_GAP

    def top(state: str) -> int:
        return MARGIN + row[state] * (BOX_H + ROW_GAP)

    # Where lines meet a box side: spread evenly, so that arrows into one state stay apart.
    attach: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for pair in right:
        attach[pair[0], "right"].append(pair)
        attach[pair[1], "right"].append(pair)
    for pair in left:
        attach[pair[0], "left"].append(pair)
        attach[pair[1], "left"].append(pair)

    def attach_y(state: str, side: str, pair: tuple[str, str]) -> float:
        items = sorted(attach[state, side], key=lambda p: (row[p[0]], row[p[1]]))
        k = items.index(pair)
        return top(state) + BOX_H * (k + 1) / (len(items) + 1)

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hf-workflow" role="img" '
        f'aria-labelledby="workflow-svg-title" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f'<title id="workflow-svg-title">{escape(title)}</title>',
        '<defs><marker id="workflow-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#0b0c0c"/></marker></defs>',
    ]
    center = box_x + BOX_W / 2
    for (s, d), steps in pairs.items():
        names = ", ".join(dict.fromkeys(t(st.label) for st in steps))
        dashed = ' stroke-dasharray="6 4"' if all(st.at for st in steps) else ""
        if row[d] == row[s] + 1:
            path = f"M {center} {top(s) + BOX_H} V {top(d) - 2}"
        elif row[d] > row[s]:
            lane_x = box_x + BOX_W + LANE_GAP * (right[s, d] + 1)
            y1, y2 = attach_y(s, "right", (s, d)), attach_y(d, "right", (s, d))
            path = f"M {box_x + BOX_W} {y1:.1f} H {lane_x} V {y2:.1f} H {box_x + BOX_W + 2}"
        else:
            lane_x = box_x - LANE_GAP * (left[s, d] + 1)
            y1, y2 = attach_y(s, "left", (s, d)), attach_y(d, "left", (s, d))
            path = f"M {box_x} {y1:.1f} H {lane_x} V {y2:.1f} H {box_x - 2}"
        parts.append(f'<path d="{path}" fill="none" stroke="#505a5f" stroke-width="1.6"{dashed} '
                     f'marker-end="url(#workflow-arrow)"><title>{escape(names)}</title></path>')
    for state in order:
        y = top(state)
        is_current = state == current
        parts.append(
            f'<rect x="{box_x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="{"#fff7bf" if is_current else "#ffffff"}" stroke="#0b0c0c" '
            f'stroke-width="{4 if is_current else 1.5}"/>')
        text = escape(t(wf.labels[state]))
        if is_current:
            parts.append(f'<text x="{center}" y="{y + 19}" text-anchor="middle" font-size="15" '
                         f'font-weight="bold" fill="#0b0c0c">{text}</text>')
            parts.append(f'<text x="{center}" y="{y + 37}" text-anchor="middle" font-size="12" '
                         f'font-weight="bold" fill="#0b0c0c">▶ {escape(t(N_("current state")))}</text>')
        else:
            parts.append(f'<text x="{center}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" '
                         f'font-size="15" fill="#0b0c0c">{text}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

"""Small server-side SVG charts, written by hand: horizontal bars (plain or stacked) and a
scatter plot. No charting library fits well enough here (the ones in reach emit JavaScript or
pull in a plotting stack for three simple pictures); these are a few dozen lines each.

Every chart is an accessible image: `role="img"`, a `<title>` and a `<desc>` it is labelled
by, a tooltip `<title>` on each mark, and the caller always gives a table alternative with the
same numbers (ministry.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH = 720
ROW = 28
LABEL_WIDTH = 260
COLOURS = ("#1f4e79", "#c55a11", "#7f7f7f")  # dark blue, dark orange, grey: legible in print


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[tuple[str, float, str]],
              *, maximum: float) -> str:
    """One horizontal bar per (label, value, value as text); values from 0 to `maximum`."""
    height = 40 + ROW * max(len(bars), 1)
    plot = WIDTH - LABEL_WIDTH - 70
    out = _open(chart_id, title, desc, height)
    for i, (label, value, shown) in enumerate(bars):
        y = 20 + i * ROW
        length = 0 if maximum <= 0 else round(plot * max(0.0, min(value, maximum)) / maximum, 1)
        out.append(f'<g><title>{escape(f"{label}: {shown}")}</title>'
                   f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>'
                   f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW - 8}" fill="{COLOURS[0]}"/>'
                   f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{escape(shown)}</text></g>')
    if not bars:
        out.append(f'<text x="{WIDTH / 2}" y="30" text-anchor="middle">–</text>')
    out.append("</svg>")
    return "\n".join(out)


def stacked_bar_chart(chart_id: str, title: str, desc: str,
                      bars: Sequence[tuple[str, Sequence[int]]], legend: Sequence[str]) -> str:
    """Horizontal bars made of segments (counts), e.g. "did not work" then "partly"."""
    height = 60 + ROW * max(len(bars), 1)
    plot = WIDTH - LABEL_WIDTH - 70
    maximum = max((sum(parts) for _, parts in bars), default=0)
    out = _open(chart_id, title, desc, height)
    for i, (label, parts) in enumerate(bars):
        y = 20 + i * ROW
        x = float(LABEL_WIDTH)
        pieces = []
        for j, count in enumerate(parts):
            width = 0 if maximum == 0 else round(plot * count / maximum, 1)
            if width:
                pieces.append(f'<rect x="{x}" y="{y + 3}" width="{width}" height="{ROW - 8}" '
                              f'fill="{COLOURS[j % len(COLOURS)]}"/>')
            x += width
        summary = ", ".join(f"{name} {count}" for name, count in zip(legend, parts))
        out.append(f'<g><title>{escape(f"{label}: {summary}")}</title>'
                   f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(_short(label))}</text>'
                   f'{"".join(pieces)}<text x="{x + 6}" y="{y + 15}">{sum(parts)}</text></g>')
    if not bars:
        out.append(f'<text x="{WIDTH / 2}" y="30" text-anchor="middle">–</text>')
    legend_y = height - 18
    for j, name in enumerate(legend):
        x = LABEL_WIDTH + j * 150
        out.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>'
                   f'<text x="{x + 18}" y="{legend_y}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def scatter_chart(chart_id: str, title: str, desc: str,
                  points: Sequence[tuple[str, float, float]], *, x_label: str, y_label: str,
                  x_max: float, y_max: float = 1.0, y_as_percent: bool = True) -> str:
    """Labelled points (label, x, y) on axes from 0 to x_max / y_max."""
    height = 380
    left, right, top, bottom = 60, WIDTH - 20, 20, height - 50
    out = _open(chart_id, title, desc, height)
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>'
               f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#000"/>')
    for k in range(5):
        fraction = k / 4
        y = bottom - fraction * (bottom - top)
        tick = f"{round(fraction * y_max * 100)} %" if y_as_percent else f"{fraction * y_max:g}"
        out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{tick}</text>')
        x = left + fraction * (right - left)
        out.append(f'<text x="{x}" y="{bottom + 16}" text-anchor="middle">{fraction * x_max:g}</text>')
    out.append(f'<text x="{(left + right) / 2}" y="{height - 12}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text x="14" y="{(top + bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(top + bottom) / 2})">{escape(y_label)}</text>')
    for label, x_value, y_value in points:
        cx = left + (0 if x_max <= 0 else min(x_value, x_max) / x_max) * (right - left)
        cy = bottom - (0 if y_max <= 0 else min(y_value, y_max) / y_max) * (bottom - top)
        shown = f"{round(y_value * 100, 1)} %" if y_as_percent else f"{y_value:g}"
        out.append(f'<g><title>{escape(f"{label}: {x_value:g}, {shown}")}</title>'
                   f'<circle cx="{round(cx, 1)}" cy="{round(cy, 1)}" r="5" fill="{COLOURS[0]}"/>'
                   f'<text x="{round(cx + 8, 1)}" y="{round(cy + 4, 1)}" aria-hidden="true">'
                   f'{escape(_short(label, 24))}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["bar_chart", "scatter_chart", "stacked_bar_chart"]

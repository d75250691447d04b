"""Small SVG charts drawn on the server: no JavaScript needed, accessible, printable.

Each chart is an <svg role="img"> with a <title> and <desc> (the alt text); the pages put the
numbers in a table beside it as well. Colours are Okabe-Ito (colour-blind safe) and series also
differ by dash pattern and marker, so nothing relies on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]
_ids = count(1)


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]  # (x, y), y may not be None
    colour: str | None = None
    dash: str | None = None
    highlight: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, label


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while not ticks or ticks[-1] < hi - step * 1e-9:  # the last tick covers `hi`
        ticks.append(round(t, 12))
        t += step
    return ticks


def fmt_count(v: float) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f}M".replace(".0M", "M")
    if abs(v) >= 1e3:
        return f"{v / 1e3:.0f}k"
    return f"{v:.0f}"


def fmt_pct(v: float) -> str:
    return f"{v * 100:.1f}%" if v < 0.1 else f"{v * 100:.0f}%"


def line_chart(series: Sequence[Series], *, title: str, desc: str,
               y_format: Callable[[float], str] = fmt_count, markers: Sequence[tuple] = (),
               width: int = 720, height: int = 260, y_min: float = 0.0,
               x_range: tuple[float, float] | None = None,
               x_format: Callable[[float], str] = lambda v: f"{v:.0f}",
               y_max: float | None = None, diagonal: bool = False,
               x_label: str = "", y_label: str = "", css_class: str = "") -> Markup:
    """A line chart; `markers` are vertical rules (x, label) such as mass-killing onsets.

    Layout, top to bottom: y-axis label and marker labels, plot, x ticks, x label, legend."""
    xs = [x for s in series for x, _ in s.points] + [m[0] for m in markers]
    ys = [y for s in series for _, y in s.points]
    uid = next(_ids)
    head = (f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="c{uid}t c{uid}d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="c{uid}t">{escape(title)}</title><desc id="c{uid}d">{escape(desc)}</desc>')
    if not xs or not ys:
        return Markup(head + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                      'class="chart-empty">No data</text></svg>')
    x0, x1 = x_range or (min(xs), max(xs))
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    top_y = y_max if y_max is not None else max(ys) * 1.05
    y_ticks = nice_ticks(y_min, top_y if top_y > y_min else y_min + 1)
    y1 = y_ticks[-1]
    left, right, top = 56, 16, 36
    legend = _legend_layout([s.name for s in series], left, width - right) \
        if len(series) > 1 else []
    rows = max((row for _, _, row in legend), default=-1) + 1
    bottom = 24 + (16 if x_label else 0) + 18 * rows
    pw, ph = width - left - right, height - top - bottom

    def sx(x):
        return left + (x - x0) / (x1 - x0) * pw

    def sy(y):
        return top + ph - (y - y_min) / (y1 - y_min) * ph

    parts = [head, '<g class="axis">']
    for t in y_ticks:
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
                     'class="grid"/>'
                     f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">'
                     f'{escape(y_format(t))}</text>')
    for t in nice_ticks(x0, x1, 8):
        if x0 <= t <= x1:
            parts.append(f'<text x="{sx(t):.1f}" y="{top + ph + 16}" text-anchor="middle">'
                         f'{escape(x_format(t))}</text>')
    if x_label:
        parts.append(f'<text x="{left + pw / 2}" y="{top + ph + 32}" text-anchor="middle" '
                     f'class="axis-label">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="4" y="13" class="axis-label">{escape(y_label)}</text>')
    parts.append("</g>")
    if diagonal:
        d = min(x1, y1)
        parts.append(f'<line class="diagonal" x1="{sx(x0):.1f}" y1="{sy(max(x0, y_min)):.1f}" '
                     f'x2="{sx(d):.1f}" y2="{sy(d):.1f}"/>')
    for x, label in markers:
        parts.append(f'<g class="marker"><line x1="{sx(x):.1f}" x2="{sx(x):.1f}" y1="{top}" '
                     f'y2="{top + ph}"/><text x="{sx(x):.1f}" y="{top - 4}" '
                     f'text-anchor="middle">▼ {escape(label)}</text>'
                     f'<title>{escape(label)} {escape(x_format(x))}</title></g>')
    for i, s in enumerate(series):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        dash = s.dash if s.dash is not None else DASHES[i % len(DASHES)]
        pts = sorted(s.points)
        if len(pts) > 1:
            d = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}"
                         for j, (x, y) in enumerate(pts))
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"'
                         f'{dash_attr}/>')
        for x, y in pts:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}">'
                         f'<title>{escape(s.name)} {escape(x_format(x))}: '
                         f'{escape(y_format(y))}</title></circle>')
        for x, y, label in s.highlight:
            cx, cy = sx(x), sy(y)
            below = cy < top + ph - 24  # put the label under the point when there is room
            ty = cy + 22 if below else cy - 10
            parts.append(f'<g class="highlight"><rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" '
                         f'width="10" height="10" transform="rotate(45 {cx:.1f} {cy:.1f})" '
                         f'fill="{colour}"/><text x="{cx - 4:.1f}" y="{ty:.1f}" '
                         f'text-anchor="end">{escape(label)}</text></g>')
    for i, (s, (lx, _, row)) in enumerate(zip(series, legend, strict=False)):
        ly = height - 6 - 18 * (rows - 1 - row)
        colour = s.colour or PALETTE[i % len(PALETTE)]
        dash = s.dash if s.dash is not None else DASHES[i % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="legend"><line x1="{lx}" x2="{lx + 22}" y1="{ly - 4}" '
                     f'y2="{ly - 4}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
                     f'<text x="{lx + 26}" y="{ly}">{escape(s.name)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend_layout(names: Sequence[str], left: float, right: float
                   ) -> list[tuple[float, float, int]]:
    """(x, width, row) per legend entry, wrapping onto new rows at the right edge."""
    out, x, row = [], left, 0
    for name in names:
        w = 34 + 7.2 * len(name)
        if x > left and x + w > right:
            x, row = left, row + 1
        out.append((x, w, row))
        x += w + 8
    return out


def bar_rows(items: Sequence[tuple[str, float]], *, title: str, desc: str,
             value_format: Callable[[float], str], width: int = 640,
             row_height: int = 22) -> Markup:
    """Diverging horizontal bars (label, signed value): what pushes a risk up or down."""
    uid = next(_ids)
    height = row_height * max(len(items), 1) + 8
    label_w, value_w = 280, 64
    mid = label_w + (width - label_w - value_w) / 2
    half = (width - label_w - value_w) / 2 - 4
    top = max((abs(v) for _, v in items), default=0) or 1
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="b{uid}t b{uid}d" xmlns="http://www.w3.org/2000/svg">'
             f'<title id="b{uid}t">{escape(title)}</title><desc id="b{uid}d">{escape(desc)}'
             f'</desc><line x1="{mid}" x2="{mid}" y1="0" y2="{height}" class="zero"/>']
    for i, (label, v) in enumerate(items):
        y = 4 + i * row_height
        w = abs(v) / top * half
        x = mid if v >= 0 else mid - w
        cls = "up" if v >= 0 else "down"
        short = label if len(label) <= 44 else label[:43] + "…"
        parts.append(f'<g class="{cls}"><text x="{label_w - 6}" y="{y + 15}" '
                     f'text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" '
                     f'height="{row_height - 8}"/><text x="{width - 4}" y="{y + 15}" '
                     f'text-anchor="end" class="val">{escape(value_format(v))}</text>'
                     f'<title>{escape(label)}: {escape(value_format(v))}</title></g>')
    parts.append("</svg>")
    return Markup("".join(parts))

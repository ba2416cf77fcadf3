"""Server-side SVG charts for the PDF reports and the portal dashboard: plain functions returning SVG markup.

This is the one module that draws charts: the dashboard and the PDFs call the same functions.
Every label goes through `html.escape`, so the returned markup is safe to insert with `|safe`
(or `mark_safe`) even when labels come from users. No scripts, no styles, no external references
(the portal's strict CSP allows none); each chart is `role="img"` with its title as label, and the
pages print the same figures as a table.
"""

from __future__ import annotations

import base64
import math
from html import escape

STATUS_COLORS = {
    "met": "#2e7d32",
    "partially_met": "#f9a825",
    "not_met": "#c62828",
    "waived": "#6a1b9a",
    "not_applicable": "#9e9e9e",
}
PALETTE = ["#1565c0", "#2e7d32", "#f9a825", "#c62828", "#6a1b9a", "#00838f", "#9e9e9e"]
FONT = 'font-family="DejaVu Sans, sans-serif"'


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(items: list[tuple[str, float]], *, title: str = "", width: int = 480, bar_height: int = 16) -> str:
    """Horizontal bars, one per (label, value), with the value printed after each bar."""
    label_width, gap, top = 150, 6, 24 if title else 4
    height = top + len(items) * (bar_height + gap) + 4
    largest = max((value for _, value in items), default=0) or 1
    span = width - label_width - 50
    parts = [_open(width, height, title)]
    if title:
        parts.append(f'<text x="0" y="14" font-size="11" font-weight="bold" {FONT}>{escape(title)}</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * (bar_height + gap)
        length = span * value / largest
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 6}" y="{_num(y + bar_height * 0.75)}" font-size="9" text-anchor="end" {FONT}>'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{_num(length)}" height="{bar_height}" fill="{color}"/>'
            f'<text x="{_num(label_width + length + 4)}" y="{_num(y + bar_height * 0.75)}" font-size="9" {FONT}>'
            f"{escape(_num(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    rows: list[tuple[str, dict[str, float]]],
    *,
    segments: list[tuple[str, str]],
    title: str = "",
    width: int = 520,
    bar_height: int = 14,
) -> str:
    """One horizontal bar per row, split into segments (key, label) in the given order, with a legend."""
    label_width, gap, top = 110, 4, 24 if title else 4
    legend_y = top + len(rows) * (bar_height + gap) + 6
    height = legend_y + 18 * math.ceil(len(segments) / max(1, width // 130))
    totals = [sum(values.get(key, 0) for key, _ in segments) for _, values in rows]
    largest = max(totals, default=0) or 1
    span = width - label_width - 10
    parts = [_open(width, height, title)]
    if title:
        parts.append(f'<text x="0" y="14" font-size="11" font-weight="bold" {FONT}>{escape(title)}</text>')
    for index, (label, values) in enumerate(rows):
        y = top + index * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{_num(y + bar_height * 0.8)}" font-size="8" text-anchor="end" {FONT}>'
            f"{escape(str(label))}</text>"
        )
        x = float(label_width)
        for key, _ in segments:
            length = span * values.get(key, 0) / largest
            if length > 0:
                parts.append(
                    f'<rect x="{_num(x)}" y="{y}" width="{_num(length)}" height="{bar_height}" '
                    f'fill="{_color(key, segments)}"/>'
                )
                x += length
    parts.append(_legend(segments, legend_y, columns=max(1, width // 130)))
    parts.append("</svg>")
    return "".join(parts)


def donut_chart(values: dict[str, float], *, segments: list[tuple[str, str]], title: str = "", size: int = 160) -> str:
    """A donut of the values by segment (key, label), with the total in the middle and a legend below."""
    total = sum(values.get(key, 0) for key, _ in segments)
    radius, stroke = size / 2 - 14, 22
    top = 18 if title else 0
    cx, cy = size / 2, top + size / 2
    circumference = 2 * math.pi * radius
    height = top + size + 18 * math.ceil(len(segments) / 2) + 4
    parts = [_open(max(size, 260), height, title)]
    if title:
        parts.append(f'<text x="0" y="12" font-size="11" font-weight="bold" {FONT}>{escape(title)}</text>')
    parts.append(
        f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius)}" fill="none" stroke="#eeeeee" '
        f'stroke-width="{stroke}"/>'
    )
    offset = 0.0
    for key, _ in segments:
        value = values.get(key, 0)
        if total and value:
            length = circumference * value / total
            parts.append(
                f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(radius)}" fill="none" '
                f'stroke="{_color(key, segments)}" '
                f'stroke-width="{stroke}" stroke-dasharray="{_num(length)} {_num(circumference - length)}" '
                f'stroke-dashoffset="{_num(-offset)}" transform="rotate(-90 {_num(cx)} {_num(cy)})"/>'
            )
            offset += length
    parts.append(
        f'<text x="{_num(cx)}" y="{_num(cy + 5)}" font-size="14" text-anchor="middle" {FONT}>'
        f"{escape(_num(total))}</text>"
    )
    parts.append(_legend(segments, top + size + 4, values=values, columns=2))
    parts.append("</svg>")
    return "".join(parts)


def stacked_column_chart(
    categories: list[str],
    series: list[tuple[str, str, list[float]]],
    *,
    title: str = "",
    width: int = 520,
    height: int = 220,
) -> str:
    """Vertical columns, one per category (e.g. a week), stacked from series of (name, colour, values)."""
    left, bottom, top = 32, 22, 24 if title else 4
    legend_y = height - 14
    plot_height = height - top - bottom - 18
    totals = [sum(values[i] for _, _, values in series) for i in range(len(categories))]
    largest = max(totals, default=0) or 1
    slot = (width - left) / max(1, len(categories))
    column = slot * 0.6
    base = top + plot_height
    parts = [_open(width, height, title)]
    if title:
        parts.append(f'<text x="0" y="14" font-size="11" font-weight="bold" {FONT}>{escape(title)}</text>')
    parts.append(
        f'<line x1="{left}" y1="{_num(base)}" x2="{width}" y2="{_num(base)}" stroke="#71767a" stroke-width="1"/>'
        f'<text x="{left - 4}" y="{top + 8}" font-size="9" text-anchor="end" {FONT}>{escape(_num(largest))}</text>'
        f'<text x="{left - 4}" y="{_num(base)}" font-size="9" text-anchor="end" {FONT}>0</text>'
    )
    for index, category in enumerate(categories):
        x, y = left + index * slot + (slot - column) / 2, base
        for _, color, values in series:
            size = plot_height * values[index] / largest
            y -= size
            if values[index]:
                parts.append(
                    f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(column)}" height="{_num(size)}" '
                    f'fill="{escape(color)}"/>'
                )
        parts.append(
            f'<text x="{_num(x + column / 2)}" y="{_num(base + 12)}" font-size="9" text-anchor="middle" {FONT}>'
            f"{escape(str(category))}</text>"
        )
    for position, (name, color, _) in enumerate(series):
        x = position * 130
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{escape(color)}"/>'
            f'<text x="{x + 14}" y="{legend_y + 9}" font-size="9" {FONT}>{escape(str(name))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: float, height: float, title: str) -> str:
    label = f' aria-label="{escape(title)}"' if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img"{label}>'
    )


def _color(key: str, segments: list[tuple[str, str]]) -> str:
    if key in STATUS_COLORS:
        return STATUS_COLORS[key]
    return PALETTE[[k for k, _ in segments].index(key) % len(PALETTE)]


def _legend(segments: list[tuple[str, str]], y: float, *, values: dict | None = None, columns: int = 5) -> str:
    parts = []
    for index, (key, label) in enumerate(segments):
        column, row = index % columns, index // columns
        x, ty = column * 130, y + row * 18
        text = f"{label} ({_num(values.get(key, 0))})" if values is not None else label
        parts.append(
            f'<rect x="{x}" y="{_num(ty)}" width="10" height="10" fill="{_color(key, segments)}"/>'
            f'<text x="{x + 14}" y="{_num(ty + 9)}" font-size="8" {FONT}>{escape(str(text))}</text>'
        )
    return "".join(parts)


# Text alternatives. A tagged (PDF/UA) report needs a figure with its alternative text: WeasyPrint tags an
# inline <svg> as a Figure without one, so the PDF embeds each chart as an <img> whose alt states its figures.


def describe_values(title: str, values: list[tuple[str, float]]) -> str:
    """'Title: Label 3, Other 1.' — the figures of a bar or donut chart, in its order."""
    figures = ", ".join(f"{label} {_num(value)}" for label, value in values)
    return f"{title}: {figures or 'no data'}."


def describe_rows(title: str, rows: list[tuple[str, dict[str, float]]], *, segments: list[tuple[str, str]]) -> str:
    """'Title: Row A: Met 2, Not met 1; Row B: ...' — the figures of a stacked bar chart, zero segments left out."""
    described = []
    for label, values in rows:
        figures = ", ".join(f"{name} {_num(values[key])}" for key, name in segments if values.get(key))
        described.append(f"{label}: {figures or 'none'}")
    return f"{title}: {'; '.join(described) or 'no data'}."


def as_image(svg: str, *, alt: str) -> str:
    """The chart as an <img> with a data: URL and its text alternative, for the tagged PDF."""
    encoded = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img class="chart" alt="{escape(alt)}" src="data:image/svg+xml;base64,{encoded}">'

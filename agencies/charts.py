"""Server-side SVG charts for the portal dashboard (and, later, the PDF reports).

Plain functions that return an SVG string. Every label and value is escaped before it goes
into the markup, and each chart carries a <title> and <desc> so screen readers announce it;
the pages also print the same figures as a table.
"""

from __future__ import annotations

from html import escape

# USWDS system colours with at least 3:1 contrast against white (WCAG 1.4.11).
BAR_COLOR = "#005ea2"
TEXT_COLOR = "#1b1b1b"
AXIS_COLOR = "#71767a"
FONT = 'font-family="Source Sans Pro Web, Helvetica Neue, Arial, sans-serif" font-size="14"'


def _svg(*, width: int, height: int, title: str, desc: str, body: list[str], chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" class="registry-chart">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def bar_chart(*, title: str, data: list[tuple[str, int]], chart_id: str, width: int = 560) -> str:
    """Horizontal bars, one per (label, count), scaled to the largest count."""
    label_width, row, gap = 150, 26, 8
    height = max(1, len(data)) * (row + gap) + gap
    top = max((count for _, count in data), default=0) or 1
    bar_room = width - label_width - 60
    body = []
    for index, (label, count) in enumerate(data):
        y = gap + index * (row + gap)
        length = round(bar_room * count / top)
        body.append(
            f'<text x="{label_width - 8}" y="{y + row * 0.7:.1f}" text-anchor="end" fill="{TEXT_COLOR}" {FONT}>'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{row}" fill="{BAR_COLOR}">'
            f"<title>{escape(str(label))}: {int(count)}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + row * 0.7:.1f}" fill="{TEXT_COLOR}" {FONT}>'
            f"{int(count)}</text>"
        )
    if not data:
        body.append(f'<text x="8" y="24" fill="{TEXT_COLOR}" {FONT}>No data yet.</text>')
    desc = "; ".join(f"{label}: {int(count)}" for label, count in data) or "No data yet."
    return _svg(width=width, height=height, title=title, desc=desc, body=body, chart_id=chart_id)


def stacked_column_chart(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, str, list[int]]],
    chart_id: str,
    width: int = 560,
    height: int = 240,
) -> str:
    """Columns per category (e.g. a week), each stacked from series of (name, colour, counts)."""
    left, bottom, legend = 40, 40, 28
    plot_height = height - bottom - legend
    totals = [sum(values[i] for _, _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    slot = (width - left) / max(1, len(categories))
    column = slot * 0.6
    body = [
        f'<line x1="{left}" y1="{legend + plot_height}" x2="{width}" y2="{legend + plot_height}" '
        f'stroke="{AXIS_COLOR}" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{legend + 12}" text-anchor="end" fill="{TEXT_COLOR}" {FONT}>{top}</text>',
        f'<text x="{left - 6}" y="{legend + plot_height}" text-anchor="end" fill="{TEXT_COLOR}" {FONT}>0</text>',
    ]
    for position, (name, color, _) in enumerate(series):
        x = left + position * 120
        body.append(
            f'<rect x="{x}" y="6" width="14" height="14" fill="{escape(color)}"/>'
            f'<text x="{x + 20}" y="18" fill="{TEXT_COLOR}" {FONT}>{escape(name)}</text>'
        )
    for index, category in enumerate(categories):
        x = left + index * slot + (slot - column) / 2
        y = legend + plot_height
        for name, color, values in series:
            size = plot_height * values[index] / top
            y -= size
            if values[index]:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{size:.1f}" fill="{escape(color)}">'
                    f"<title>{escape(category)}: {values[index]} {escape(name.lower())}</title></rect>"
                )
        body.append(
            f'<text x="{x + column / 2:.1f}" y="{legend + plot_height + 18}" text-anchor="middle" '
            f'fill="{TEXT_COLOR}" {FONT}>{escape(category)}</text>'
        )
    if not any(totals):
        body.append(
            f'<text x="{left + 8}" y="{legend + plot_height / 2:.1f}" fill="{TEXT_COLOR}" {FONT}>Nothing yet.</text>'
        )
    desc = "; ".join(
        f"{category}: " + ", ".join(f"{values[i]} {name.lower()}" for name, _, values in series)
        for i, category in enumerate(categories)
    )
    return _svg(width=width, height=height, title=title, desc=desc or "No data yet.", body=body, chart_id=chart_id)

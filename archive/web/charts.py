"""Charts drawn on the server as inline SVG: no script, no library, readable offline.

Every label is escaped (months and days come from archived pages' dates); numbers are
formatted here. A chart is a ``Markup`` string the templates insert as is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape


def bar_chart(points: Sequence[tuple[str, int]], *, width: int = 640, height: int = 120,
              label: str = "", link: Callable[[str], str] | None = None) -> Markup:
    """Vertical bars, one per (label, count), in the given order.

    Args:
        points: x labels (e.g. ``2024-05``) and counts.
        label: what the chart shows, for screen readers and the tooltip title.
        link: the URL for an x label, making each bar a link.
    """
    if not points:
        return Markup('<p class="muted">nothing to chart</p>')
    top = max(c for _, c in points) or 1
    pad_bottom, pad_top = 18, 16
    inner = height - pad_bottom - pad_top
    step = width / len(points)
    bar = max(step - 1.0, 1.0)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(label)}">']
    for i, (name, count) in enumerate(points):
        h = inner * count / top
        x, y = i * step, pad_top + inner - h
        rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(h, 0.5):.1f}">'
                f"<title>{escape(name)}: {count:,}</title></rect>")
        if link is not None:
            rect = f'<a href="{escape(link(name))}">{rect}</a>'
        parts.append(rect)
    # first and last x labels, and the maximum
    parts.append(f'<text x="0" y="{height - 4}" class="axis">{escape(points[0][0])}</text>')
    if len(points) > 1:
        parts.append(f'<text x="{width}" y="{height - 4}" class="axis" text-anchor="end">'
                     f"{escape(points[-1][0])}</text>")
    parts.append(f'<text x="{width}" y="12" class="axis" text-anchor="end">max {top:,}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(points: Sequence[tuple[str, int]], *, width: int = 160, height: int = 28,
              label: str = "") -> Markup:
    """A small bar strip of counts over time (labels in the tooltip only); a single
    point still shows as one bar."""
    if not points:
        return Markup("")
    top = max(c for _, c in points) or 1
    step = min(width / len(points), 12.0)
    bar = max(step - 1.0, 1.0)
    first, last = points[0][0], points[-1][0]
    total = sum(c for _, c in points)
    title = f"{label}: {total:,} from {first} to {last}, most {top:,}"
    bars = "".join(
        f'<rect x="{i * step:.1f}" y="{height - 1 - (height - 2) * c / top:.1f}" '
        f'width="{bar:.1f}" height="{max((height - 2) * c / top, 1):.1f}"/>'
        for i, (_, c) in enumerate(points))
    return Markup(f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
                  f'height="{height}" role="img" aria-label="{escape(title)}">'
                  f"<title>{escape(title)}</title>{bars}</svg>")


def timeline(events: Sequence[tuple[str, str, str]], *, width: int = 640,
             row: int = 22) -> Markup:
    """Events on a time axis, one row each: (ISO time, label, link).

    Times are placed by their position between the first and the last (ISO strings of
    one format sort and compare as times do).
    """
    if not events:
        return Markup("")
    from datetime import datetime

    def seconds(text: str) -> float:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0

    times = [seconds(t) for t, _, _ in events]
    lo, hi = min(times), max(times)
    span = (hi - lo) or 1.0
    left, right = 8, 200
    height = row * len(events) + 24
    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="timeline">',
             f'<line x1="{left}" y1="{height - 16}" x2="{width - right}" y2="{height - 16}" '
             'class="axis-line"/>']
    for i, ((when, text, href), t) in enumerate(zip(events, times, strict=True)):
        x = left + (width - right - left) * (t - lo) / span
        y = 12 + i * row
        parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{height - 16}" '
                     'class="tick"/>')
        parts.append(f'<a href="{escape(href)}"><circle cx="{x:.1f}" cy="{y}" r="5">'
                     f"<title>{escape(when)}: {escape(text)}</title></circle>"
                     f'<text x="{width - right + 8}" y="{y + 4}" class="label">'
                     f"{escape(text[:28])}</text></a>")
    parts.append(f'<text x="{left}" y="{height - 2}" class="axis">{escape(events[0][0][:10])}'
                 "</text>")
    parts.append(f'<text x="{width - right}" y="{height - 2}" class="axis" text-anchor="end">'
                 f"{escape(events[-1][0][:10])}</text></svg>")
    return Markup("".join(parts))

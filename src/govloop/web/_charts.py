"""Server-side SVG charts: horizontal bars and a line, small enough to read and to test.

Pages must work without JavaScript, so charts are drawn here as inline SVG. Every label goes
through :func:`html.escape` (labels come from filings and complaints, which outsiders write);
text uses the same CJK-capable font stack as the style sheet, so Chinese category names render.
Each chart carries ``role="img"`` and a ``<title>`` for screen readers, and a chart with no data
says so instead of drawing empty axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

FONT = (
    "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Source Han Sans SC', "
    "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
"""Font stack of chart text (CJK fonts before the generic family)."""
PALETTE = ("#2f6db5", "#d9822b", "#3a9b5c", "#b5443a", "#7a5fb5", "#4a9fb0", "#a08a2e")
"""Bar colours, cycled."""
_ROW = 28
MAX_LABEL_PX = 220
"""Widest label column; longer labels are cut with an ellipsis."""
_WIDTH = 520


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _text_width(label: str) -> int:
    """A rough width in pixels at 12px: CJK characters are about twice as wide."""
    return sum(14 if ord(ch) > 0x2E80 else 8 for ch in label)


def _fit(label: str, width: int) -> str:
    """``label`` cut with an ellipsis to about ``width`` pixels (the full text is in a title)."""
    if _text_width(label) <= width:
        return label
    out, used = "", 8
    for ch in label:
        used += _text_width(ch)
        if used > width:
            break
        out += ch
    return out + "…"


def _empty(title: str, message: str) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} 60" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{escape(FONT)}">'
        f"<title>{escape(title)}</title>"
        f'<text x="10" y="35" font-size="14" fill="#666">{escape(message)}</text></svg>'
    )


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    empty: str = "no data yet",
) -> Markup:
    """Horizontal bars, one row per ``(label, value)``, values printed at the bar ends."""
    if not items:
        return _empty(title, empty)
    label_w = min(MAX_LABEL_PX, max(_text_width(label) for label, _ in items) + 16)
    top = max(max(v for _, v in items), 0)
    scale = (_WIDTH - label_w - 70) / top if top > 0 else 0.0
    height = _ROW * len(items) + 10
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{escape(FONT)}" font-size="14">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * _ROW
        w = max(value, 0) * scale
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="#222">'
            f"<title>{escape(label)}</title>{escape(_fit(label, label_w - 16))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{_ROW - 8}" '
            f'fill="{colour}" rx="2"><title>{escape(label)}: {_fmt(value)}{escape(unit)}</title>'
            f"</rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="#222">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    title: str,
    points: Sequence[tuple[str, float]],
    *,
    y_max: float | None = None,
    unit: str = "",
    empty: str = "no data yet",
) -> Markup:
    """A line through ``(x label, value)`` points in order, with a dot and value at each."""
    if not points:
        return _empty(title, empty)
    height, left, right, top_pad, bottom = 220, 50, 20, 20, 40
    values = [v for _, v in points]
    high = y_max if y_max is not None else max(max(values), 1e-9)
    plot_w = _WIDTH - left - right
    plot_h = height - top_pad - bottom
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0.0

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        y = top_pad + plot_h - (min(max(v, 0), high) / high) * plot_h
        return x, y

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{escape(FONT)}" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{_WIDTH - right}" '
        f'y2="{top_pad + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" fill="#555">'
        f"{_fmt(high)}{escape(unit)}</text>",
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" fill="#555">0</text>',
    ]
    coords = [xy(i, v) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    every = max(1, len(points) // 8)
    for i, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" fill="#222">'
            f"{_fmt(value)}</text>"
        )
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
                f'fill="#555">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))

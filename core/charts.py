"""Charts drawn as SVG on the server (for PDFs, which run no script, and pages that want no JS).

``radar_svg(axes, *, size=…)`` draws a radar of ``axes`` — ``(label, value, maximum)`` with
``Decimal``/int values — as one ``<svg>`` string: grid rings at 25/50/75/100 %, one spoke and
label per axis, the values' polygon. Each value is drawn as its share of its own maximum (0–100 %),
so dimensions of different weight compare. Labels are escaped; nothing else in the SVG comes
from data. Fewer than three axes draw as a bar list instead (a radar needs three).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape

#: The font of chart labels (SVG text does not inherit the page's font in WeasyPrint).
FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"


def _ratio(value, maximum) -> Decimal:
    """The value's exact share of its maximum, clamped to 0–1."""
    if not maximum:
        return Decimal(0)
    return max(Decimal(0), min(Decimal(1), Decimal(value) / Decimal(maximum)))


def _percent(value, maximum) -> int:
    """The share as a whole percent, rounded half-up from the exact decimal (what the label says)."""
    return int((_ratio(value, maximum) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _share(value, maximum) -> float:
    """The share as a float for drawing only: SVG coordinates, not a figure anyone reads."""
    return float(_ratio(value, maximum))


def radar_svg(axes: list[tuple[str, object, object]], *, size: int = 300, title: str = "") -> str:
    """The radar as an SVG string (see the module)."""
    n = len(axes)
    if n < 3:
        return _bars_svg(axes, size=size, title=title)
    centre = size / 2
    radius = size * 0.32
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="{escape(title)}" class="chart-radar">'
    ]

    def point(i: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return centre + radius * share * math.cos(angle), centre + radius * share * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#c8d0da" stroke-width="0.8"/>')
    for i, (label, value, maximum) in enumerate(axes):
        x, y = point(i, 1.0)
        parts.append(
            f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c8d0da" stroke-width="0.8"/>'
        )
        lx, ly = point(i, 1.22)
        anchor = "middle" if abs(lx - centre) < size * 0.05 else ("start" if lx > centre else "end")
        percent = _percent(value, maximum)
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" font-family="{FONT}" text-anchor="{anchor}" dominant-baseline="middle">'
            f"{escape(label)} {percent}%</text>"
        )
    shape = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (point(i, _share(v, m)) for i, (_l, v, m) in enumerate(axes))
    )
    parts.append(
        f'<polygon points="{shape}" fill="#1f6feb" fill-opacity="0.25" stroke="#1f6feb" stroke-width="1.6"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _bars_svg(axes, *, size: int, title: str) -> str:
    height = 28 * max(1, len(axes)) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height}" width="{size}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart-bars">'
    ]
    for i, (label, value, maximum) in enumerate(axes):
        share = _share(value, maximum)
        y = 8 + 28 * i
        parts.append(f'<rect x="0" y="{y}" width="{size * 0.6:.1f}" height="14" fill="#eef2f6"/>')
        parts.append(f'<rect x="0" y="{y}" width="{size * 0.6 * share:.1f}" height="14" fill="#1f6feb"/>')
        parts.append(
            f'<text x="{size * 0.62:.1f}" y="{y + 11}" font-size="11" font-family="{FONT}">{escape(label)} {_percent(value, maximum)}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

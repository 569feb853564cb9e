"""Charts as plain SVG, drawn on the server.

The same functions draw the charts of the PDF (WeasyPrint renders inline SVG) and of the
home page dashboards (where a bar may link to the filtered case list). No JavaScript, no
fonts other than DejaVu Sans, so the output looks the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "DejaVu Sans, sans-serif"
COLORS = ("#0b5cad", "#d9822b", "#5b8c3a", "#8e44ad", "#b3261e")
INK = "#1d2733"
MUTED = "#5d6b7a"
GRID = "#d8dee4"
CHAR_WIDTH = 0.58  # DejaVu Sans: average advance per em, enough to fit labels


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: suppressed, drawn as a mark without a bar
    href: str | None = None
    mark: str = "—"  # shown instead of a withheld value ("<5" for a small count)

    @property
    def text(self) -> str:
        return self.mark if self.value is None else _fmt(self.value)


def _fmt(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", " ")


def _fit(text: str, width: float, size: float) -> str:
    """Shorten text to about width pixels at font size size."""
    most = max(3, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _nice_max(value: int) -> tuple[int, int]:
    """A round axis maximum above value and the step of its grid lines."""
    if value <= 0:
        return 1, 1
    exponent = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * exponent / 2 if factor * exponent / 2 >= 1 else 1
        top = math.ceil(value / step) * step
        if top / step <= 6:
            return int(top), int(step) or 1
    return int(value), int(value)


def _link(svg: str, href: str | None, label: str) -> str:
    if not href:
        return svg
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{svg}</a>'


def _open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'font-family="{FONT}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def horizontal_bars(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 640,
    label_width: int = 220,
    bar_height: int = 16,
    color: str = COLORS[0],
) -> SafeString:
    """One bar per row, labels on the left: counties, concerns, risk levels."""
    gap = 6
    font = 11
    top = 4
    value_room = 60
    height = top + len(bars) * (bar_height + gap) + 4
    plot = width - label_width - value_room
    highest = max((b.value or 0 for b in bars), default=0) or 1
    if not bars:
        return mark_safe(_empty(width, title))  # noqa: S308 - built from escaped parts
    parts = [_open(width, height, title)]
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = 0 if bar.value is None else max(1.0, plot * bar.value / highest)
        if bar.value == 0:
            length = 0
        text_y = y + bar_height / 2 + font * 0.35
        piece = (
            f'<text x="{label_width - 6}" y="{text_y:.1f}" font-size="{font}" '
            f'text-anchor="end" fill="{INK}">{escape(_fit(bar.label, label_width - 8, font))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{color}"><title>{escape(bar.label)}: {bar.text}</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{text_y:.1f}" font-size="{font}" '
            f'fill="{INK}">{bar.text}</text>'
        )
        parts.append(_link(piece, bar.href, f"{bar.label}: {bar.text}"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def columns(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    color: str = COLORS[0],
) -> SafeString:
    """A vertical bar per period, for a time series (registrations per month)."""
    if not bars:
        return mark_safe(_empty(width, title))  # noqa: S308
    font = 10
    left, right, top, bottom = 44, 8, 10, 40
    plot_w = width - left - right
    plot_h = height - top - bottom
    highest, step = _nice_max(max((b.value or 0 for b in bars), default=0))
    parts = [_open(width, height, title)]
    parts.extend(_y_grid(left, top, plot_w, plot_h, highest, step, font))
    slot = plot_w / len(bars)
    bar_w = max(1.0, slot * 0.72)
    # Label every n-th column so that the labels never overlap.
    longest = max(len(b.label) for b in bars) + 2
    every = max(1, math.ceil(len(bars) * longest * font * CHAR_WIDTH / plot_w))
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        h = 0 if not bar.value else plot_h * bar.value / highest
        y = top + plot_h - h
        piece = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(bar.label)}: {bar.text}</title></rect>"
        )
        if bar.value is None:
            piece += (
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="{font - 2}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(bar.mark)}</text>'
            )
        elif len(bars) <= 14:
            piece += (
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="{font - 1}" '
                f'text-anchor="middle" fill="{INK}">{bar.text}</text>'
            )
        parts.append(_link(piece, bar.href, f"{bar.label}: {bar.text}"))
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" font-size="{font}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def grouped_columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Bar]]],
    *,
    title: str,
    width: int = 640,
    height: int = 230,
) -> SafeString:
    """Columns grouped by category, one colour per series (children by age group and sex)."""
    if not categories or not series:
        return mark_safe(_empty(width, title))  # noqa: S308
    font = 11
    left, right, top, bottom = 44, 8, 36, 24
    plot_w = width - left - right
    plot_h = height - top - bottom
    values = [b.value or 0 for _name, bars in series for b in bars]
    highest, step = _nice_max(max(values, default=0))
    parts = [_open(width, height, title)]
    # Legend on top.
    x = left
    for k, (name, _bars) in enumerate(series):
        color = COLORS[k % len(COLORS)]
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{color}"/>'
            f'<text x="{x + 16}" y="14" font-size="{font}" fill="{INK}">{escape(name)}</text>'
        )
        x += 16 + len(name) * font * CHAR_WIDTH + 18
    parts.extend(_y_grid(left, top, plot_w, plot_h, highest, step, font - 1))
    slot = plot_w / len(categories)
    inner = slot * 0.8
    bar_w = inner / len(series)
    for c, category in enumerate(categories):
        x0 = left + c * slot + (slot - inner) / 2
        for k, (name, bars) in enumerate(series):
            bar = bars[c]
            h = 0 if not bar.value else plot_h * bar.value / highest
            x = x0 + k * bar_w
            y = top + plot_h - h
            piece = (
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{COLORS[k % len(COLORS)]}"><title>{escape(category)}, {escape(name)}: '
                f"{bar.text}</title></rect>"
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="{font - 1}" '
                f'text-anchor="middle" fill="{INK}">{bar.text}</text>'
            )
            parts.append(_link(piece, bar.href, f"{category}, {name}: {bar.text}"))
        parts.append(
            f'<text x="{left + c * slot + slot / 2:.1f}" y="{top + plot_h + 16}" '
            f'font-size="{font}" text-anchor="middle" fill="{MUTED}">{escape(category)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def _y_grid(left, top, plot_w, plot_h, highest, step, font) -> list[str]:
    lines = []
    for value in range(0, highest + 1, step):
        y = top + plot_h - plot_h * value / highest
        lines.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + font * 0.35:.1f}" font-size="{font}" '
            f'text-anchor="end" fill="{MUTED}">{_fmt(value)}</text>'
        )
    return lines


def _empty(width: int, title: str) -> str:
    return (
        _open(width, 30, title) + f'<text x="4" y="18" font-size="11" fill="{MUTED}">'
        f"{escape(_('No data'))}</text></svg>"
    )

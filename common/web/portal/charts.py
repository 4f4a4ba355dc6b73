"""Line charts as inline SVG, drawn on the server (no script, no chart library).

The value axis is scaled with the weekly report's `trends.y_limits` (the data's range, padded,
kept within a floor and ceiling), so a chart here and in the PDF frame the same points. Colours
come from the stylesheet (classes s0…s5, each also dashed differently so that colour is not the
only cue); every point carries a <title> for screen readers and hover, and the template shows
the same numbers as a table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from common.services.reports.trends import y_limits

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 14, 44
SERIES_STYLES = 6
Y_TICKS = 6  # at most this many value labels
X_TICKS = 6


@dataclass
class Chart:
    """A drawn chart: the SVG, its legend and the points as table rows."""

    svg: Markup
    legend: list[tuple[str, int]] = field(default_factory=list)  # (series, style index)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (series, x, y)


def _ticks(lo: float, hi: float, count: int) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) inside [lo, hi]."""
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw), 10 * power)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1)]


def _runs(points: list[tuple[date, float]], gap_days: int | None) -> list[list]:
    """The points split where more than `gap_days` separate two of them: a week left out of
    a trend (too few lines) is a gap in the line, not a straight segment across it."""
    runs: list[list] = [[]]
    for point in points:
        if runs[-1] and gap_days is not None and (point[0] - runs[-1][-1][0]).days > gap_days:
            runs.append([])
        runs[-1].append(point)
    return runs


def _x_ticks(days: list[date], count: int) -> list[date]:
    if len(days) <= count:
        return days
    step = (len(days) - 1) / (count - 1)
    return [days[round(i * step)] for i in range(count)]


def line_chart(
    series: dict[str, list[tuple[date, float]]],
    *,
    title: str,
    y_label: str,
    y_format: Callable[[float], str],
    floor: float | None = 0.0,
    ceiling: float | None = None,
    min_span: float = 1.0,
    x_label: str = "week starting (Monday)",
    gap_days: int | None = 7,
) -> Chart | None:
    """One line per series over dates; None when there is no point to draw."""
    drawn = {name: sorted(points) for name, points in series.items() if points}
    values = [y for points in drawn.values() for _, y in points]
    limits = y_limits(values, floor=floor, ceiling=ceiling, min_span=min_span)
    if limits is None:
        return None
    lo, hi = limits
    days = sorted({x for points in drawn.values() for x, _ in points})
    first, last = days[0].toordinal(), days[-1].toordinal()
    if first == last:  # one week: centre it
        first, last = first - 7, last + 7
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(day: date) -> float:
        return LEFT + (day.toordinal() - first) / (last - first) * plot_w

    def sy(value: float) -> float:
        return TOP + (hi - value) / (hi - lo) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(lo, hi, Y_TICKS):
        y = sy(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')  # fmt: skip
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{escape(y_format(tick))}</text>")  # fmt: skip
    base = HEIGHT - BOTTOM
    for day in _x_ticks(days, X_TICKS):
        x = sx(day)
        # Labels at the plot's ends are anchored inwards so that they are never cut off.
        anchor = "end" if x > WIDTH - RIGHT - 20 else "start" if x < LEFT + 20 else "middle"
        parts.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{base + 17}" text-anchor="{anchor}">'
                     f"{day:%b %-d}</text>")  # fmt: skip
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{base}"/>')
    parts.append(f'<text class="label" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')  # fmt: skip
    parts.append(f'<text class="label" transform="translate(14 {TOP + plot_h / 2:.0f}) '
                 f'rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')  # fmt: skip
    chart = Chart(Markup(""))
    for index, (name, points) in enumerate(drawn.items()):
        style = index % SERIES_STYLES
        chart.legend.append((name, style))
        for run in _runs(points, gap_days):
            coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in run)
            parts.append(f'<polyline class="line s{style}" points="{coords}"/>')
        for x, y in points:
            label = f"{name}, week of {x.isoformat()}: {y_format(y)}"
            chart.rows.append((name, x.isoformat(), y_format(y)))
            parts.append(f'<circle class="dot s{style}" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3">'
                         f"<title>{escape(label)}</title></circle>")  # fmt: skip
    parts.append("</svg>")
    # Every interpolated text above went through escape(); numbers are formatted floats.
    chart.svg = Markup("".join(parts))  # noqa: S704  # nosec B704 - every text escape()d above
    return chart

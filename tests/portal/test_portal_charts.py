"""The server-side SVG charts: axes scaled to the data (the weekly report's y_limits), round
tick values, gaps where the week trimming left weeks out, and escaped labels."""

from __future__ import annotations

import re
from datetime import date, timedelta

from common.services.reports.trends import y_limits
from common.web.portal.charts import _ticks, line_chart
from common.web.portal.render import pct

MONDAY = date(2026, 6, 1)


def _weeks(values):
    return [(MONDAY + timedelta(weeks=i), v) for i, v in enumerate(values) if v is not None]


def test_nothing_to_draw_is_none():
    assert line_chart({}, title="t", y_label="y", y_format=str) is None
    assert line_chart({"Aetna": []}, title="t", y_label="y", y_format=str) is None


def test_the_value_axis_is_the_reports_and_its_ticks_are_round():
    values = [0.08, 0.11, 0.09, 0.31]
    chart = line_chart(
        {"Cigna": _weeks(values)},
        title="Denial rate",
        y_label="denial rate",
        y_format=lambda y: pct(y, 1),
        floor=0.0,
        ceiling=1.0,
        min_span=0.05,
    )
    lo, hi = y_limits(values, floor=0.0, ceiling=1.0, min_span=0.05)
    ticks = [
        float(t.rstrip("%")) / 100
        for t in re.findall(r'text-anchor="end">([\d.]+%)<', str(chart.svg))
    ]
    assert ticks and all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks)
    assert ticks == sorted(ticks) and len(set(ticks)) == len(ticks)
    assert "denial rate" in str(chart.svg) and "week starting (Monday)" in str(chart.svg)
    assert [row[2] for row in chart.rows] == ["8.0%", "11.0%", "9.0%", "31.0%"]
    assert _ticks(10, 35, 6) == [10, 15, 20, 25, 30, 35]


def test_a_week_left_out_breaks_the_line():
    chart = line_chart(
        {"Aetna": _weeks([0.1, 0.12, None, None, 0.11, 0.13])}, title="t", y_label="y", y_format=str
    )
    assert str(chart.svg).count("<polyline") == 2
    joined = line_chart(
        {"Aetna": _weeks([0.1, 0.12, None, 0.11])},
        title="t",
        y_label="y",
        y_format=str,
        gap_days=None,
    )
    assert str(joined.svg).count("<polyline") == 1


def test_names_are_escaped_and_series_get_their_own_style():
    chart = line_chart(
        {"<b>Evil & Co</b>": _weeks([1.0, 2.0]), "Aetna": _weeks([3.0])},
        title="t",
        y_label="y",
        y_format=str,
    )
    svg = str(chart.svg)
    assert "<b>" not in svg and "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in svg
    assert chart.legend == [("<b>Evil & Co</b>", 0), ("Aetna", 1)]
    assert 'class="line s1"' in svg and "style=" not in svg

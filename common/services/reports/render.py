"""Render the weekly report: a CSV of the top signals and a PDF with charts (matplotlib).

Only the object-oriented matplotlib API is used (Figure + PdfPages, Agg canvas), so nothing
touches pyplot's global state or needs a display.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
import textwrap
from datetime import UTC, datetime, timedelta

from common.services.reports.data import ReportData
from common.services.reports.trends import y_limits
from common.services.signals.text import day_before, money

CSV_HEADER = (
    "rank", "product", "type", "payer", "key", "direction", "severity", "severity_label",
    "confidence", "dollars_at_risk", "baseline_value", "current_value", "delta",
    "window_start", "window_end", "as_of", "summary",
)  # fmt: skip
PAGE = (8.5, 11.0)
GREY = "#555555"


def render_csv(data: ReportData) -> bytes:
    """The top signals by dollars at risk, one row each, with CSV_HEADER; then one row per
    payer at the denied-dollars level (rank empty, type `denial_dollars_high`, direction
    `level`, current_value = the period's denied dollars, baseline_value = a typical week)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rank, s in enumerate(data.signals, 1):
        writer.writerow([rank, *(_csv(s.get(c)) for c in CSV_HEADER[1:])])
    for level in level_rows(data):
        writer.writerow([_csv(level.get(c)) for c in CSV_HEADER])
    return out.getvalue().encode()


def level_rows(data: ReportData) -> list[dict]:
    """The denied-dollars level lines, in CSV_HEADER's terms."""
    return [
        {
            "product": "denialscope",
            "type": "denial_dollars_high",
            "payer": r["payer"],
            "direction": "level",
            "baseline_value": r["typical_dollars"],
            "current_value": r["denied_dollars"],
            "delta": r["denied_dollars"] - r["typical_dollars"],
            "window_start": r["window_start"],
            "window_end": r["window_end"],
            "as_of": data.as_of,
            "summary": _level_summary(r),
        }
        for r in data.denial_dollars_high
    ]


def _level_summary(r: dict) -> str:
    return (
        f"{r['payer']} denied {money(r['denied_dollars'])} of claims ({r['denied_lines']:,} "
        f"of {r['decided_lines']:,} lines) in the 7 days to {day_before(r['window_end'])}, "
        f"at or above the {money(r['threshold'])} level; a typical week before: "
        f"{money(r['typical_dollars'])}."
    )


def _csv(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    return str(value)


def render_pdf(data: ReportData) -> bytes:
    """Four pages: summary (ledger, data quality, denied-dollars level, top-signals chart),
    the two trends, signal details."""
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    title = f"Upstream weekly report: {data.customer_name}"
    with PdfPages(buf, metadata={"Title": title, "Creator": "Upstream"}) as pdf:
        for page in (_summary_page, _denial_page, _payment_page, _details_page):
            pdf.savefig(page(data))
    return buf.getvalue()


def _figure():
    from matplotlib.figure import Figure

    return Figure(figsize=PAGE)


def _summary_page(data: ReportData):
    from matplotlib.ticker import MaxNLocator

    fig = _figure()
    fig.text(
        0.06,
        0.95,
        _safe(f"Upstream weekly report: {data.customer_name}"),
        fontsize=16,
        weight="bold",
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    period = f"{data.period_start} to {day_before(data.period_end)} (as of {data.as_of})"
    fig.text(0.06, 0.925, f"Week {period}; generated {generated}", fontsize=9, color=GREY)
    fig.text(0.06, 0.88, _safe(_ledger_text(data.ledger)), fontsize=9, va="top", family="monospace")
    fig.text(
        0.52, 0.88, _safe(_quality_text(data.quality)), fontsize=9, va="top", family="monospace"
    )
    below = _levels_block(fig, data, top=0.76) - 0.05
    top = [s for s in data.signals if s.get("dollars_at_risk")][:10][::-1]
    # The chart grows with its bars (0.045 of the page each), from just below the levels.
    height = min(below - 0.07, 0.1 + 0.045 * max(len(top), 2))
    ax = fig.add_axes((0.36, below - height, 0.56, height))
    ax.set_title("Top signals by dollars at risk", fontsize=12, loc="left")
    if not top:
        _empty(ax, "no signals with dollars at risk this week")
        return fig
    labels = [_safe(_signal_label(s, wrap=True)) for s in top]
    values = [float(s["dollars_at_risk"]) for s in top]
    ax.barh(range(len(top)), values, height=0.6, color="#c0392b")
    ax.set_ylim(-0.6, len(top) - 0.4)
    ax.set_yticks(range(len(top)), labels, fontsize=7)
    ax.set_xlim(0, max(values) * 1.22)
    for i, v in enumerate(values):
        ax.text(v, i, _safe(f" {money(v)}"), va="center", fontsize=7)
    ax.set_xlabel("dollars at risk")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(lambda v, _pos: _short_money(v))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _short_money(v: float) -> str:
    """Axis ticks: $800, $25k, $1.2M (full numbers collide on a narrow axis)."""
    if abs(v) >= 1e6:
        return f"${v / 1e6:.1f}M".replace(".0M", "M")
    if abs(v) >= 1e3:
        return f"${v / 1e3:.0f}k"
    return f"${v:.0f}"


LEVEL_ROWS = 8  # payers listed on the summary page; all of them are in the CSV


def _levels_block(fig, data: ReportData, top: float) -> float:
    """The denied-dollars level (SPEC 3.2) as a small table; returns the y below it."""
    threshold = money(data.denial_dollars_threshold)
    title = (
        f"Denied dollars at or above {threshold} in the 7 days to {day_before(data.as_of)} "
        "(a level, not a signal)"
    )
    fig.text(0.06, top, _safe(title), fontsize=10, weight="bold")
    rows = data.denial_dollars_high
    y = top - 0.022
    if not rows:
        fig.text(0.06, y, _safe(f"No payer reached {threshold} of denied claims."), fontsize=9)
        return y - 0.02
    head = f"{'payer':<28} {'denied':>12} {'lines denied':>14} {'typical week':>13}"
    lines = [head]
    for r in rows[:LEVEL_ROWS]:
        lines.append(
            f"{_clip(r['payer'], 28):<28} {money(r['denied_dollars']):>12} "
            f"{r['denied_lines']:>6,} of {r['decided_lines']:<6,} "
            f"{money(r['typical_dollars']):>12}"
        )
    if len(rows) > LEVEL_ROWS:
        lines.append(f"... and {len(rows) - LEVEL_ROWS} more payers in the CSV")
    fig.text(0.06, y, _safe("\n".join(lines)), fontsize=8, va="top", family="monospace")
    return y - 0.0155 * len(lines) - 0.02


LABEL_GAP = 0.075  # axes fraction between the last-point labels at the right of a trend


def _trend_page(data: ReportData, series: dict, spec: dict):
    """One trend chart: the kept weeks of each payer, the last point of each labelled with its
    week and value, the value axis fitted to the data, and a table of the same numbers."""
    fig = _figure()
    fig.text(0.06, 0.95, spec["title"], fontsize=14, weight="bold")
    note = _rules_note(data, spec)
    fig.text(0.06, 0.935, _safe(note), fontsize=8, color=GREY, va="top")
    top = 0.935 - 0.0135 * (note.count("\n") + 1) - 0.03  # the axes start below the note
    ax = fig.add_axes((0.1, 0.45, 0.64, top - 0.45))
    plotted = {p: pts for p, pts in series.items() if pts}
    if not plotted:
        _empty(ax, _safe(_no_points_message(data, series)))
        return fig
    scale = 100.0 if spec["percent"] else 1.0
    colors = {p: f"C{i % 10}" for i, p in enumerate(series)}
    for payer, points in plotted.items():
        weeks, values = _with_gaps(points, scale)
        ax.plot(
            weeks,
            values,
            marker="o",
            markersize=3,
            linewidth=1.4,
            clip_on=False,  # a 0 % week sits on the axis: keep its marker whole
            color=colors[payer],
            label=_safe(spec["label"](payer)),
        )
        last = points[-1]
        ax.plot(
            [last.week_start], [last.value * scale], "o", markersize=6, clip_on=False,
            color=colors[payer],
        )  # fmt: skip
    limits = y_limits(
        [p.value * scale for pts in plotted.values() for p in pts],
        ceiling=100.0 if spec["percent"] else None,
        min_span=spec["min_span"],
    )
    ax.set_ylim(*limits)
    _label_last_points(ax, plotted, colors, spec, scale, limits)
    ax.set_ylabel(spec["ylabel"])
    ax.set_xlabel("week (Monday to Sunday), by its Monday")
    _week_axis(ax, [p.week_start for pts in plotted.values() for p in pts])
    if spec["percent"]:
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}%" if v >= 10 else f"{v:.1f}%")
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    _trend_table(fig, data, series, spec, scale, top=0.36)
    return fig


def _week_axis(ax, weeks: list) -> None:
    """Month ticks ("Jun", the year under the first and under January) for long spans; Monday
    ticks ("Mar 09") when the plotted weeks span less than two months."""
    from matplotlib import dates as mdates

    if (max(weeks) - min(weeks)).days >= 60:
        ax.xaxis.set_major_locator(mdates.MonthLocator())

        def month(x, pos):
            day = mdates.num2date(x)
            return day.strftime("%b\n%Y" if pos == 0 or day.month == 1 else "%b")

        ax.xaxis.set_major_formatter(month)
        ax.xaxis.set_minor_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    else:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))


def _with_gaps(points: list, scale: float) -> tuple[list, list[float]]:
    """x and y of a payer's line, broken (NaN) where weeks between two kept weeks are missing:
    a line drawn across them would invent values for weeks with no data (e.g. no payments)."""
    weeks, values = [], []
    for i, p in enumerate(points):
        if i and p.week_start - points[i - 1].week_start > timedelta(days=7):
            weeks.append(points[i - 1].week_start + timedelta(days=7))
            values.append(math.nan)
        weeks.append(p.week_start)
        values.append(p.value * scale)
    return weeks, values


def _label_last_points(ax, plotted: dict, colors: dict, spec: dict, scale: float, limits):
    """'week of <Monday>: <value>' beside each payer's newest point, in the right margin,
    spread apart so labels never overlap."""
    lo, hi = limits
    wanted = sorted(
        ((pts[-1].value * scale - lo) / (hi - lo), payer) for payer, pts in plotted.items()
    )
    placed: list[float] = []
    for y, _payer in wanted:
        placed.append(max(y, placed[-1] + LABEL_GAP) if placed else y)
    overflow = placed[-1] - 1.0 if placed else 0.0
    if overflow > 0:  # push the stack down, keeping the gaps, but not below the axes
        placed = [p - overflow for p in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - LABEL_GAP)
    for (_, payer), y in zip(wanted, placed, strict=True):
        last = plotted[payer][-1]
        text = (
            f"{_clip(spec['label'](payer), 24)}\n"
            f"week of {last.week_start}: {spec['fmt'](last.value * scale)}"
        )
        # The leader runs from the axes' edge at the point's height: drawn from a point far to
        # the left (a payer whose newest week is old) it would cross the other lines.
        ax.annotate(
            _safe(text),
            xy=(1.0, (last.value * scale - lo) / (hi - lo)),
            xycoords="axes fraction",
            xytext=(1.03, y),
            textcoords="axes fraction",
            fontsize=7.5,
            va="center",
            color=colors[payer],
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": colors[payer], "linewidth": 0.5},
        )


def _trend_table(fig, data: ReportData, series: dict, spec: dict, scale: float, top: float):
    """The charted numbers per payer: newest week, its value and lines, the median week."""
    head = f"{'payer':<26} {'newest week':>11} {'value':>8} {'lines':>7} {'median':>8} {'weeks':>6}"
    lines = [head]
    for payer, points in series.items():
        name = _clip(spec["label"](payer), 26)
        if not points:
            lines.append(f"{name:<26} {'not plotted: no whole week with enough lines':>44}")
            continue
        last = points[-1]
        median = statistics.median(p.value * scale for p in points)
        lines.append(
            f"{name:<26} {last.week_start.isoformat():>11} "
            f"{spec['fmt'](last.value * scale):>8} {last.lines:>7,} {spec['fmt'](median):>8} "
            f"{len(points):>6}"
        )
    fig.text(0.06, top, _safe("\n".join(lines)), fontsize=8, va="top", family="monospace")
    notes = [*_gap_notes(series, data.trend_min_lines), *spec.get("notes", lambda _d: [])(data)]
    if notes:
        y = top - 0.016 * (len(lines) + 1)
        fig.text(0.06, y, _safe("\n".join(notes)), fontsize=8, va="top", color=GREY)


GAP_WEEKS_SHOWN = 3


def _gap_notes(series: dict, min_lines: int) -> list[str]:
    """Weeks left out between a payer's first and newest plotted week (too few lines, or
    none: a payer that stops paying shows as a gap, not as a line drawn across it)."""
    notes = []
    for payer, points in series.items():
        kept = {p.week_start for p in points}
        missing = []
        if points:
            week = points[0].week_start
            while week < points[-1].week_start:
                if week not in kept:
                    missing.append(week.isoformat())
                week += timedelta(days=7)
        if missing:
            shown = ", ".join(missing[:GAP_WEEKS_SHOWN])
            more = len(missing) - GAP_WEEKS_SHOWN
            weeks = f"{shown} and {more} more" if more > 0 else shown
            plural = "s" if len(missing) > 1 else ""
            text = (
                f"{payer}: fewer than {min_lines} lines in the week{plural} of {weeks} "
                "(not plotted: gaps in its line)."
            )
            notes += textwrap.wrap(text, 120, subsequent_indent="  ")
    return notes


def _rules_note(data: ReportData, spec: dict) -> str:
    span = (
        f"decided dates {data.data_first_day} to {data.data_last_day}"
        if data.data_first_day
        else "no decided claims yet"
    )
    return "\n".join(
        textwrap.wrap(
            f"{spec['subtitle']} Last {data.trend_weeks} weeks; a week is plotted only when it "
            f"lies wholly inside the data ({span}), has ended before {data.as_of} and holds at "
            f"least {data.trend_min_lines} lines.{spec.get('extra_rule', '')}",
            130,
        )
    )


def _no_points_message(data: ReportData, series: dict) -> str:
    if not series:
        return f"no decided claims in the last {data.trend_weeks} weeks"
    return (
        f"no whole week inside the data with at least {data.trend_min_lines} lines\n"
        f"in the last {data.trend_weeks} weeks"
    )


def _denial_page(data: ReportData):
    return _trend_page(
        data,
        data.denial_trend,
        {
            "title": "Denial rate per week, top payers",
            "subtitle": "Denied lines as a share of paid + denied lines, by decided date.",
            "extra_rule": (
                " When the data starts on a submission date, the weeks after it are skipped for "
                "as long as a decision usually takes (mean + 2 sd): only quick decisions can be "
                "in them."
            ),
            "ylabel": "denial rate (% of paid + denied lines)",
            "percent": True,
            "min_span": 4.0,  # percentage points
            "fmt": lambda v: f"{v:.1f}%",
            "label": str,
        },
    )


def _payment_page(data: ReportData):
    def label(payer: str) -> str:
        return payer if data.payment_basis.get(payer, True) else f"{payer} *"

    def notes(d: ReportData) -> list[str]:
        if all(d.payment_basis.get(p, True) for p in d.payment_trend):
            return []
        return [
            "* few payment dates from this payer: days from submission to the decision,",
            "  by decided date (DelayGuard's basis, SPEC 3.3).",
        ]

    return _trend_page(
        data,
        data.payment_trend,
        {
            "title": "Days to payment per week, top payers",
            "subtitle": "Average days from submission to payment of paid lines, by payment date.",
            "extra_rule": (
                " The weeks just after the first submission in the data are skipped for as long "
                "as a payment usually takes (mean + 2 sd of its days): only quick payments can "
                "be in them."
            ),
            "ylabel": "days from submission to payment",
            "percent": False,
            "min_span": 4.0,  # days
            "fmt": lambda v: f"{v:.1f} d",
            "label": label,
            "notes": notes,
        },
    )


def _details_page(data: ReportData):
    fig = _figure()
    fig.text(0.06, 0.95, "Signals this week", fontsize=14, weight="bold")
    y = 0.91
    for rank, s in enumerate(data.signals, 1):
        dollars = s.get("dollars_at_risk")
        head = f"{rank}. {_signal_label(s)}  [{s['severity_label']}]"
        if dollars:
            head += f"  ${dollars:,.0f} at risk"
        lines = [head, *textwrap.wrap(str(s.get("summary") or ""), 95)]
        if y - 0.018 * len(lines) < 0.04:
            fig.text(0.06, y, "(more in the CSV)", fontsize=8, color="#555555")
            break
        for i, line in enumerate(lines):
            fig.text(
                0.06 if i == 0 else 0.09,
                y,
                _safe(line),
                fontsize=8,
                weight="bold" if i == 0 else "normal",
            )
            y -= 0.018
        y -= 0.008
    if not data.signals:
        fig.text(0.06, y, "No signals this week.", fontsize=10)
    return fig


def _signal_label(s: dict, wrap: bool = False) -> str:
    where = " · ".join(p for p in (s["payer"], s.get("key")) if p)
    what = f"{s['product']}/{s['type']}"
    return f"{where}\n{what}" if wrap else f"{where} · {what}"


def _clip(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _ledger_text(ledger: dict) -> str:
    return "\n".join(
        [
            "Recovery ledger",
            f"  this month    ${ledger.get('this_month', 0):>12,.2f}",
            f"  last 30 days  ${ledger.get('last_30_days', 0):>12,.2f}",
            f"  all time      ${ledger.get('all_time', 0):>12,.2f}",
            f"  recoveries     {ledger.get('recoveries', 0):>12}",
        ]
    )


def _quality_text(q: dict) -> str:
    def pct(v):
        return "n/a" if v is None else f"{v:.1%}"

    timeliness = q.get("timeliness_days")
    return "\n".join(
        [
            "Data quality (uploads, 30 days)",
            f"  uploads   {q.get('uploads', 0)} ({q.get('loaded', 0)} loaded, "
            f"{q.get('rejected', 0)} rejected)",
            f"  rows      {q.get('rows_accepted', 0):,} of {q.get('rows_total', 0):,} accepted",
            f"  complete  {pct(q.get('completeness'))}   valid {pct(q.get('validity'))}",
            f"  freshness {'n/a' if timeliness is None else f'{timeliness:.0f} days'}",
            f"  anomalies {q.get('anomalies', 0)}",
        ]
    )


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def _safe(text: str) -> str:
    # A '$' pair would be parsed as mathtext; payer names and summaries are plain text.
    return str(text).replace("$", r"\$")

"""Render the weekly report: a CSV of the top signals and a PDF with charts (matplotlib).

Only the object-oriented matplotlib API is used (Figure + PdfPages, Agg canvas), so nothing
touches pyplot's global state or needs a display.
"""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import UTC, datetime

from common.services.reports.data import ReportData

CSV_HEADER = (
    "rank", "product", "type", "payer", "key", "direction", "severity", "severity_label",
    "confidence", "dollars_at_risk", "baseline_value", "current_value", "delta",
    "window_start", "window_end", "as_of", "summary",
)  # fmt: skip
PAGE = (8.5, 11.0)


def render_csv(data: ReportData) -> bytes:
    """The top signals by dollars at risk, one row each, with CSV_HEADER."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rank, s in enumerate(data.signals, 1):
        writer.writerow([rank, *(_csv(s.get(c)) for c in CSV_HEADER[1:])])
    return out.getvalue().encode()


def _csv(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    return str(value)


def render_pdf(data: ReportData) -> bytes:
    """Four pages: summary with the top-signals chart, two trends, signal details."""
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
    fig = _figure()
    period = f"{data.period_start} to {data.period_end} (as of {data.as_of})"
    fig.text(
        0.06,
        0.95,
        _safe(f"Upstream weekly report: {data.customer_name}"),
        fontsize=16,
        weight="bold",
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fig.text(0.06, 0.925, f"{period}; generated {generated}", fontsize=9, color="#555555")
    fig.text(
        0.06, 0.88, _safe(_ledger_text(data.ledger)), fontsize=10, va="top", family="monospace"
    )
    fig.text(
        0.52, 0.88, _safe(_quality_text(data.quality)), fontsize=10, va="top", family="monospace"
    )
    ax = fig.add_axes((0.32, 0.08, 0.62, 0.62))
    top = [s for s in data.signals if s.get("dollars_at_risk")][:10][::-1]
    ax.set_title("Top signals by dollars at risk", fontsize=12, loc="left")
    if not top:
        _empty(ax, "no signals with dollars at risk this week")
        return fig
    labels = [_safe(_signal_label(s)) for s in top]
    values = [float(s["dollars_at_risk"]) for s in top]
    ax.barh(range(len(top)), values, color="#c0392b")
    ax.set_yticks(range(len(top)), labels, fontsize=8)
    ax.set_xlabel("dollars at risk")
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    return fig


def _trend_page(series: dict, title: str, ylabel: str, percent: bool):
    fig = _figure()
    ax = fig.add_axes((0.1, 0.35, 0.85, 0.55))
    ax.set_title(title, fontsize=12, loc="left")
    if not series:
        _empty(ax, "no claims in the last 26 weeks")
        return fig
    for payer, points in series.items():
        weeks = [p[0] for p in points]
        values = [p[1] * 100 if percent else p[1] for p in points]
        ax.plot(weeks, values, marker="o", markersize=3, label=_safe(payer))
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    return fig


def _denial_page(data: ReportData):
    return _trend_page(
        data.denial_trend,
        "Denial rate per week, top payers (26 weeks)",
        "denial rate (%)",
        percent=True,
    )


def _payment_page(data: ReportData):
    return _trend_page(
        data.payment_trend,
        "Average days to payment per week, top payers",
        "days from submission to payment",
        percent=False,
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


def _signal_label(s: dict) -> str:
    parts = [s["payer"], s.get("key"), f"{s['product']}/{s['type']}"]
    return " · ".join(p for p in parts if p)


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

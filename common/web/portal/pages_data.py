"""The dashboard: the API's dashboard document and the weekly report's trends and quality.

The numbers come from the handler behind GET /v1/dashboard (so the page and the API agree by
construction); the 26-week trends, the recovery ledger and the 30-day data quality come from
the weekly report's own gathering (services/reports/data.py), trimmed by the same rules.
"""

from __future__ import annotations

from common.services.customers import find_by_id
from common.services.reports.data import ReportOptions, gather
from common.web.handlers import data as api
from common.web.models.dashboard import Dashboard
from common.web.portal import charts
from common.web.portal.render import Visit, pct

SEVERITIES = ("critical", "high", "medium", "low")


def dashboard(v: Visit):
    """Lines and uploads, open episodes by severity, dollars at risk, trends, recovery and
    data quality."""
    ctx = v.ctx
    doc = Dashboard.model_validate(api.dashboard(ctx))  # as GET /v1/dashboard serves it
    with ctx.tx() as conn:
        customer = find_by_id(conn, ctx.customer_id)
        report = gather(conn, customer, ctx.today, ReportOptions())
    denial_chart = charts.line_chart(
        {p: [(w.week_start, w.value) for w in pts] for p, pts in report.denial_trend.items()},
        title="Denial rate by week, top payers",
        y_label="denial rate",
        y_format=lambda y: pct(y, 1),
        floor=0.0,
        ceiling=1.0,
        min_span=0.05,
    )
    payment_chart = charts.line_chart(
        {p: [(w.week_start, w.value) for w in pts] for p, pts in report.payment_trend.items()},
        title="Average days to payment by week, top payers",
        y_label="days",
        y_format=lambda y: f"{y:.0f}",
        floor=0.0,
        min_span=5.0,
    )
    return v.page(
        "dashboard.html",
        customer=customer,
        doc=doc,
        severities=SEVERITIES,
        report=report,
        denial_chart=denial_chart,
        payment_chart=payment_chart,
    )

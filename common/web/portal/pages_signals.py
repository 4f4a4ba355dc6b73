"""Signals per product with filters, and one episode: its history chart, summary, dollars at
risk and the alerts it raised. Reads go through the handlers behind /v1/signals."""

from __future__ import annotations

from common.web.errors import not_found
from common.web.handlers import activity as api
from common.web.models.signals import AlertList, AlertsQuery, SignalDetail, SignalList, SignalsQuery
from common.web.portal import charts
from common.web.portal.forms import query_model
from common.web.portal.render import Visit, money, num, pct

PRODUCTS = {
    "driftwatch": "DriftWatch — denial rate and decision time per payer and service line",
    "denialscope": "DenialScope — denial reasons and denied dollars per payer",
    "delayguard": "DelayGuard — payment delays per payer",
}
TYPES = {
    "driftwatch": ("denial_rate_increase", "denial_rate_decrease", "decision_time_increase",
                   "decision_time_decrease"),
    "denialscope": ("new_denial_reason", "reason_rate_spike", "new_denial_family",
                    "family_rate_spike", "denial_dollars_spike"),
    "delayguard": ("payment_slowdown", "payment_aging", "payment_timing_trend"),
}  # fmt: skip
SEVERITIES = ("critical", "high", "medium", "low")


def value_format(signal_type: str):
    """How an episode's baseline and current values read: a share, days, dollars or lines."""
    if signal_type.startswith(("denial_rate", "reason_rate", "payment_aging")):
        return lambda y: pct(y, 1)
    if signal_type.startswith("denial_dollars"):
        return money
    if signal_type == "new_denial_reason":
        return num
    return lambda y: f"{num(y, 1)} days"


def signals(v: Visit):
    """Episodes of one product (paged) or of all three (the newest 50 of each), filtered by
    payer, type, severity and open/closed."""
    query, extras = query_model(v.ctx.request, SignalsQuery, drop=("product",))
    product = extras["product"]
    if product is not None and product not in PRODUCTS:
        raise not_found("product")
    shown = [product] if product else list(PRODUCTS)
    if query.cursor and not product:
        raise not_found("page")  # a cursor belongs to one product's list
    sections = [(p, SignalList.model_validate(api.list_signals(v.ctx, p, query))) for p in shown]
    types = sorted({t for p in shown for t in TYPES[p]})
    return v.page(
        "signals.html",
        query=query,
        product=product,
        products=PRODUCTS,
        sections=sections,
        types=types,
        severities=SEVERITIES,
        fmt=value_format,
    )


def episode(v: Visit, product: str, id: str):
    """One episode with its observations as a chart and table, and its alerts."""
    signal = SignalDetail.model_validate(api.get_signal(v.ctx, product, id))
    fmt = value_format(signal.type)
    history = signal.observations
    chart = charts.line_chart(
        {
            "current window": [
                (o.as_of, o.current_value) for o in history if o.current_value is not None
            ],
            "baseline": [
                (o.as_of, o.baseline_value) for o in history if o.baseline_value is not None
            ],
        },  # fmt: skip
        title=f"{signal.payer}: observations of this episode",
        y_label=signal.type.replace("_", " "),
        y_format=fmt,
        floor=0.0,
        ceiling=1.0 if fmt(0.5).endswith("%") else None,
        min_span=0.02 if fmt(0.5).endswith("%") else 1.0,
        x_label="run date (as of)",
        gap_days=None,  # runs are irregular: one line through every observation
    )
    # Alerts are created after their episode: a list from its creation day, this episode's.
    query = AlertsQuery(product=product, since=signal.created_at.date(), limit=200)
    alerts = AlertList.model_validate(api.list_alerts(v.ctx, query))
    related = [a for a in alerts.items if a.signal.id == signal.id]
    return v.page(
        "episode.html",
        signal=signal,
        product=product,
        products=PRODUCTS,
        chart=chart,
        fmt=fmt,
        alerts=related,
    )

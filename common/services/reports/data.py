"""What the weekly report shows, gathered with named SQL (one tenant transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain.thresholds import SignalThresholds, thresholds_for
from common.services.reports import trends
from common.services.reports.levels import denial_dollars_high
from common.services.reports.trends import WeekPoint


@dataclass(frozen=True)
class ReportOptions:
    """Report layout: how many signals and payers, how many weeks of trend."""

    top_signals: int = 20
    top_payers: int = 5
    trend_weeks: int = 26
    trend_min_lines: int = trends.MIN_LINES  # a week with fewer lines is not plotted
    quality_days: int = 30


@dataclass
class ReportData:
    """Everything one weekly report renders."""

    customer_name: str
    customer_slug: str
    as_of: date
    period_start: date
    period_end: date
    signals: list[dict] = field(default_factory=list)
    # The trends exactly as charted: per top payer, the weeks trends.trim_weeks keeps (a payer
    # with none has an empty list). Denial rate 0-1 on decided date; days to payment.
    denial_trend: dict[str, list[WeekPoint]] = field(default_factory=dict)
    payment_trend: dict[str, list[WeekPoint]] = field(default_factory=dict)
    # payer -> True when measured to the payment date, False to the decided date (SPEC 3.3)
    payment_basis: dict[str, bool] = field(default_factory=dict)
    trend_weeks: int = 26
    trend_min_lines: int = trends.MIN_LINES
    data_first_day: date | None = None  # first and newest decided date held
    data_last_day: date | None = None
    data_first_lag_start: date | None = None  # first submission (else service) date
    # Payers at or above the denied-dollars level in the period (levels.denial_dollars_high)
    denial_dollars_high: list[dict] = field(default_factory=list)
    denial_dollars_threshold: float = SignalThresholds().denial_dollars_high
    ledger: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)


def gather(conn: Connection, customer, as_of: date, opts: ReportOptions) -> ReportData:
    """Query every section for `customer` for the week ending on `as_of`."""
    cid = customer.id
    period_start = as_of - timedelta(days=7)
    data = ReportData(customer.name, customer.slug, as_of, period_start, as_of)
    data.signals = [
        _plain(r)
        for r in conn.execute(
            sql("report_top_signals"),
            {
                "customer_id": cid,
                "period_start": period_start,
                "period_end": as_of,
                "limit": opts.top_signals,
            },
        ).mappings()
    ]
    th = thresholds_for(getattr(customer, "settings", None))
    data.denial_dollars_threshold = th.denial_dollars_high
    data.denial_dollars_high = denial_dollars_high(conn, cid, as_of, th)
    _trends(conn, data, cid, opts, th)
    data.ledger = _plain(
        conn.execute(
            sql("report_recovery_ledger"),
            {"customer_id": cid, "as_of": as_of, "month_start": as_of.replace(day=1)},
        )
        .mappings()
        .one()
    )
    data.quality = _plain(
        conn.execute(
            sql("report_data_quality"),
            {
                "customer_id": cid,
                "since": as_of - timedelta(days=opts.quality_days),
                "until": as_of + timedelta(days=1),
            },
        )
        .mappings()
        .one()
    )
    return data


def _trends(conn: Connection, data: ReportData, cid: str, opts: ReportOptions, th) -> None:
    """The denial-rate and payment-days trends of the top payers, trimmed to the weeks that may
    be plotted (trends.trim_weeks: whole weeks inside the data with enough lines)."""
    as_of = data.as_of
    data.trend_weeks, data.trend_min_lines = opts.trend_weeks, opts.trend_min_lines
    span = conn.execute(sql("report_data_span"), {"customer_id": cid}).mappings().one()
    data.data_first_day, data.data_last_day = span["first_day"], span["last_day"]
    data.data_first_lag_start = span["first_lag_start"]
    params = {
        "customer_id": cid,
        "trend_start": trends.trend_start(as_of, opts.trend_weeks),
        "trend_end": as_of,
    }
    payers = sorted(
        conn.execute(sql("report_top_payers"), params | {"limit": opts.top_payers}).scalars()
    )
    params["payers"] = payers
    trim = {
        "first_day": data.data_first_day,
        "last_day": data.data_last_day,
        "as_of": as_of,
        "min_lines": opts.trend_min_lines,
        "lag_start": data.data_first_lag_start,
    }
    denial: dict[str, list] = {p: [] for p in payers}
    for row in conn.execute(sql("report_denial_trend"), params).mappings():
        rate = row["denied"] / row["decided"] if row["decided"] else 0.0
        denial[row["payer"]].append((row["week_start"], rate, row["decided"]))
    decision_leads = {
        r["payer"]: trends.cohort_lead_days(r["lag_mean"], r["lag_sd"])
        for r in conn.execute(sql("report_decision_lags"), params).mappings()
    }
    data.denial_trend = {
        p: trends.trim_weeks(rows, **trim, lead_days=decision_leads.get(p, 0))
        for p, rows in denial.items()
    }
    payment: dict[str, list] = {p: [] for p in payers}
    leads: dict[str, int] = {}
    basis = {"payment_basis_share": th.delay_payment_basis_share}
    for row in conn.execute(sql("report_payment_weeks"), params | basis).mappings():
        payer = row["payer"]
        payment[payer].append((row["week_start"], row["avg_days"], row["paid"]))
        data.payment_basis[payer] = row["by_payment"]
        leads[payer] = trends.cohort_lead_days(row["lag_mean"], row["lag_sd"])
    data.payment_trend = {
        p: trends.trim_weeks(rows, **trim, lead_days=leads.get(p, 0)) for p, rows in payment.items()
    }


def _plain(row) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in dict(row).items()}

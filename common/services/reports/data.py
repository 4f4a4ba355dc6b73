"""What the weekly report shows, gathered with named SQL (one tenant transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from common.db.queries import sql


@dataclass(frozen=True)
class ReportOptions:
    """Report layout: how many signals and payers, how many weeks of trend."""

    top_signals: int = 20
    top_payers: int = 5
    trend_weeks: int = 26
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
    denial_trend: dict[str, list[tuple[date, float, int]]] = field(default_factory=dict)
    payment_trend: dict[str, list[tuple[date, float, int]]] = field(default_factory=dict)
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
    trend = {
        "customer_id": cid,
        "trend_start": as_of - timedelta(weeks=opts.trend_weeks),
        "trend_end": as_of,
    }
    payers = list(
        conn.execute(sql("report_top_payers"), trend | {"limit": opts.top_payers}).scalars()
    )
    trend["payers"] = payers
    for row in conn.execute(sql("report_denial_trend"), trend).mappings():
        rate = row["denied"] / row["decided"] if row["decided"] else 0.0
        data.denial_trend.setdefault(row["payer"], []).append(
            (row["week_start"], rate, row["decided"])
        )
    for row in conn.execute(sql("report_payment_days_trend"), trend).mappings():
        data.payment_trend.setdefault(row["payer"], []).append(
            (row["week_start"], row["avg_days"], row["paid"])
        )
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


def _plain(row) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in dict(row).items()}

"""The dashboard document."""

from __future__ import annotations

from datetime import date

from common.web.models.common import Output


class SeverityCounts(Output):
    """Open signals per severity label."""

    low: int
    medium: int
    high: int
    critical: int
    total: int


class TrendPoint(Output):
    """One calendar month of decided claims."""

    month: date
    claims: int
    denied: int
    denial_rate: float | None


class TopPayer(Output):
    """A payer ranked by denied dollars over the last 90 days."""

    payer: str
    claims: int
    denied: int
    denial_rate: float | None
    denied_billed: float


class Recovery(Output):
    """Dollars operators recorded as recovered (latest judgment per alert)."""

    this_month: float
    last_30_days: float
    all_time: float


class Dashboard(Output):
    """Everything the home screen shows, from one SQL round trip."""

    as_of: date
    claims: int
    uploads: int
    open_signals: SeverityCounts
    dollars_at_risk: float
    denial_trend: list[TrendPoint]
    top_payers: list[TopPayer]
    recovery: Recovery

"""The dashboard document and the payer summary."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import model_validator

from common.web.models.common import Input, Output
from common.web.models.data import check_range


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


class DenialDollarsHigh(Output):
    """A payer whose denied dollars in the last 7 days reached the customer's threshold."""

    payer: str
    window_start: date
    window_end: date
    denied_dollars: float
    denied_lines: int
    decided_lines: int
    typical_dollars: float
    threshold: float


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
    denial_dollars_high: list[DenialDollarsHigh]


class PayerSummaryQuery(Input):
    """[start_date, end_date) on decision date; default: the 90 days up to today."""

    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _range(self):
        check_range(self.start_date, self.end_date, "date range")
        return self

    def resolved(self, today: date) -> tuple[date, date]:
        """The window with defaults applied: end = tomorrow (today included), start = end - 90."""
        end = self.end_date or today + timedelta(days=1)
        try:
            start = self.start_date or end - timedelta(days=90)
        except OverflowError:  # an end_date within 90 days of 0001-01-01
            raise ValueError("date range: end_date is too early") from None
        check_range(start, end, "date range")
        return start, end


class PayerRow(Output):
    """One payer's claims in the window."""

    payer: str
    claims: int
    paid: int
    denied: int
    other: int
    denial_rate: float | None
    billed: float
    allowed: float
    paid_amount: float
    denied_billed: float
    avg_days_to_decision: float | None
    avg_days_to_payment: float | None


class PayerSummary(Output):
    """Per-payer totals in a window, largest payer first."""

    start_date: date
    end_date: date
    payers: list[PayerRow]

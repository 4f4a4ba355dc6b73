"""Plain-English pieces for signal summaries."""

from __future__ import annotations

from datetime import date, timedelta


def pct(rate: float) -> str:
    """0.1234 → '12.3%'."""
    return f"{rate * 100:.1f}%"


def points(delta: float) -> str:
    """0.083 → '+8.3 points'."""
    return f"{delta * 100:+.1f} points"


def money(amount: float) -> str:
    """1234.5 → '$1,235'."""
    return f"${amount:,.0f}"


def day_before(as_of: date) -> str:
    """The last day inside a window that ends (exclusive) at `as_of`."""
    return (as_of - timedelta(days=1)).isoformat()

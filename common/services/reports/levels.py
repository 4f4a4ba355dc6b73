"""Levels the weekly report and the dashboard show as lines, not as signals (SPEC 3.2).

`denial_dollars_high`: a payer whose denied dollars in DenialScope's recent window (the 7 days
before `as_of`) reach the customer's `denial_dollars_high` ($50,000, seed). It is a level, not
a change — a large payer denies that much every week — so it raises no signal and no alert.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain.thresholds import SignalThresholds


def denial_dollars_high(
    conn: Connection, customer_id: str, as_of: date, thresholds: SignalThresholds
) -> list[dict]:
    """Payers with denied dollars ≥ `thresholds.denial_dollars_high` in the recent window
    [as_of − 7 d, as_of), most dollars first, from the rollups (one set-based query).

    Each row: payer, window_start, window_end (exclusive), denied_dollars, denied_lines,
    decided_lines (PAID + DENIED), typical_dollars (the baseline's dollars per window length)
    and threshold.
    """
    windows = thresholds.denial_windows(as_of)
    params = windows | {"customer_id": customer_id}
    baseline_days = thresholds.denial_baseline_days
    found = []
    for r in conn.execute(sql("report_denial_dollars_high"), params).mappings():
        dollars = float(r["denied_dollars"])
        if dollars < thresholds.denial_dollars_high:
            continue
        typical = float(r["baseline_dollars"]) / baseline_days * thresholds.denial_recent_days
        found.append(
            {
                "payer": r["payer"],
                "window_start": windows["current_start"],
                "window_end": windows["current_end"],
                "denied_dollars": dollars,
                "denied_lines": r["denied_lines"],
                "decided_lines": r["decided_lines"],
                "typical_dollars": typical,
                "threshold": thresholds.denial_dollars_high,
            }
        )
    return found

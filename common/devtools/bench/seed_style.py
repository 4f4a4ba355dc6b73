"""The seed system's computation, kept only as the benchmark's yardstick.

It loads every row of the products' windows into Python and counts in loops — the approach
the set-based SQL in common/db/sql/{driftwatch,denialscope,delayguard}_*.sql replaces. It
computes the same aggregates (group counts, denials, dollars, decision-day medians, reason
counts, payment-day means) but applies no statistics: it exists to be timed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain.thresholds import SignalThresholds


def seed_style_aggregates(
    conn: Connection, customer_id: str, as_of: date, th: SignalThresholds
) -> int:
    """Fetch the windows' rows and aggregate them in Python loops; return rows loaded."""
    drift, denial, delay = (
        th.drift_windows(as_of),
        th.denial_windows(as_of),
        th.delay_windows(as_of),
    )
    scan_start = min(drift["baseline_start"], delay["baseline_start"], delay["trend_start"])
    rows = conn.execute(
        sql("bench_signals_seed_rows"),
        {"customer_id": customer_id, "as_of": as_of, "scan_start": scan_start},
    ).all()
    _drift(rows, drift)
    _denials(rows, denial)
    _delays(rows, delay)
    return len(rows)


def _drift(rows, w) -> dict:
    groups = defaultdict(lambda: {"n": [0, 0], "denied": [0, 0], "days": ([], []), "billed": 0})
    for r in rows:
        if r.outcome not in ("PAID", "DENIED") or not w["baseline_start"] <= r.decided_date:
            continue
        current = int(r.decided_date >= w["current_start"])
        g = groups[(r.payer, r.cpt_group)]
        g["n"][current] += 1
        g["denied"][current] += r.outcome == "DENIED"
        g["days"][current].append((r.decided_date - r.submitted_date).days)
        if current:
            g["billed"] += r.billed_amount or r.allowed_amount or 0
    for g in groups.values():
        g["medians"] = [statistics.median(d) if d else None for d in g["days"]]
    return groups


def _denials(rows, w) -> dict:
    payers = defaultdict(lambda: {"n": [0, 0], "reasons": defaultdict(lambda: [0, 0])})
    for r in rows:
        if r.outcome not in ("PAID", "DENIED") or r.decided_date < w["baseline_start"]:
            continue
        current = int(r.decided_date >= w["current_start"])
        p = payers[r.payer]
        p["n"][current] += 1
        if r.outcome == "DENIED":
            reason = r.denial_reason_code or r.denial_reason_text or "UNSPECIFIED"
            p["reasons"][reason][current] += 1
    return payers


def _delays(rows, w) -> dict:
    payers = defaultdict(lambda: {"sum": [0, 0], "n": [0, 0]})
    for r in rows:
        if r.outcome != "PAID":
            continue
        cohort = r.payment_date or r.decided_date
        if not w["baseline_start"] <= cohort < w["current_end"]:
            continue
        current = int(cohort >= w["current_start"])
        payers[r.payer]["sum"][current] += (cohort - r.submitted_date).days
        payers[r.payer]["n"][current] += 1
    return payers

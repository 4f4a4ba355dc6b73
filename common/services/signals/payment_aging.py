"""DelayGuard's payment_aging (SPEC 3.3): a slowdown seen before the late payments land.

A cohort on payment date sees a delay only once the delayed money arrives. Instead: of the
lines a payer approved (PAID), what share is still unpaid N days after the decision, N being
the payer's usual decided → paid lag (80th percentile over the baseline)? Both cohorts hold
only lines decided at least N days before as_of, so a recent line is never judged early; the
current cohort is the 14 days of such lines, the baseline the 60 days before them. A line
without a payment date counts as unpaid — falling payment-date completeness is evidence of a
slowdown, not missing data. Two-proportion test, Benjamini–Hochberg over the payers tested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal
from common.domain.thresholds import SignalThresholds
from common.services.signals.text import money, pct, points

PRODUCT = "delayguard"


@dataclass(frozen=True)
class AgingCohorts:
    """One payer's two cohorts: lines, and lines still unpaid after `horizon` days."""

    payer: str
    horizon: int
    n_baseline: int
    late_baseline: int
    n_current: int
    late_current: int
    cash_late_current: float


def horizons(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> dict:
    """Per payer, the `delay_aging_quantile` of its decided → paid days over the baseline."""
    windows = th.delay_windows(as_of)
    params = {
        "customer_id": customer_id,
        "lag_start": windows["baseline_start"],
        "lag_end": windows["baseline_end"],
    }
    histograms: dict[str, dict[int, int]] = defaultdict(dict)
    for r in conn.execute(sql("delayguard_aging_lags"), params).mappings():
        histograms[r["payer"]][r["pay_lag"]] = r["n"]
    return {
        payer: max(stats.histogram_quantile(h, th.delay_aging_quantile), 1)
        for payer, h in histograms.items()
        if sum(h.values()) >= th.delay_min_claims
    }


def cohorts(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds):
    """Every payer with a horizon, and its two cohorts (one set-based query)."""
    found = horizons(conn, customer_id, as_of, th)
    if not found:
        return []
    params = {
        "customer_id": customer_id,
        "as_of": as_of,
        "payers": list(found),
        "horizons": list(found.values()),
        "current_days": th.delay_current_days,
        "baseline_days": th.delay_baseline_days,
    }
    return [
        AgingCohorts(r["payer"], found[r["payer"]], r["n_baseline"], r["late_baseline"],
                     r["n_current"], r["late_current"], r["cash_late_current"])
        for r in conn.execute(sql("delayguard_aging_cohorts"), params).mappings()
    ]  # fmt: skip


def aging_signals(
    conn: Connection, customer_id: str, as_of: date, th: SignalThresholds
) -> list[Signal]:
    """payment_aging signals: the unpaid share up ≥ 10 points, p < 0.01 after BH."""
    tested = [
        c for c in cohorts(conn, customer_id, as_of, th)
        if min(c.n_baseline, c.n_current) >= th.delay_min_claims
    ]  # fmt: skip
    raw = [
        stats.proportion_test_p(
            c.late_baseline, c.n_baseline, c.late_current, c.n_current, th.test_min_expected
        )
        for c in tested
    ]
    found = []
    for c, p_raw, q in zip(tested, raw, stats.benjamini_hochberg(raw), strict=True):
        before, now = c.late_baseline / c.n_baseline, c.late_current / c.n_current
        if now - before < th.delay_aging_min_points or q >= th.delay_max_p:
            continue
        found.append(_signal(customer_id, as_of, th, c, (before, now), (p_raw, q)))
    return found


def _signal(customer_id, as_of, th, c: AgingCohorts, shares, ps) -> Signal:
    (before, now), (p_raw, q) = shares, ps
    delta = now - before
    current_end = as_of - timedelta(days=c.horizon)
    current_start = current_end - timedelta(days=th.delay_current_days)
    severity = min(delta / th.delay_aging_severity_points, 1.0)
    summary = (
        f"{c.payer} has not paid {pct(now)} of the claims it approved {c.horizon}+ days ago "
        f"(decided {current_start.isoformat()} to {(current_end - timedelta(days=1)).isoformat()}"
        f"), against {pct(before)} before ({points(delta)}): about {money(c.cash_late_current)} "
        "waiting."
    )
    return Signal(
        customer_id=customer_id,
        product=PRODUCT,
        type="payment_aging",
        payer=c.payer,
        key=None,
        direction="up",
        as_of=as_of,
        window_start=current_start,
        window_end=current_end,
        baseline_start=current_start - timedelta(days=th.delay_baseline_days),
        baseline_end=current_start,
        baseline_value=before,
        current_value=now,
        delta=delta,
        n_baseline=c.n_baseline,
        n_current=c.n_current,
        p_value=q,
        severity=severity,
        severity_label=stats.label_for(severity, th.severity_labels),
        confidence=stats.volume_confidence(
            c.n_baseline, c.n_current, th.delay_confidence_claims, q
        ),
        dollars_at_risk=c.cash_late_current,
        summary=summary,
        details={
            "unit": "share_unpaid",
            "horizon_days": c.horizon,
            "late_baseline": c.late_baseline,
            "late_current": c.late_current,
            "p_raw": p_raw,
            "date_basis": "decided_date",
        },
    )

"""DelayGuard (SPEC 3.3): payment delays per payer — slowdowns and a rising weekly trend.

Days to payment = payment_date − submitted_date, cohort on payment_date; a payer whose export
lacks payment dates (fewer than half its PAID claims carry one) is measured on decided_date
instead, and `details.date_basis` says which. Windows: current [as_of − 14 d, as_of) and the
60 days before it; trend over the 6 weeks before as_of. Slowdowns only. Besides the seed's
Δ and confidence rules, a Welch t-test (BH-adjusted over the payers tested) must give p < 0.01
so that a 10-claim payer's noise does not page anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal
from common.domain.thresholds import SignalThresholds
from common.services.signals.text import day_before, money

PRODUCT = "delayguard"


@dataclass(frozen=True)
class Bucket:
    """PAID claims of one payer in one window or week."""

    n: int
    mean: float
    var: float
    dollars: float


@dataclass
class PayerDelays:
    """A payer's date basis, its two windows and its weekly buckets."""

    payer: str
    completeness: float
    by_payment: bool
    windows: dict[int, Bucket]
    weeks: dict[int, Bucket]


def payer_delays(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds):
    """Per-payer aggregates from one set-based query."""
    windows = th.delay_windows(as_of)
    params = windows | {
        "customer_id": customer_id,
        "payment_basis_share": th.delay_payment_basis_share,
        "scan_start": min(windows["baseline_start"], windows["trend_start"]),
    }
    payers: dict[str, PayerDelays] = {}
    for r in conn.execute(sql("delayguard_payers"), params).mappings():
        p = payers.setdefault(
            r["payer"], PayerDelays(r["payer"], r["completeness"], r["by_payment"], {}, {})
        )
        target = p.windows if r["kind"] == "window" else p.weeks
        target[r["bucket"]] = Bucket(r["n"], r["mean_days"], r["var_days"], float(r["dollars"]))
    return list(payers.values())


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DelayGuard signals for one customer and `as_of`."""
    payers = payer_delays(conn, customer_id, as_of, th)
    windows = th.delay_windows(as_of)
    return _slowdowns(customer_id, as_of, windows, payers, th) + _trends(
        customer_id, as_of, windows, payers, th
    )


def _slowdowns(customer_id, as_of, windows, payers, th) -> list[Signal]:
    tested = [
        (p, p.windows[0], p.windows[1])
        for p in payers
        if {0, 1} <= p.windows.keys() and min(p.windows[0].n, p.windows[1].n) >= th.delay_min_claims
    ]
    raw = [stats.welch_p(b.mean, b.var, b.n, c.mean, c.var, c.n) for _, b, c in tested]
    found = []
    for (p, base, cur), p_raw, q in zip(tested, raw, stats.benjamini_hochberg(raw), strict=True):
        delta = cur.mean - base.mean
        if delta < th.delay_min_low_delta or q >= th.delay_max_p:
            continue
        dollars = cur.dollars / th.delay_current_days * delta
        summary = (
            f"{p.payer} paid {delta:.1f} days slower in the {th.delay_current_days} days to "
            f"{day_before(as_of)}: {cur.mean:.1f} days from submission against "
            f"{base.mean:.1f} before; about {money(dollars)} of cash delayed."
        )
        span = (windows["current_start"], windows["current_end"])
        baseline = (windows["baseline_start"], windows["baseline_end"])
        found.append(
            _signal(
                customer_id,
                as_of,
                th,
                p,
                "payment_slowdown",
                span,
                baseline,
                (base, cur),
                (p_raw, q),
                dollars,
                summary,
                {},
            )
        )
    return found


def _trends(customer_id, as_of, windows, payers, th) -> list[Signal]:
    weeks = th.trend_weeks
    candidates = []
    for p in payers:
        series = [p.weeks.get(i) for i in range(weeks)]
        if any(b is None or b.n < th.trend_min_claims_per_week for b in series):
            continue
        start = _trend_start(series, th)
        if start is not None:
            first, last = series[start], series[-1]
            raw = stats.welch_p(first.mean, first.var, first.n, last.mean, last.var, last.n)
            candidates.append((p, series, start, raw))
    adjusted = stats.benjamini_hochberg([c[3] for c in candidates])
    found = []
    for (p, series, start, p_raw), q in zip(candidates, adjusted, strict=True):
        first, last = series[start], series[-1]
        if q >= th.delay_max_p:
            continue
        delta = last.mean - first.mean
        dollars = last.dollars / 7 * delta
        summary = (
            f"{p.payer}'s days to payment rose week after week: {first.mean:.1f} → "
            f"{last.mean:.1f} days over the {weeks - start} weeks to {day_before(as_of)}."
        )
        first_week = windows["trend_start"] + timedelta(days=7 * start)
        details = {
            "weekly_mean_days": [round(b.mean, 2) for b in series],
            "weekly_claims": [b.n for b in series],
            "rising_weeks": weeks - start,
        }
        found.append(
            _signal(
                customer_id,
                as_of,
                th,
                p,
                "payment_timing_trend",
                (windows["trend_start"], windows["current_end"]),
                (first_week, first_week + timedelta(days=7)),
                (first, last),
                (p_raw, q),
                dollars,
                summary,
                details,
            )
        )
    return found


def _trend_start(series: list[Bucket], th: SignalThresholds) -> int | None:
    """Index of the week the rise is measured from, or None when there is no rising trend.

    Two ways to qualify (seed): a streak of ≥ 2 week-over-week increases ending at the newest
    week that rose at least the low-severity floor, or a total rise ≥ 7 days since the first
    week. When both do, the larger rise is reported.
    """
    means = [b.mean for b in series]
    streak = 0
    while streak < len(means) - 1 and means[-1 - streak] > means[-2 - streak]:
        streak += 1
    starts = []
    first = len(means) - 1 - streak
    if streak >= th.trend_min_streak and means[-1] - means[first] >= th.delay_min_low_delta:
        starts.append(first)
    if means[-1] - means[0] >= th.trend_min_total_rise:
        starts.append(0)
    return min(starts, key=lambda i: means[i]) if starts else None


def _signal(customer_id, as_of, th, p, kind, span, baseline, buckets, ps, dollars, summary, extra):
    base, cur = buckets
    p_raw, q = ps
    delta = cur.mean - base.mean
    confidence = stats.delay_confidence(
        base.n,
        cur.n,
        p.completeness,
        full_at=th.delay_confidence_claims,
        volume_weight=th.delay_confidence_volume_weight,
        completeness_full=th.delay_completeness_full,
    )
    label = "low"
    for min_delta, min_confidence, name in th.delay_levels:
        if delta >= min_delta and confidence >= min_confidence:
            label = name
            break
    details = {
        "date_basis": "payment_date" if p.by_payment else "decided_date",
        "payment_date_completeness": round(p.completeness, 4),
        "p_raw": p_raw,
        "unit": "days",
    } | extra
    return Signal(
        customer_id=customer_id,
        product=PRODUCT,
        type=kind,
        payer=p.payer,
        key=None,
        direction="up",
        as_of=as_of,
        window_start=span[0],
        window_end=span[1],
        baseline_start=baseline[0],
        baseline_end=baseline[1],
        baseline_value=base.mean,
        current_value=cur.mean,
        delta=delta,
        n_baseline=base.n,
        n_current=cur.n,
        p_value=q,
        severity=min(delta / th.delay_severity_scale, 1.0),
        severity_label=label,
        confidence=confidence,
        dollars_at_risk=dollars,
        summary=summary,
        details=details,
    )

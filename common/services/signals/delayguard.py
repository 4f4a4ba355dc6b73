"""DelayGuard (SPEC 3.3): payment delays per payer — slowdowns and a rising weekly trend.

Days to payment = payment_date − submitted_date, cohort on payment_date; a payer whose export
lacks payment dates (fewer than half its PAID claims carry one) is measured on decided_date
instead, and `details.date_basis` says which. Windows: current [as_of − 14 d, as_of) and the
60 days before it; trend over the 6 weeks before as_of; `payment_aging` (its own module) sees a
slowdown before the late payments land. Slowdowns only. Besides the seed's
Δ and confidence rules, a Welch t-test (BH-adjusted over the payers tested) must give p < 0.01
so that a 10-claim payer's noise does not page anyone; the trend is the least-squares slope of
the weekly means with its t-test (the seed's streak rule compared the lowest and highest of
six noisy weeks, and fired on noise every few payer-months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal, delay_confidence, label_for
from common.domain.thresholds import SignalThresholds
from common.services.signals.base import run_fields
from common.services.signals.clustering import design_effects
from common.services.signals.payment_aging import aging_signals
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
    design_effect: float = 1.0  # Σm²/Σm: a claim's lines are paid on one day


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
    if payers:
        effects = design_effects(conn, customer_id, th)
        for p in payers.values():
            p.design_effect = effects.for_days(p.payer)
    return list(payers.values())


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DelayGuard signals for one customer and `as_of`."""
    payers = payer_delays(conn, customer_id, as_of, th)
    windows = th.delay_windows(as_of)
    run = _Run(th, windows, run_fields(PRODUCT, customer_id, as_of, windows))
    return run.slowdowns(payers) + run.trends(payers) + aging_signals(conn, customer_id, as_of, th)


@dataclass(frozen=True)
class _Run:
    th: SignalThresholds
    windows: dict
    fields: dict

    def slowdowns(self, payers: list[PayerDelays]) -> list[Signal]:
        """Current-window mean days to payment up ≥ 2 days on the baseline (Welch, BH)."""
        th = self.th
        tested = [
            (p, p.windows[0], p.windows[1])
            for p in payers
            if {0, 1} <= p.windows.keys()
            and min(p.windows[0].n, p.windows[1].n) >= th.delay_min_claims
        ]
        raw = [
            stats.welch_p(b.mean, b.var, b.n, c.mean, c.var, c.n, p.design_effect)
            for p, b, c in tested
        ]
        found = []
        for (p, base, cur), p_raw, q in zip(
            tested, raw, stats.benjamini_hochberg(raw), strict=True
        ):
            delta = cur.mean - base.mean
            if delta < th.delay_min_low_delta or q >= th.delay_max_p:
                continue
            dollars = cur.dollars / th.delay_current_days * delta
            summary = (
                f"{p.payer} paid {delta:.1f} days slower in the {th.delay_current_days} days to "
                f"{day_before(self.fields['as_of'])}: {cur.mean:.1f} days from submission "
                f"against {base.mean:.1f} before; about {money(dollars)} of cash delayed."
            )
            found.append(
                self._signal("payment_slowdown", p, (base, cur), (p_raw, q), dollars, summary)
            )
        return found

    def trends(self, payers: list[PayerDelays]) -> list[Signal]:
        """Weekly mean days rising along a line over the trend span: the least-squares slope's
        one-sided t-test (BH over every payer with enough claims each week), and a fitted rise
        of at least the low-severity floor (2 days) from the first week to the newest."""
        th = self.th
        tested = []
        for p in payers:
            series = [p.weeks.get(i) for i in range(th.trend_weeks)]
            if all(b is not None and b.n >= th.trend_min_claims_per_week for b in series):
                slope, p_raw = stats.linear_trend([b.mean for b in series])
                tested.append((p, series, slope, p_raw))
        adjusted = stats.benjamini_hochberg([t[3] for t in tested])
        return [
            self._trend(p, series, slope, (p_raw, q))
            for (p, series, slope, p_raw), q in zip(tested, adjusted, strict=True)
            if q < th.delay_max_p and slope * (len(series) - 1) >= th.delay_min_low_delta
        ]

    def _trend(self, p: PayerDelays, series: list[Bucket], slope: float, ps) -> Signal:
        first, last = series[0], series[-1]
        weeks = len(series)
        # the fitted line's first and newest week: one noisy week does not make the size
        centre = sum(b.mean for b in series) / weeks
        start = centre - slope * (weeks - 1) / 2
        end = start + slope * (weeks - 1)
        summary = (
            f"{p.payer}'s days to payment rose week after week: about {slope:.1f} days a week, "
            f"{start:.1f} → {end:.1f} days over the {weeks} weeks to "
            f"{day_before(self.fields['as_of'])}."
        )
        spans = {
            "window_start": self.windows["trend_start"],
            "baseline_start": self.windows["trend_start"],
            "baseline_end": self.windows["trend_start"] + timedelta(days=7),
        }
        details = {
            "weekly_mean_days": [round(b.mean, 2) for b in series],
            "weekly_claims": [b.n for b in series],
            "slope_days_per_week": round(slope, 3),
            "test": "least-squares slope, one-sided t",
        }
        fitted = (
            Bucket(first.n, start, first.var, first.dollars),
            Bucket(last.n, end, last.var, last.dollars),
        )
        dollars = last.dollars / 7 * (end - start)
        return self._signal("payment_timing_trend", p, fitted, ps, dollars, summary, details, spans)

    def _signal(self, kind, p: PayerDelays, buckets, ps, dollars, summary, extra=None, spans=None):
        th = self.th
        (base, cur), (p_raw, q) = buckets, ps
        delta = cur.mean - base.mean
        confidence = delay_confidence(
            base.n, cur.n, p.completeness, full_at=th.delay_confidence_claims,
            volume_weight=th.delay_confidence_volume_weight,
            completeness_full=th.delay_completeness_full,
        )  # fmt: skip
        level = next(
            (name for d, c, name in th.delay_levels if delta >= d and confidence >= c), "low"
        )
        severity = _level_severity(delta / th.delay_severity_scale, level)
        details = {
            "date_basis": "payment_date" if p.by_payment else "decided_date",
            "payment_date_completeness": round(p.completeness, 4),
            "design_effect": round(p.design_effect, 3),
            "p_raw": p_raw,
            "unit": "days",
        } | (extra or {})
        return Signal(
            **(self.fields | (spans or {})),
            type=kind,
            payer=p.payer,
            key=None,
            direction="up",
            baseline_value=base.mean,
            current_value=cur.mean,
            delta=delta,
            n_baseline=base.n,
            n_current=cur.n,
            p_value=q,
            severity=severity,
            severity_label=label_for(severity, th.severity_labels),
            confidence=confidence,
            dollars_at_risk=dollars,
            summary=summary,
            details=details,
        )


# The severity range of each seed level (SPEC 3.3), so that the label every product derives from
# the severity (SPEC 3: ≥ 1.0 critical, ≥ 0.75 high, ≥ 0.5 medium) is the seed's level.
_LEVEL_RANGES = {"critical": (1.0, 1.0), "high": (0.75, 0.99), "medium": (0.5, 0.74)}


def _level_severity(size: float, level: str) -> float:
    low, high = _LEVEL_RANGES.get(level, (0.0, 0.49))
    return min(max(size, low), high)

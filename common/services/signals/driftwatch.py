"""DriftWatch (SPEC 3.1): denial-rate and decision-time drift per (payer, cpt_group).

Windows on decided_date, half-open, from one `as_of`: current [as_of − 14 d, as_of) and the
90 days immediately before it as baseline, so the two never overlap and a recent change cannot
dilute its own baseline. Population PAID + DENIED; a group is tested when both windows hold
≥ 30 claims. Each metric is one family: Benjamini–Hochberg runs over every group tested in the
run for that metric, and a signal needs the adjusted p < 0.01 and the effect-size floor.
Decision days are a claim's, shared by all its lines: the Mann–Whitney variance is scaled by
the cell's design effect (lines per claim, `clustering.design_effects`), or a 3-line claim would
count as three independent observations and the test would fire on noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal, direction_of, label_for, volume_confidence
from common.domain.thresholds import SignalThresholds
from common.domain.upload_quality import lag_basis
from common.services.signals.base import run_fields
from common.services.signals.clustering import design_effects
from common.services.signals.text import day_before, money, pct, points

PRODUCT = "driftwatch"


@dataclass
class GroupStats:
    """One (payer, cpt_group): window totals and decision-days histograms."""

    payer: str
    group: str
    n_baseline: int
    denied_baseline: int
    n_current: int
    denied_current: int
    dollars_current: float
    n_service: int = 0  # lines whose lag runs from service_date (SPEC 2.2 †)
    days_baseline: dict[int, int] = field(default_factory=dict)
    days_current: dict[int, int] = field(default_factory=dict)
    design_effect: float = 1.0  # Σm²/Σm over the cell's claims of m lines
    rate_design_effect: float = 1.0  # how far its denials cluster within claims


def group_stats(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds):
    """Eligible groups with their aggregates (one set-based query)."""
    params = th.drift_windows(as_of) | {
        "customer_id": customer_id,
        "min_claims": th.drift_min_claims,
    }
    groups: dict[tuple[str, str], GroupStats] = {}
    for r in conn.execute(sql("driftwatch_groups"), params).mappings():
        key = (r["payer"], r["cpt_group"])
        if key not in groups:
            groups[key] = GroupStats(
                r["payer"],
                r["cpt_group"],
                r["n_baseline"],
                r["denied_baseline"],
                r["n_current"],
                r["denied_current"],
                float(r["dollars_current"]),
                r["n_service"],
            )
        hist = groups[key].days_current if r["is_current"] else groups[key].days_baseline
        hist[r["days"]] = r["n"]
    if groups:
        effects = design_effects(conn, customer_id, th)
        for (payer, group), g in groups.items():
            g.design_effect = effects.for_days(payer, group)
            g.rate_design_effect = effects.for_rate(payer, group)
    return list(groups.values())


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DriftWatch signals for one customer and `as_of`."""
    groups = group_stats(conn, customer_id, as_of, th)
    windows = th.drift_windows(as_of)
    return _rate_signals(customer_id, as_of, windows, groups, th) + _days_signals(
        customer_id, as_of, windows, groups, th
    )


def _rate_signals(customer_id, as_of, windows, groups, th) -> list[Signal]:
    raw = [
        stats.proportion_test_p(
            g.denied_baseline,
            g.n_baseline,
            g.denied_current,
            g.n_current,
            th.test_min_expected,
            g.rate_design_effect,
        )  # fmt: skip
        for g in groups
    ]
    found = []
    for g, p_raw, q in zip(groups, raw, stats.benjamini_hochberg(raw), strict=True):
        before, now = g.denied_baseline / g.n_baseline, g.denied_current / g.n_current
        delta = now - before
        if abs(delta) < th.drift_min_rate_delta or q >= th.drift_max_p:
            continue
        severity = _severity(abs(delta) / th.drift_rate_severity_scale, delta, th)
        word = "rose" if delta > 0 else "fell"
        dollars = delta * g.dollars_current
        summary = (
            f"{g.payer}'s denial rate for {g.group} {word} from {pct(before)} to {pct(now)} "
            f"({points(delta)}) in the {th.drift_current_days} days to "
            f"{day_before(as_of)}, about {money(abs(dollars))} of billed charges "
            f"{'newly at risk' if delta > 0 else 'less at risk'}."
        )
        found.append(
            _signal(
                customer_id,
                as_of,
                windows,
                g,
                th,
                "denial_rate",
                (before, now, delta),
                (p_raw, q),
                severity,
                dollars,
                summary,
            )
        )
    return found


def _days_signals(customer_id, as_of, windows, groups, th) -> list[Signal]:
    raw = [stats.mann_whitney_p(g.days_baseline, g.days_current, g.design_effect) for g in groups]
    found = []
    for g, p_raw, q in zip(groups, raw, stats.benjamini_hochberg(raw), strict=True):
        before = stats.histogram_median(g.days_baseline)
        now = stats.histogram_median(g.days_current)
        delta = now - before
        if abs(delta) < th.drift_min_days_delta or q >= th.drift_max_p:
            continue
        severity = _severity(abs(delta) / th.drift_days_severity_scale, delta, th)
        word = "slower" if delta > 0 else "faster"
        summary = (
            f"{g.payer} decides {g.group} claims {abs(delta):.1f} days {word}: median "
            f"{now:.1f} days in the {th.drift_current_days} days to {day_before(as_of)}, "
            f"against {before:.1f} before."
        )
        found.append(
            _signal(
                customer_id,
                as_of,
                windows,
                g,
                th,
                "decision_time",
                (before, now, delta),
                (p_raw, q),
                severity,
                None,
                summary,
            )
        )
    return found


def _severity(size: float, delta: float, th) -> float:
    """min(size, 1) for a rise; a decrease (good news) scaled down so it informs, not alerts."""
    severity = min(size, 1.0)
    return severity if delta > 0 else severity * th.drift_decrease_severity_factor


def _signal(customer_id, as_of, windows, g, th, metric, values, ps, severity, dollars, summary):
    before, now, delta = values
    p_raw, q = ps
    kind = "increase" if delta > 0 else "decrease"
    details = {
        "p_raw": p_raw,
        "metric": metric,
        "population": "PAID+DENIED",
        "lag_basis": lag_basis(g.n_service, g.n_baseline + g.n_current),
    }
    if metric == "decision_time":
        details["design_effect"] = round(g.design_effect, 3)
    if metric == "denial_rate":
        details |= {
            "design_effect": round(g.rate_design_effect, 3),
            "denied_baseline": g.denied_baseline,
            "denied_current": g.denied_current,
            "billed_current": round(g.dollars_current, 2),
        }
    return Signal(
        **run_fields(PRODUCT, customer_id, as_of, windows),
        type=f"{metric}_{kind}",
        payer=g.payer,
        key=g.group,
        direction=direction_of(delta),
        baseline_value=before,
        current_value=now,
        delta=delta,
        n_baseline=g.n_baseline,
        n_current=g.n_current,
        p_value=q,
        severity=severity,
        severity_label=label_for(severity, th.severity_labels),
        confidence=volume_confidence(g.n_baseline, g.n_current, th.drift_confidence_claims, q),
        dollars_at_risk=dollars,
        summary=summary,
        details=details,
    )

"""Every number the signal products use (SPEC §3), in one object, per-customer overridable.

Values marked (seed) come from the system Upstream replaces. A customer overrides any field
through `customers.settings["signals"]`, e.g. `{"signals": {"drift_min_claims": 50}}`.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, timedelta

log = logging.getLogger(__name__)

Cutoffs = tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class SignalThresholds:
    """Windows, sample minimums, effect sizes, test levels, severity cut-offs and dollars."""

    # Labels for a 0–1 severity (DriftWatch) and for DenialScope's ratio (seed cut-offs).
    severity_labels: Cutoffs = ((1.0, "critical"), (0.75, "high"), (0.5, "medium"))
    # Proportion tests use the z-test only where every expected cell count reaches this;
    # below it Fisher's exact test (the z-test's tail is far too thin at small counts).
    test_min_expected: float = 5.0
    # Decision and payment days are shared by a claim's lines: Mann–Whitney's and Welch's
    # variances × the design effect Σm²/Σm, measured per cell and payer on the tenant's
    # latest lines (a bounded read); a cell or payer with fewer sampled lines uses the wider one
    design_sample_lines: int = 20_000
    design_min_lines: int = 30

    # DriftWatch (SPEC 3.1): windows on decided_date, PAID + DENIED.
    drift_baseline_days: int = 90  # (seed) the 90 days before the current window
    drift_current_days: int = 14  # (seed)
    drift_min_claims: int = 30  # (seed) per window
    drift_min_rate_delta: float = 0.05  # (seed) |Δ denial rate|
    drift_min_days_delta: float = 3.0  # (seed) |Δ median decision days|
    drift_max_p: float = 0.01  # after Benjamini–Hochberg
    # severity of a rise = min(|Δrate| / 0.10, 1): +5 points medium, +7.5 high, +10 critical
    # (the seed's min(2·|Δrate|, 1) labelled a tripled denial rate "low" and never alerted)
    drift_rate_severity_scale: float = 0.10
    drift_decrease_severity_factor: float = 0.3  # decreases are good news: they inform
    drift_days_severity_scale: float = 10.0  # (seed) severity = min(|Δdays| / 10, 1)
    drift_confidence_claims: int = 120  # (seed) confidence = min((n_b + n_c) / 120, 1)·(1 − p)

    # DenialScope (SPEC 3.2): windows on decided_date, per (payer, reason).
    denial_recent_days: int = 7  # (seed)
    denial_baseline_days: int = 28  # (seed) the 28 days before the recent window
    denial_min_claims: int = 30  # payer claims per window for rate and dollar comparisons
    # new_denial_reason: first denied within the last new_reason_episode_days (28) and absent
    # for the payer over the 180 days before them, ≥ 5 recent denials, and a Poisson test
    # against the payer's background rate of rare reasons (SPEC 3.2); new (and one episode)
    # for those 28 days, so later weeks of a new reason are measured, not only its first
    denial_new_reason_min: int = 5
    denial_new_reason_lookback_days: int = 180
    denial_rare_reason_max: int = 2  # a reason seen at most this often in the lookback is rare
    denial_new_reason_floor_per_week: float = 0.25  # expected new-reason denials, at least
    denial_new_reason_high: int = 10  # 10 new denials a week for one payer is at least high
    denial_new_reason_critical_dollars: float = 20_000.0
    denial_rate_min_relative: float = 0.5  # (seed) reason rate up ≥ 50 % relative …
    denial_rate_min_points: float = 0.02  # (seed) … and ≥ 2 points
    denial_max_p: float = 0.01  # (seed) after Benjamini–Hochberg
    # reason_rate_spike: exact one-sided test of the reason's denials per claim (conditional
    # binomial), BH over every known reason of every eligible payer, and ≥ 5 recent denials
    # (the z-test's thin tail fired on 2.3 % → 6.0 % of a payer's claims by chance)
    denial_spike_min_denials: int = 5
    denial_dollars_min_relative: float = 0.5  # (seed) per-day denied dollars up ≥ 50 % …
    denial_dollars_min_per_day: float = 1000.0  # (seed) … and up ≥ $1,000 per day
    # … on ≥ 5 denied lines, and significant against the payer's own history: the recent
    # 7-day sum against the 13 seven-day sums of the 91 days before it, as a t prediction
    # interval on log(1 + dollars) (dollars are skewed; the seed-era normal test on daily
    # dollars raised 3 false critical spikes in 240 untouched payer-weeks)
    denial_dollars_min_denials: int = 5
    denial_dollars_lookback_days: int = 91  # whole 7-day periods: 13
    denial_dollars_high: float = 50_000.0  # (seed) a report/dashboard level, not a signal
    denial_confidence_claims: int = 120
    new_reason_episode_days: int = 28  # also the span a first-denied reason stays new

    # DelayGuard (SPEC 3.3): per payer, PAID claims, cohort on payment (else decided) date.
    delay_current_days: int = 14  # (seed)
    delay_baseline_days: int = 60  # (seed) the 60 days before the current window
    delay_min_claims: int = 10  # (seed) per window
    delay_payment_basis_share: float = 0.5  # payment dates on ≥ this share → use them
    delay_levels: tuple[tuple[float, float, str], ...] = (  # (seed) (Δdays, confidence, label)
        (10.0, 0.75, "critical"),
        (7.0, 0.65, "high"),
        (4.0, 0.55, "medium"),
    )
    delay_min_low_delta: float = 2.0  # (seed) a low signal needs Δ ≥ 2 days
    delay_max_p: float = 0.01  # Welch's t-test after BH: keeps small payers' noise out
    delay_severity_scale: float = 10.0  # severity = min(Δdays / 10, 1)
    delay_confidence_claims: int = 40  # (seed)
    # payment_aging: PAID lines of the current 14 days paid by now against what the baseline's
    # same-weekday lines had paid at each line's age (one-sided z, design effect, BH over the
    # payers); fire at a shortfall ≥ 10 points of the current lines (p < 0.01); 20 critical
    delay_aging_min_points: float = 0.10
    delay_aging_severity_points: float = 0.20
    delay_confidence_volume_weight: float = 0.7  # (seed)
    delay_completeness_full: float = 0.8  # (seed)
    # payment_timing_trend: weekly mean days over 6 weeks, least-squares slope with its
    # one-sided t-test (4 degrees of freedom) at p < delay_max_p after BH over the payers with
    # ≥ 10 claims every week, and a fitted rise ≥ delay_min_low_delta over the span. (The
    # seed's "streak of 2 rises or a total rise of 7 days" with a Welch test between the
    # streak's first and last week picked the extremes of a noisy series: 5.2 false trends
    # per 100 untouched payer-weeks in the backtest.)
    trend_weeks: int = 6  # (seed: 4; 6 makes critical reachable)
    trend_min_claims_per_week: int = 10

    def episode_days(self, product: str, kind: str) -> int:
        """How long an episode stays open without firing: the product's current window; a new
        denial reason stays one episode for 28 days (SPEC 3.2)."""
        if kind == "new_denial_reason":
            return self.new_reason_episode_days
        return {
            "driftwatch": self.drift_current_days,
            "denialscope": self.denial_recent_days,
            "delayguard": self.delay_current_days,
        }[product]

    def longest_current_days(self) -> int:
        """The longest recent window any product compares: data older than this raises nothing."""
        return max(self.drift_current_days, self.denial_recent_days, self.delay_current_days)

    def drift_windows(self, as_of: date) -> dict[str, date]:
        """Current [as_of − 14 d, as_of) and the 90 days before it, half-open."""
        return _windows(as_of, self.drift_current_days, self.drift_baseline_days)

    def denial_windows(self, as_of: date) -> dict[str, date]:
        """Recent [as_of − 7 d, as_of) and the 28 days before it, half-open."""
        return _windows(as_of, self.denial_recent_days, self.denial_baseline_days)

    def delay_windows(self, as_of: date) -> dict[str, date]:
        """Current [as_of − 14 d, as_of), the 60 days before it, and the 6-week trend span."""
        windows = _windows(as_of, self.delay_current_days, self.delay_baseline_days)
        windows["trend_start"] = as_of - timedelta(days=7 * self.trend_weeks)
        return windows


def _windows(as_of: date, current_days: int, baseline_days: int) -> dict[str, date]:
    current_start = as_of - timedelta(days=current_days)
    return {
        "baseline_start": current_start - timedelta(days=baseline_days),
        "baseline_end": current_start,
        "current_start": current_start,
        "current_end": as_of,
    }


DEFAULT_THRESHOLDS = SignalThresholds()


def thresholds_for(customer_settings: dict | None) -> SignalThresholds:
    """Defaults with the customer's `settings["signals"]` overrides applied.

    Unknown names and values of the wrong type are ignored with a warning: a typo in one
    customer's settings must not stop their signals.
    """
    overrides = (customer_settings or {}).get("signals") or {}
    if not isinstance(overrides, dict):
        log.warning("customer signal settings are not an object; using defaults")
        return DEFAULT_THRESHOLDS
    fields = {f.name: f for f in dataclasses.fields(SignalThresholds)}
    changes = {}
    for name, value in overrides.items():
        default = getattr(DEFAULT_THRESHOLDS, name, None)
        if name not in fields or isinstance(default, tuple):
            log.warning("unknown signal setting ignored", extra={"setting": name})
            continue
        try:
            changes[name] = _coerce(default, value)
        except (TypeError, ValueError):
            log.warning("bad signal setting ignored", extra={"setting": name})
    return dataclasses.replace(DEFAULT_THRESHOLDS, **changes)


def _coerce(default, value):
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    if float(value) < 0:
        raise ValueError("negative")
    if isinstance(default, int):
        if float(value) != int(value):
            raise ValueError("not an integer")
        return int(value)
    return float(value)

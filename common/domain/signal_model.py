"""A detected change in payer behaviour, as every product reports it (DESIGN §5c)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

PRODUCTS = ("driftwatch", "denialscope", "delayguard")
DIRECTIONS = ("up", "down")
# Types that measure one change differently share an episode: a payer paying later shows first
# as unpaid approvals (payment_aging), then as slower payments (payment_slowdown) and a rising
# weekly trend; a new denial reason goes on as a rate spike of that reason — one persisting
# change, one episode, one alert (SPEC 3, 4).
EPISODE_FAMILIES = {
    "payment_aging": "payment_delay",
    "payment_slowdown": "payment_delay",
    "payment_timing_trend": "payment_delay",
    # a new denial reason becomes a known reason's rate spike once it enters the lookback
    "new_denial_reason": "denial_reason",
    "reason_rate_spike": "denial_reason",
    # the same per CARC family (signals/denial_families.py)
    "new_denial_family": "denial_family",
    "family_rate_spike": "denial_family",
}


@dataclass(frozen=True)
class Signal:
    """One run's finding. Its `episode_key` (product, type, payer, key) says which episode it
    observes: a new one, or an open one it updates (services/signals/store.py).

    `key` is the cpt_group (DriftWatch) or denial reason (DenialScope); None when payer-level.
    Windows are half-open [start, end). `p_value` is the Benjamini–Hochberg adjusted value the
    decision used (the raw one is in `details`), None where no test applies.
    """

    customer_id: str
    product: str
    type: str
    payer: str
    key: str | None
    direction: str
    as_of: date
    window_start: date
    window_end: date
    baseline_start: date | None
    baseline_end: date | None
    baseline_value: float | None
    current_value: float | None
    delta: float | None
    n_baseline: int | None
    n_current: int | None
    p_value: float | None
    severity: float
    severity_label: str
    confidence: float
    dollars_at_risk: float | None
    summary: str
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.product not in PRODUCTS:
            raise ValueError(f"unknown product {self.product!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be up or down, not {self.direction!r}")
        if not 0.0 <= self.severity <= 1.0 or not 0.0 <= self.confidence <= 1.0:
            raise ValueError("severity and confidence must lie in [0, 1]")
        if self.window_start >= self.window_end:
            raise ValueError("window_start must precede window_end")

    @property
    def episode_key(self) -> str:
        """sha256 of (product, type family, payer, key): the identity of the condition (SPEC 3);
        one open episode per customer and key. Migration 0011 computes the same in SQL."""
        family = EPISODE_FAMILIES.get(self.type, self.type)
        parts = (self.product, family, self.payer, self.key if self.key is not None else "\x1e")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def fingerprint(self, first_seen: date) -> str:
        """sha256 of (customer, identity, first seen): unique per episode."""
        parts = (str(self.customer_id), self.episode_key, first_seen.isoformat())
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def observation(self) -> dict:
        """This run's values, as an episode's history row stores them."""
        return {
            "customer_id": self.customer_id,
            "as_of": self.as_of,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "baseline_value": self.baseline_value,
            "current_value": self.current_value,
            "delta": self.delta,
            "n_baseline": self.n_baseline,
            "n_current": self.n_current,
            "p_value": self.p_value,
            "severity": round(self.severity, 4),
            "severity_label": self.severity_label,
            "confidence": round(self.confidence, 4),
            "dollars_at_risk": _cents(self.dollars_at_risk),
        }

    def row(self) -> dict:
        """Column values for a new `signals` row: an episode first seen at this as_of."""
        return self.latest() | {
            "customer_id": self.customer_id,
            "product": self.product,
            "type": self.type,
            "payer": self.payer,
            "key": self.key,
            "episode_key": self.episode_key,
            "fingerprint": self.fingerprint(self.as_of),
            "first_seen_as_of": self.as_of,
            "last_seen_as_of": self.as_of,
            "times_seen": 1,
            "peak_label": self.severity_label,
        }

    def latest(self) -> dict:
        """The columns a later observation of the same episode replaces."""
        return self.observation() | {
            "type": self.type,  # within a family, the measure that fired last
            "direction": self.direction,
            "baseline_start": self.baseline_start,
            "baseline_end": self.baseline_end,
            "summary": self.summary,
            "details": self.details,
        }


def _cents(amount: float | None) -> float | None:
    return None if amount is None else round(amount, 2)


def direction_of(delta: float) -> str:
    """'up' for a rise, 'down' for a fall."""
    return "up" if delta >= 0 else "down"


# Severity labels and confidence: how a product's numbers are presented on its signal.


def label_for(value: float, cutoffs: Sequence[tuple[float, str]], default: str = "low") -> str:
    """The first label whose cut-off `value` reaches; cut-offs are ordered high to low.

    The value is rounded to two decimals first, as it is shown: 0.49999… is 0.5, medium.
    """
    value = round(value, 2)
    for cutoff, label in cutoffs:
        if value >= cutoff:
            return label
    return default


def volume_confidence(n_baseline: int, n_current: int, full_at: int, p_value: float) -> float:
    """min((n_b + n_c) / full_at, 1) scaled by (1 − p): more data and a clearer test → surer."""
    return min((n_baseline + n_current) / full_at, 1.0) * (1.0 - p_value)


def delay_confidence(
    n_baseline: int,
    n_current: int,
    completeness: float,
    *,
    full_at: int,
    volume_weight: float,
    completeness_full: float,
) -> float:
    """DelayGuard: w·min(1, n/full_at) + (1−w)·min(1, completeness/completeness_full)."""
    volume = min(1.0, (n_baseline + n_current) / full_at)
    dates = min(1.0, completeness / completeness_full) if completeness_full > 0 else 1.0
    return volume_weight * volume + (1 - volume_weight) * dates

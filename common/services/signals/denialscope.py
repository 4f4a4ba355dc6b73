"""DenialScope (SPEC 3.2): denial dollars and reasons per (payer, denial reason).

Windows on decided_date, half-open: recent [as_of − 7 d, as_of) and the 28 days before it.
Counts and dollars are compared per day, reasons as a rate over the payer's PAID + DENIED
claims (and reported as a share of its denials). Every signal is tested, Benjamini–Hochberg
adjusted over its family in the run (every unit tested, before any effect floor: selecting on
the effect first would leave BH nothing to correct): reason-rate spikes (exact one-sided test
of the reason's denials per claim against the baseline's), new reasons (a Poisson test against
the payer's background rate of rare reasons over 180 days), dollar spikes (the recent 7-day
sum against the payer's 13 weekly sums before it, a t prediction interval on log dollars).
Severity of a spike is its relative rise, so the smallest rise that fires (+50 %) is medium;
of a new reason, its count and dollars (10 a week is high). High denied dollars are a level,
reported by the weekly report and the dashboard, not a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from common.domain import stats
from common.domain.signal_model import Signal, label_for, volume_confidence
from common.domain.thresholds import SignalThresholds
from common.services.signals.base import run_fields
from common.services.signals.clustering import design_effects
from common.services.signals.denial_data import Counts, History, counts, history
from common.services.signals.denial_families import (
    FAMILY_SPIKE,
    NEW_FAMILY,
    beyond_reasons,
    family_lookback,
    label,
)
from common.services.signals.denial_families import by_family as families_of
from common.services.signals.text import day_before, money, pct, points

PRODUCT = "denialscope"
REASON_SPIKE, NEW_REASON = "reason_rate_spike", "new_denial_reason"


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DenialScope signals for one customer and `as_of`."""
    totals, reasons = counts(conn, customer_id, as_of, th)
    fields = run_fields(PRODUCT, customer_id, as_of, th.denial_windows(as_of))
    past = history(conn, customer_id, as_of, th)
    if totals:
        effects = design_effects(conn, customer_id, th)
        past.clustering = {payer: effects.for_rate(payer) for payer in totals}
    run = _Run(th, totals, fields, past)
    found = run.reason_spikes(reasons) + run.new_reasons(reasons, past.reason_lookback)
    families = families_of(reasons)
    family_found = run.reason_spikes(families, FAMILY_SPIKE, label) + run.new_reasons(
        families, family_lookback(past.reason_lookback), NEW_FAMILY, label
    )
    return found + beyond_reasons(found, family_found) + run.dollar_spikes()


@dataclass(frozen=True)
class _Run:
    th: SignalThresholds
    totals: dict[str, Counts]
    fields: dict
    past: History

    @property
    def span(self) -> str:
        return f"the {self.th.denial_recent_days} days to {day_before(self.fields['as_of'])}"

    def eligible(self, payer: Counts) -> bool:
        """Enough claims in both windows for a comparison."""
        floor = self.th.denial_min_claims
        return payer.n_baseline >= floor and payer.n_current >= floor

    def reason_spikes(self, reasons: list[Counts], kind=REASON_SPIKE, name=str) -> list[Signal]:
        """A known reason's rate over the payer's claims up ≥ 50 % and ≥ 2 points on ≥ 5
        recent denials, with the exact one-sided test at p < 0.01 after BH over every known
        reason of every eligible payer (or the same per CARC family: `kind`, `name`)."""
        th = self.th
        # A reason absent from the baseline is judged as new, not as a spike.
        tested = [r for r in reasons if r.denied_baseline and self.eligible(self.totals[r.payer])]
        raw = [
            stats.binomial_rise_p(
                r.denied_baseline, self.totals[r.payer].n_baseline, r.denied_current,
                self.totals[r.payer].n_current, self.past.clustering.get(r.payer, 1.0),
            )
            for r in tested
        ]  # fmt: skip
        found = []
        for r, p_raw, q in zip(tested, raw, stats.benjamini_hochberg(raw), strict=True):
            payer = self.totals[r.payer]
            before, now = r.denied_baseline / payer.n_baseline, r.denied_current / payer.n_current
            relative = (now - before) / before
            if (
                relative < th.denial_rate_min_relative
                or now - before < th.denial_rate_min_points
                or r.denied_current < th.denial_spike_min_denials
                or q >= th.denial_max_p
            ):
                continue
            summary = (
                f"{r.payer} denied {pct(now)} of claims for {name(r.reason)} in {self.span}, "
                f"up from {pct(before)} ({points(now - before)})."
            )
            dollars = r.dollars_current * (1 - before / now)
            found.append(self._reason(r, kind, relative, (p_raw, q), dollars, summary))
        return found

    def new_reasons(self, reasons: list[Counts], lookback, kind=NEW_REASON, name=str):
        """A reason first denied within the last 28 days (absent for the payer over the 180
        days before them), ≥ 5 recent denials, and more than the payer's background of rare
        reasons explains (Poisson, BH over the candidates); or the same per CARC family."""
        th = self.th
        candidates = [
            r for r in reasons
            if r.denied_current >= th.denial_new_reason_min
            and lookback.get((r.payer, r.reason), 0) == 0
            and self.totals[r.payer].n_baseline >= th.denial_min_claims
        ]  # fmt: skip
        raw = [
            stats.poisson_at_least_p(r.denied_current, self._background(r.payer),
                                     self.past.clustering.get(r.payer, 1.0))
            for r in candidates
        ]  # fmt: skip
        found = []
        for r, p_raw, q in zip(candidates, raw, stats.benjamini_hochberg(raw), strict=True):
            if q >= th.denial_max_p:
                continue
            summary = (
                f"{r.payer} started denying claims for {name(r.reason)}: {r.denied_current} "
                f"denials ({money(r.dollars_current)}) in {self.span}; none in the "
                f"{th.denial_new_reason_lookback_days} days before the last "
                f"{th.new_reason_episode_days}."
            )
            severity = self._new_reason_severity(r)
            found.append(self._reason(r, kind, severity, (p_raw, q), r.dollars_current, summary))
        return found

    def _background(self, payer: str) -> float:
        """Expected recent denials of never-seen reasons: the payer's rare-reason rate."""
        th = self.th
        per_day = self.past.rare.get(payer, 0) / th.denial_new_reason_lookback_days
        floor = th.denial_new_reason_floor_per_week / 7
        return max(per_day, floor) * th.denial_recent_days

    def _new_reason_severity(self, r: Counts) -> float:
        """0.5 at the minimum count, 0.75 at 10 a week, 1.0 at 15; or by dollars if higher."""
        th = self.th
        per_week = r.denied_current * 7 / th.denial_recent_days
        span = th.denial_new_reason_high - th.denial_new_reason_min
        by_count = 0.5 + 0.25 * (per_week - th.denial_new_reason_min) / max(span, 1)
        by_dollars = r.dollars_current / th.denial_new_reason_critical_dollars
        return max(by_count, by_dollars, 0.5)

    def dollar_spikes(self) -> list[Signal]:
        """Per-day denied dollars up ≥ 50 % and ≥ $1,000/day on ≥ 5 denied lines, and the
        recent 7-day sum above what the payer's 13 weekly sums before it predict (log dollars,
        t prediction interval), p < 0.01 after BH over every eligible payer."""
        th = self.th
        tested = []
        for payer in self.totals.values():
            if self.eligible(payer):
                weeks = self.past.dollars.get(payer.payer) or [0.0] * self._periods
                tested.append((payer, stats.log_prediction_p(payer.dollars_current, weeks)))
        adjusted = stats.benjamini_hochberg([t[1] for t in tested])
        found = []
        for (payer, p_raw), q in zip(tested, adjusted, strict=True):
            before = payer.dollars_baseline / th.denial_baseline_days
            now = payer.dollars_current / th.denial_recent_days
            relative = (now - before) / before if before > 0 else float("inf")
            if (
                relative < th.denial_dollars_min_relative
                or now - before < th.denial_dollars_min_per_day
                or payer.denied_current < th.denial_dollars_min_denials
                or q >= th.denial_max_p
            ):
                continue
            summary = (
                f"{payer.payer}'s denied dollars rose to {money(now)} a day in {self.span}, "
                f"from {money(before)} a day before."
            )
            details = {"unit": "dollars_per_day", "ratio": min(relative, 1e9), "p_raw": p_raw}
            found.append(
                self._signal("denial_dollars_spike", payer, None, (before, now), relative,
                             q, (now - before) * th.denial_recent_days, summary, details)
            )  # fmt: skip
        return found

    @property
    def _periods(self) -> int:
        return self.th.denial_dollars_lookback_days // self.th.denial_recent_days

    def _reason(self, r: Counts, kind, ratio, ps, dollars, summary) -> Signal:
        payer = self.totals[r.payer]
        th = self.th
        p_raw, q = ps or (None, None)
        values = (r.denied_baseline / payer.n_baseline, r.denied_current / max(payer.n_current, 1))
        details = {
            "unit": "rate_over_claims",
            "ratio": ratio,
            "p_raw": p_raw,
            "denials_baseline": r.denied_baseline,
            "denials_current": r.denied_current,
            "share_of_denials_baseline": _share(r.denied_baseline, payer.denied_baseline),
            "share_of_denials_current": _share(r.denied_current, payer.denied_current),
            "denials_per_day_baseline": r.denied_baseline / th.denial_baseline_days,
            "denials_per_day_current": r.denied_current / th.denial_recent_days,
        }
        return self._signal(kind, payer, r.reason, values, ratio, q, dollars, summary, details)

    def _signal(self, kind, payer: Counts, key, values, ratio, q, dollars, summary, details):
        before, now = values
        return Signal(
            **self.fields,
            type=kind,
            payer=payer.payer,
            key=key,
            direction="up",
            baseline_value=before,
            current_value=now,
            delta=now - before,
            n_baseline=payer.n_baseline,
            n_current=payer.n_current,
            p_value=q,
            severity=min(max(ratio, 0.0), 1.0),
            severity_label=label_for(min(max(ratio, 0.0), 1.0), self.th.severity_labels),
            confidence=volume_confidence(
                payer.n_baseline, payer.n_current, self.th.denial_confidence_claims, q or 0.0
            ),
            dollars_at_risk=dollars,
            summary=summary,
            details=details,
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None

"""DenialScope (SPEC 3.2): denial dollars and reasons per (payer, denial reason).

Windows on decided_date, half-open: recent [as_of − 7 d, as_of) and the 28 days before it.
Counts and dollars are compared per day, reasons as a rate over the payer's PAID + DENIED
claims (and reported as a share of its denials). Severity comes from a ratio — how far the
measure exceeds its reference, relative to that reference: the baseline for spikes, the
minimum count for a new reason, the $50,000 floor for high dollars — cut at 1.0 / 0.75 / 0.5.
Reason-rate tests are Benjamini–Hochberg adjusted over every (payer, reason) tested in the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal
from common.domain.thresholds import SignalThresholds
from common.services.signals.base import run_fields
from common.services.signals.text import day_before, money, pct, points

PRODUCT = "denialscope"


@dataclass(frozen=True)
class Counts:
    """Claims (payer totals) or denials (one reason) in the two windows."""

    payer: str
    reason: str | None
    n_baseline: int
    n_current: int
    denied_baseline: int
    denied_current: int
    dollars_baseline: float
    dollars_current: float


def counts(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds):
    """(payer totals by payer, reason rows) from one set-based query."""
    params = th.denial_windows(as_of) | {"customer_id": customer_id}
    totals: dict[str, Counts] = {}
    reasons: list[Counts] = []
    for r in conn.execute(sql("denialscope_reasons"), params).mappings():
        row = Counts(
            r["payer"], r["reason"], r["n_baseline"], r["n_current"], r["denied_baseline"],
            r["denied_current"], float(r["dollars_baseline"]), float(r["dollars_current"]),
        )  # fmt: skip
        if row.reason is None:
            totals[row.payer] = row
        else:
            reasons.append(row)
    return totals, reasons


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DenialScope signals for one customer and `as_of`."""
    totals, reasons = counts(conn, customer_id, as_of, th)
    run = _Run(th, totals, run_fields(PRODUCT, customer_id, as_of, th.denial_windows(as_of)))
    found = run.reason_spikes(reasons) + run.new_reasons(reasons)
    for payer in totals.values():
        found += run.dollar_signals(payer)
    return found


@dataclass(frozen=True)
class _Run:
    th: SignalThresholds
    totals: dict[str, Counts]
    fields: dict

    @property
    def span(self) -> str:
        return f"the {self.th.denial_recent_days} days to {day_before(self.fields['as_of'])}"

    def eligible(self, payer: Counts) -> bool:
        """Enough claims in both windows for a comparison."""
        floor = self.th.denial_min_claims
        return payer.n_baseline >= floor and payer.n_current >= floor

    def reason_spikes(self, reasons: list[Counts]) -> list[Signal]:
        """A known reason's rate over the payer's claims up ≥ 50 % and ≥ 2 points, p < 0.01."""
        th = self.th
        # A reason absent from the baseline is judged as new, not as a spike.
        tested = [r for r in reasons if r.denied_baseline and self.eligible(self.totals[r.payer])]
        raw = [
            stats.proportion_test_p(
                r.denied_baseline, self.totals[r.payer].n_baseline, r.denied_current,
                self.totals[r.payer].n_current, th.test_min_expected,
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
                or q >= th.denial_max_p
            ):
                continue
            summary = (
                f"{r.payer} denied {pct(now)} of claims for {r.reason} in {self.span}, "
                f"up from {pct(before)} ({points(now - before)})."
            )
            dollars = r.dollars_current * (1 - before / now)
            found.append(
                self._reason(r, "reason_rate_spike", relative, (p_raw, q), dollars, summary)
            )
        return found

    def new_reasons(self, reasons: list[Counts]) -> list[Signal]:
        """A reason absent from the baseline with ≥ 10 recent denials (payer seen before)."""
        th = self.th
        found = []
        for r in reasons:
            if (
                r.denied_baseline == 0
                and r.denied_current >= th.denial_new_reason_min
                and self.totals[r.payer].n_baseline >= th.denial_min_claims
            ):
                ratio = r.denied_current / th.denial_new_reason_min - 1
                summary = (
                    f"{r.payer} started denying claims for {r.reason}: {r.denied_current} "
                    f"denials ({money(r.dollars_current)}) in {self.span}, none in the "
                    f"{th.denial_baseline_days} days before."
                )
                found.append(
                    self._reason(r, "new_denial_reason", ratio, None, r.dollars_current, summary)
                )
        return found

    def dollar_signals(self, payer: Counts) -> list[Signal]:
        """Per-day denied dollars up ≥ 50 % and ≥ $1,000/day; recent dollars ≥ $50,000."""
        th = self.th
        before = payer.dollars_baseline / th.denial_baseline_days
        now = payer.dollars_current / th.denial_recent_days
        relative = (now - before) / before if before > 0 else float("inf")
        found = []
        if (
            self.eligible(payer)
            and relative >= th.denial_dollars_min_relative
            and now - before >= th.denial_dollars_min_per_day
        ):
            summary = (
                f"{payer.payer}'s denied dollars rose to {money(now)} a day in {self.span}, "
                f"from {money(before)} a day before."
            )
            found.append(
                self._signal("denial_dollars_spike", payer, None, (before, now), relative,
                             None, (now - before) * th.denial_recent_days, summary,
                             {"unit": "dollars_per_day", "ratio": min(relative, 1e9)})
            )  # fmt: skip
        if payer.dollars_current >= th.denial_dollars_high:
            ratio = payer.dollars_current / th.denial_dollars_high - 1
            typical = before * th.denial_recent_days
            summary = (
                f"{payer.payer} denied {money(payer.dollars_current)} of claims in {self.span} "
                f"(typical: {money(typical)})."
            )
            found.append(
                self._signal("denial_dollars_high", payer, None, (typical, payer.dollars_current),
                             ratio, None, payer.dollars_current, summary,
                             {"unit": "dollars_per_window", "ratio": ratio})
            )  # fmt: skip
        return found

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
            severity_label=stats.label_for(ratio, self.th.severity_labels),
            confidence=stats.volume_confidence(
                payer.n_baseline, payer.n_current, self.th.denial_confidence_claims, q or 0.0
            ),
            dollars_at_risk=dollars,
            summary=summary,
            details=details,
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None

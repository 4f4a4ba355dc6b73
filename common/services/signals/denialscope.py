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
            r["payer"],
            r["reason"],
            r["n_baseline"],
            r["n_current"],
            r["denied_baseline"],
            r["denied_current"],
            float(r["dollars_baseline"]),
            float(r["dollars_current"]),
        )
        if row.reason is None:
            totals[row.payer] = row
        else:
            reasons.append(row)
    return totals, reasons


def detect(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> list[Signal]:
    """DenialScope signals for one customer and `as_of`."""
    totals, reasons = counts(conn, customer_id, as_of, th)
    ctx = _Context(customer_id, as_of, th, th.denial_windows(as_of))
    found = _reason_signals(ctx, totals, reasons)
    for payer in totals.values():
        found += _dollar_signals(ctx, payer)
    return found


@dataclass(frozen=True)
class _Context:
    customer_id: str
    as_of: date
    th: SignalThresholds
    windows: dict

    def eligible(self, payer: Counts) -> bool:
        """Enough claims in both windows for a comparison."""
        floor = self.th.denial_min_claims
        return payer.n_baseline >= floor and payer.n_current >= floor


def _reason_signals(ctx: _Context, totals, reasons) -> list[Signal]:
    th = ctx.th
    found = []
    tested = [
        r for r in reasons if r.denied_baseline > 0 and ctx.eligible(totals[r.payer])
    ]  # a reason absent from the baseline is judged as new, not as a spike
    raw = [
        stats.proportion_test_p(
            r.denied_baseline,
            totals[r.payer].n_baseline,
            r.denied_current,
            totals[r.payer].n_current,
            th.test_min_expected,
        )
        for r in tested
    ]
    for r, p_raw, q in zip(tested, raw, stats.benjamini_hochberg(raw), strict=True):
        payer = totals[r.payer]
        before, now = r.denied_baseline / payer.n_baseline, r.denied_current / payer.n_current
        relative = (now - before) / before
        if (
            relative < th.denial_rate_min_relative
            or now - before < th.denial_rate_min_points
            or q >= th.denial_max_p
        ):
            continue
        summary = (
            f"{r.payer} denied {pct(now)} of claims for {r.reason} in the "
            f"{th.denial_recent_days} days to {day_before(ctx.as_of)}, up from {pct(before)} "
            f"({points(now - before)})."
        )
        dollars = r.dollars_current * (1 - before / now)
        found.append(
            _reason_signal(
                ctx, "reason_rate_spike", r, payer, relative, (p_raw, q), dollars, summary
            )
        )
    for r in reasons:
        payer = totals[r.payer]
        if (
            r.denied_baseline == 0
            and r.denied_current >= th.denial_new_reason_min
            and payer.n_baseline >= th.denial_min_claims
        ):
            ratio = r.denied_current / th.denial_new_reason_min - 1
            summary = (
                f"{r.payer} started denying claims for {r.reason}: {r.denied_current} denials "
                f"({money(r.dollars_current)}) in the {th.denial_recent_days} days to "
                f"{day_before(ctx.as_of)}, none in the {th.denial_baseline_days} days before."
            )
            found.append(
                _reason_signal(
                    ctx, "new_denial_reason", r, payer, ratio, None, r.dollars_current, summary
                )
            )
    return found


def _reason_signal(ctx, kind, r: Counts, payer: Counts, ratio, ps, dollars, summary) -> Signal:
    before, now = r.denied_baseline / payer.n_baseline, r.denied_current / max(payer.n_current, 1)
    p_raw, q = ps if ps else (None, None)
    details = {
        "unit": "rate_over_claims",
        "ratio": ratio,
        "p_raw": p_raw,
        "denials_baseline": r.denied_baseline,
        "denials_current": r.denied_current,
        "share_of_denials_baseline": _share(r.denied_baseline, payer.denied_baseline),
        "share_of_denials_current": _share(r.denied_current, payer.denied_current),
        "denials_per_day_baseline": r.denied_baseline / ctx.th.denial_baseline_days,
        "denials_per_day_current": r.denied_current / ctx.th.denial_recent_days,
    }
    return _signal(ctx, kind, payer, r.reason, (before, now), ratio, q, dollars, summary, details)


def _dollar_signals(ctx: _Context, payer: Counts) -> list[Signal]:
    th = ctx.th
    found = []
    per_day_before = payer.dollars_baseline / th.denial_baseline_days
    per_day_now = payer.dollars_current / th.denial_recent_days
    rise = per_day_now - per_day_before
    relative = rise / per_day_before if per_day_before > 0 else float("inf")
    if (
        ctx.eligible(payer)
        and relative >= th.denial_dollars_min_relative
        and rise >= th.denial_dollars_min_per_day
    ):
        summary = (
            f"{payer.payer}'s denied dollars rose to {money(per_day_now)} a day in the "
            f"{th.denial_recent_days} days to {day_before(ctx.as_of)}, from "
            f"{money(per_day_before)} a day before."
        )
        found.append(
            _signal(
                ctx,
                "denial_dollars_spike",
                payer,
                None,
                (per_day_before, per_day_now),
                relative,
                None,
                rise * th.denial_recent_days,
                summary,
                {"unit": "dollars_per_day", "ratio": min(relative, 1e9)},
            )
        )
    if payer.dollars_current >= th.denial_dollars_high:
        ratio = payer.dollars_current / th.denial_dollars_high - 1
        week_before = per_day_before * th.denial_recent_days
        summary = (
            f"{payer.payer} denied {money(payer.dollars_current)} of claims in the "
            f"{th.denial_recent_days} days to {day_before(ctx.as_of)} "
            f"(typical: {money(week_before)})."
        )
        found.append(
            _signal(
                ctx,
                "denial_dollars_high",
                payer,
                None,
                (week_before, payer.dollars_current),
                ratio,
                None,
                payer.dollars_current,
                summary,
                {"unit": "dollars_per_window", "ratio": ratio},
            )
        )
    return found


def _signal(ctx, kind, payer: Counts, key, values, ratio, q, dollars, summary, details):
    before, now = values
    th = ctx.th
    severity = min(max(ratio, 0.0), 1.0)
    return Signal(
        customer_id=ctx.customer_id,
        product=PRODUCT,
        type=kind,
        payer=payer.payer,
        key=key,
        direction="up",
        as_of=ctx.as_of,
        window_start=ctx.windows["current_start"],
        window_end=ctx.windows["current_end"],
        baseline_start=ctx.windows["baseline_start"],
        baseline_end=ctx.windows["baseline_end"],
        baseline_value=before,
        current_value=now,
        delta=now - before,
        n_baseline=payer.n_baseline,
        n_current=payer.n_current,
        p_value=q,
        severity=severity,
        severity_label=stats.label_for(ratio, th.severity_labels),
        confidence=stats.volume_confidence(
            payer.n_baseline, payer.n_current, th.denial_confidence_claims, q or 0.0
        ),
        dollars_at_risk=dollars,
        summary=summary,
        details=details,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None

"""DelayGuard's payment_aging (SPEC 3.3): a slowdown seen before the late payments land.

A cohort on payment date sees a delay only once the delayed money arrives. Instead: of the
lines a payer approved (PAID) in the current 14 days, how many has it paid by now, against
how many it would have paid at their ages as it used to? Each line is judged at its own age
(as_of − 1 − decision day) against the baseline's lines decided on the same weekday (weekend
remittances move payments to Monday, so the weekday sets how much of an age is payable), so
the youngest lines count from their first day and none is judged before it had its time
(right-censoring). A line without a payment date counts as unpaid — falling payment-date
completeness is evidence of a slowdown, not missing data.

Observed paid O against expected E = Σ n·F_w(age), F_w the baseline share of weekday-w lines
paid within that age; under no change O is a sum of binomials, so z = (E − O)/√(d·V) with
V = Σ n·F(1 − F) + Σ n²·F(1 − F)/n_w (the baseline's own error) and d the payer's design
effect (a claim's lines are paid together). One-sided p, Benjamini–Hochberg over the payers
tested; fire at p < 0.01 and a shortfall (E − O)/n ≥ 10 points. The seed-era rule waited
for the payer's 80th-percentile lag before judging a line, and found a payer that simply
paid 8 days later only 13 days after the change.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.signal_model import Signal, label_for, volume_confidence
from common.domain.thresholds import SignalThresholds
from common.services.signals.clustering import design_effects
from common.services.signals.text import day_before, money, pct, points

PRODUCT = "delayguard"


@dataclass
class PayerAging:
    """One payer's baseline lines by (weekday, pay_lag) and current lines by (day, pay_lag)."""

    payer: str
    baseline: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    current: list[tuple[date, int, int, int, float]] = field(default_factory=list)

    def paid_share(self, weekday: int, age: int) -> tuple[float, int] | None:
        """(F, n_w): the baseline share of weekday-w lines paid within `age` days, and n_w."""
        lags = self.baseline.get(weekday)
        total = sum(lags.values()) if lags else 0
        if not total:
            return None
        return sum(n for lag, n in lags.items() if 0 <= lag <= age) / total, total


@dataclass(frozen=True)
class AgingTest:
    """Observed and expected paid lines of the current window, and the test."""

    payer: str
    n_baseline: int
    n_current: int
    expected: float
    observed: int
    variance: float
    cash_waiting: float
    design_effect: float

    @property
    def p_raw(self) -> float:
        if self.variance <= 0:
            return 1.0
        z = (self.expected - self.observed) / math.sqrt(self.design_effect * self.variance)
        return stats.normal_sf(z)


def payer_aging(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds):
    """Every payer's lines from one set-based query (sql/delayguard_aging_lines.sql)."""
    windows = th.delay_windows(as_of)
    params = {
        "customer_id": customer_id,
        "as_of": as_of,
        "current_start": windows["current_start"],
        "baseline_start": windows["current_start"] - timedelta(days=th.delay_baseline_days),
    }
    payers: dict[str, PayerAging] = {}
    for r in conn.execute(sql("delayguard_aging_lines"), params).mappings():
        p = payers.setdefault(r["payer"], PayerAging(r["payer"]))
        if r["kind"] == "baseline":
            p.baseline[r["weekday"]][r["pay_lag"]] = r["n"]
        else:
            p.current.append((r["day"], r["weekday"], r["pay_lag"], r["n"], r["cash"]))
    return list(payers.values())


def aging_test(p: PayerAging, as_of: date, design_effect: float) -> AgingTest:
    """O, E and V over the current lines whose weekday the baseline has."""
    days: dict[date, list] = defaultdict(list)
    for day, weekday, lag, n, line_cash in p.current:
        days[day].append((weekday, lag, n, line_cash))
    expected = variance = cash = 0.0
    observed = n_current = 0
    for day, rows in days.items():
        age = (as_of - day).days - 1
        reference = p.paid_share(rows[0][0], age)
        if reference is None:
            continue
        share, n_w = reference
        n_day = sum(n for _, _, n, _ in rows)
        n_current += n_day
        expected += n_day * share
        # the lines' own binomial noise, and the baseline share's error (shared by the day)
        variance += n_day * share * (1 - share) * (1 + n_day / n_w)
        for _, lag, n, line_cash in rows:
            if 0 <= lag <= age:
                observed += n
            else:
                cash += line_cash * share  # what the payer would usually have paid by now
    n_baseline = sum(sum(lags.values()) for lags in p.baseline.values())
    return AgingTest(p.payer, n_baseline, n_current, expected, observed, variance, cash,
                     design_effect)  # fmt: skip


def aging_signals(
    conn: Connection, customer_id: str, as_of: date, th: SignalThresholds
) -> list[Signal]:
    """payment_aging signals for one customer and `as_of`."""
    payers = payer_aging(conn, customer_id, as_of, th)
    if not payers:
        return []
    effects = design_effects(conn, customer_id, th)
    tests = [aging_test(p, as_of, effects.for_days(p.payer)) for p in payers]
    return judge(tests, customer_id, as_of, th)


def judge(tests: list[AgingTest], customer_id: str, as_of: date, th: SignalThresholds):
    """Paid by now ≥ 10 points short of the usual, p < 0.01 after BH over the payers with
    ≥ 10 lines in both windows."""
    tested = [t for t in tests if min(t.n_baseline, t.n_current) >= th.delay_min_claims]
    raw = [t.p_raw for t in tested]
    found = []
    for t, p_raw, q in zip(tested, raw, stats.benjamini_hochberg(raw), strict=True):
        shortfall = (t.expected - t.observed) / t.n_current
        if shortfall < th.delay_aging_min_points or q >= th.delay_max_p:
            continue
        found.append(_signal(customer_id, as_of, th, t, shortfall, (p_raw, q)))
    return found


def _signal(customer_id, as_of, th, t: AgingTest, shortfall: float, ps) -> Signal:
    p_raw, q = ps
    windows = th.delay_windows(as_of)
    before, now = t.expected / t.n_current, t.observed / t.n_current
    severity = min(shortfall / th.delay_aging_severity_points, 1.0)
    summary = (
        f"{t.payer} has paid {pct(now)} of the claims it approved in the "
        f"{th.delay_current_days} days to {day_before(as_of)}, where at their ages it used to "
        f"have paid {pct(before)} ({points(-shortfall)}): about {money(t.cash_waiting)} "
        "waiting."
    )
    return Signal(
        customer_id=customer_id,
        product=PRODUCT,
        type="payment_aging",
        payer=t.payer,
        key=None,
        direction="up",
        as_of=as_of,
        window_start=windows["current_start"],
        window_end=as_of,
        baseline_start=windows["current_start"] - timedelta(days=th.delay_baseline_days),
        baseline_end=windows["current_start"],
        baseline_value=1 - before,  # the unpaid share: rising is the slowdown
        current_value=1 - now,
        delta=shortfall,
        n_baseline=t.n_baseline,
        n_current=t.n_current,
        p_value=q,
        severity=severity,
        severity_label=label_for(severity, th.severity_labels),
        confidence=volume_confidence(t.n_baseline, t.n_current, th.delay_confidence_claims, q),
        dollars_at_risk=t.cash_waiting,
        summary=summary,
        details={
            "unit": "share_unpaid",
            "expected_paid": round(t.expected, 2),
            "paid": t.observed,
            "design_effect": round(t.design_effect, 3),
            "p_raw": p_raw,
            "date_basis": "decided_date",
            "test": "paid by age against the baseline's weekday curve, one-sided z",
        },
    )

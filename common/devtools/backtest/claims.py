"""The claim lines a scenario implies, and which of them are known on a given day.

Claims of one CPT group arrive every day (Poisson, 1–3 service lines each). Decision lags are
gamma-distributed around the payer's mean (shape 4), payment lags after a PAID decision around
its payment mean (shape 3); decisions and payments dated on a weekend move to the Monday, as
remittances do. Changes apply from the onset: a denial-rate rise to lines decided on or after
it; a new reason to that payer's lines decided on or after it, at the weekly rate; a decision
slowdown to lines whose decision would have fallen on or after it; a payment slowdown either
to payments that would have landed on or after it (`payment_delay`, the payer holds them) or
to the payments of lines decided on or after it (`payment_lag`, the payer is slower) — those
come `size` days later.

A line is known from its decision: on that day it arrives PAID or DENIED with no payment
date; on its payment day the same claim id and line number arrive again with the payment date,
so the ingest merge updates the line.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from common.devtools.backtest.scenarios import (
    GROUPS,
    HISTORY_DAYS,
    RARE_REASONS,
    Cell,
    Payer,
    Scenario,
)

HEADER = (
    "Claim Number", "Line", "Payer Name", "CPT Code", "Date of Service", "Date Submitted",
    "Adjudication Date", "Claim Status", "Paid Date", "Total Charge", "Allowed Amt",
    "Insurance Paid", "CARC", "Denial Reason",
)  # fmt: skip
LINES_PER_CLAIM = ((1, 2, 3), (0.55, 0.3, 0.15))
MEAN_LINES = sum(n * w for n, w in zip(*LINES_PER_CLAIM, strict=True))
RARE_SHARE = 0.03


@dataclass(slots=True)
class Line:
    claim_id: str
    number: int
    payer: str
    cpt: str
    service: date
    submitted: date
    decided: date
    denied: bool
    paid: date | None
    billed: float
    allowed: float
    reason: tuple[str, str] | None

    def row(self, paid_known: bool) -> list[str]:
        """The CSV row, with the payment date only once it is known."""
        paid = "" if self.denied else f"{self.allowed:.2f}"
        code, text = self.reason or ("", "")
        return [
            self.claim_id, str(self.number), self.payer, self.cpt, self.service.isoformat(),
            self.submitted.isoformat(), self.decided.isoformat(),
            "denied" if self.denied else "paid",
            self.paid.isoformat() if paid_known and self.paid else "",
            f"{self.billed:.2f}", f"{self.allowed:.2f}", paid or "0.00", code, text,
        ]  # fmt: skip


class Timeline:
    """A scenario's lines indexed by the day each becomes known (decision) or updated (payment)."""

    def __init__(self, scenario: Scenario, days: int) -> None:
        self.onset = scenario.onset
        self.start = scenario.onset - timedelta(days=HISTORY_DAYS)
        self.end = scenario.onset + timedelta(days=days)  # nothing decided from here is loaded
        self.decided: dict[date, list[Line]] = defaultdict(list)
        self.paid: dict[date, list[Line]] = defaultdict(list)
        for line in generate(scenario, self.start - timedelta(days=90), self.end):
            if self.start <= line.decided < self.end:
                self.decided[line.decided].append(line)
                if line.paid and line.paid < self.end:
                    self.paid[line.paid].append(line)

    def history_rows(self) -> list[list[str]]:
        """Everything decided before the onset, with the payments made before it."""
        return [
            line.row(paid_known=line.paid is not None and line.paid < self.onset)
            for day in sorted(d for d in self.decided if d < self.onset)
            for line in self.decided[day]
        ]

    def day_rows(self, day: date) -> list[list[str]]:
        """What became known on `day`: its decisions, and the payments that landed on it."""
        rows = [line.row(paid_known=line.paid == day) for line in self.decided.get(day, ())]
        rows += [line.row(True) for line in self.paid.get(day, ()) if line.decided < day]
        return rows

    def lines(self) -> int:
        return sum(len(v) for v in self.decided.values())


def generate(scenario: Scenario, first_submitted: date, end: date):
    """Every line submitted from `first_submitted` and decided before `end` (seeded)."""
    rng = random.Random(scenario.seed)  # nosec B311 - reproducible synthetic data, not security
    serial = 0
    for payer in scenario.payers:
        for cell in payer.cells:
            behaviour = _CellBehaviour(scenario, payer, cell)
            day = first_submitted
            while day < end:
                for _ in range(_poisson(rng, cell.lines_per_day / MEAN_LINES)):
                    serial += 1
                    claim_id = f"BT{scenario.index:02d}-{serial:07d}"
                    yield from behaviour.claim(rng, claim_id, day, end)
                day += timedelta(days=1)


class _CellBehaviour:
    """How one payer treats one CPT group's claims, before and after the onset."""

    def __init__(self, scenario: Scenario, payer: Payer, cell: Cell) -> None:
        changes = {(c.kind, c.payer, c.group): c for c in scenario.changes}
        self.onset, self.payer, self.cell = scenario.onset, payer, cell
        self.codes = [(c, t) for c, t, _ in payer.reasons]
        self.weights = [w for _, _, w in payer.reasons]
        self.new = changes.get(("new_reason", payer.name, None))
        self.new_share = self.new.size / 7 / payer.lines_per_day if self.new else 0.0
        self.pay_delay = changes.get(("payment_delay", payer.name, None))
        self.pay_lag = changes.get(("payment_lag", payer.name, None))
        self.rise = changes.get(("denial_rate", payer.name, cell.group))
        self.slow = changes.get(("decision_delay", payer.name, cell.group))

    def claim(self, rng: random.Random, claim_id: str, submitted: date, end: date):
        """The lines of one claim submitted that day (none when decided on or after `end`)."""
        payer, onset = self.payer, self.onset
        decided = _business(submitted + timedelta(days=_lag(rng, payer.decision_days, 4, 1)))
        if self.slow and decided >= onset:
            decided = _business(decided + timedelta(days=self.slow.size))
        if decided >= end:
            return
        paid = _business(decided + timedelta(days=_lag(rng, payer.payment_days, 3, 0)))
        if self.pay_delay and paid >= onset:
            paid = _business(paid + timedelta(days=self.pay_delay.size))
        if self.pay_lag and decided >= onset:
            paid = _business(paid + timedelta(days=self.pay_lag.size))
        after = decided >= onset
        rate = self.cell.denial_rate + (self.rise.size if self.rise and after else 0.0)
        service = submitted - timedelta(days=rng.randrange(6))
        for number in range(1, rng.choices(*LINES_PER_CLAIM)[0] + 1):
            cpt, billed = rng.choice(GROUPS[self.cell.group])
            reason = None
            if self.new and after and rng.random() < self.new_share:
                reason = (self.new.code, self.new.text)
            elif rng.random() < rate:
                reason = _reason(rng, self.codes, self.weights)
            yield Line(
                claim_id, number, payer.name, cpt, service, submitted, decided,
                reason is not None, None if reason else paid, billed,
                round(billed * payer.allowed_share, 2), reason,
            )  # fmt: skip


def _reason(rng: random.Random, codes, weights) -> tuple[str, str]:
    if rng.random() < RARE_SHARE:
        return rng.choice(RARE_REASONS), "Other adjustment"
    return rng.choices(codes, weights)[0]


def _lag(rng: random.Random, mean: float, shape: float, minimum: int) -> int:
    return max(minimum, round(rng.gammavariate(shape, mean / shape)))


def _business(day: date) -> date:
    """Saturday and Sunday remittances are dated the following Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small daily means here (at most 40 / 1.6)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count

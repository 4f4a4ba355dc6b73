"""Design effects: how many independent observations a claim's lines are worth.

Every line of a claim is decided on one day and, in practice, paid on one remittance: for
decision days and payment days a 3-line claim is one observation, not three. Tests that count
lines (Mann–Whitney on decision days, Welch on payment days, payment_aging) scale their
variance by the design effect Σm²/Σm over claims of m lines (`stats.design_effect`); without it
they fired on noise (the backtest: 14 false decision-time signals in 1,000 untouched
cell-weeks, at 1.6 lines per claim). Denials cluster too where a payer denies whole claims: the
denial-rate and reason tests use the measured design effect of the rate
(`stats.rate_design_effect`, 1 when a claim's lines are denied independently).

Measured per (payer, cpt_group) and per payer on the tenant's newest lines, and kept for the
same sample (its first and last line id) so the three products of one recompute read the
lines once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.thresholds import SignalThresholds

POOLED = (None, None)
_COLUMNS = ("claims", "lines", "lines_sq", "denied", "denied_sq", "denied_lines")
_CACHE: dict = {}
_CACHE_SIZE = 256  # tenants × recent samples; an old entry is only a wasted object


@dataclass(frozen=True)
class DesignEffects:
    """Per (payer, cpt_group), (payer, None) and POOLED: `days` for values a claim's lines
    share (Σm²/Σm), `rates` for the denial rate. Cells and payers with fewer than
    `design_min_lines` sampled lines are left out: the lookups fall back to the payer's value,
    then the tenant's, then 1."""

    days: dict = field(default_factory=dict)
    rates: dict = field(default_factory=dict)

    def for_days(self, payer: str, group: str | None = None) -> float:
        """The design effect of decision or payment days for a cell, or a payer."""
        return _lookup(self.days, payer, group)

    def for_rate(self, payer: str, group: str | None = None) -> float:
        """The design effect of the denial rate for a cell, or a payer."""
        return _lookup(self.rates, payer, group)


def design_effects(conn: Connection, customer_id: str, th: SignalThresholds) -> DesignEffects:
    """The tenant's design effects, measured on its newest lines (cached for that sample)."""
    params = {"customer_id": customer_id, "sample_lines": th.design_sample_lines}
    first_id, last_id = conn.execute(sql("signal_claim_sample"), params).one()
    if first_id is None:
        return DesignEffects()
    key = (str(customer_id), first_id, last_id, th.design_sample_lines, th.design_min_lines)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = _measure(conn, params | {"first_id": first_id}, th)
    return _CACHE[key]


def _measure(conn: Connection, params: dict, th: SignalThresholds) -> DesignEffects:
    rows = conn.execute(sql("signal_claim_sizes"), params).all()
    sums = {
        (r.payer, r.cpt_group): [getattr(r, c) for c in _COLUMNS]
        for r in rows
        if r.lines >= th.design_min_lines
    }
    payers = [r for r in rows if r.cpt_group is None]
    sums[POOLED] = [sum(getattr(r, c) for r in payers) for c in _COLUMNS]
    found = DesignEffects()
    for key, (claims, lines, lines_sq, denied, denied_sq, denied_lines) in sums.items():
        found.days[key] = stats.design_effect(lines, lines_sq)
        found.rates[key] = stats.rate_design_effect(
            claims, lines, lines_sq, denied, denied_sq, denied_lines
        )
    return found


def _lookup(effects: dict, payer: str, group: str | None) -> float:
    for key in ((payer, group), (payer, None), POOLED):
        if key in effects:
            return effects[key]
    return 1.0

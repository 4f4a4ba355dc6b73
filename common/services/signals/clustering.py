"""Design effects: how many independent observations a claim's lines are worth.

Every line of a claim is decided on one day and, in practice, paid on one remittance: for
decision days and payment days a 3-line claim is one observation, not three. Tests that count
lines (Mann–Whitney on decision days, Welch on payment days) scale their variance by the design
effect Σm²/Σm over claims of m lines (`stats.design_effect`); without it they fired on noise
(the backtest: 14 false decision-time signals in 1,000 untouched cell-weeks, at 1.6 lines per
claim). Measured per (payer, cpt_group) and per payer on the tenant's latest lines, and kept
for the same sample (its first and last line id) so the three products of one recompute read
the lines once.
"""

from __future__ import annotations

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain import stats
from common.domain.thresholds import SignalThresholds

POOLED = (None, None)
_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 256  # tenants × recent samples; an old entry is only a wasted dict


def design_effects(conn: Connection, customer_id: str, th: SignalThresholds) -> dict:
    """{(payer, cpt_group): d, (payer, None): d, POOLED: d} — cells and payers with fewer
    than `design_min_lines` sampled lines are left out (`effect_for` falls back)."""
    params = {"customer_id": customer_id, "sample_lines": th.design_sample_lines}
    first_id, last_id = conn.execute(sql("signal_claim_sample"), params).one()
    if first_id is None:
        return {}
    key = (str(customer_id), first_id, last_id, th.design_sample_lines, th.design_min_lines)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = _measure(conn, params | {"first_id": first_id}, th)
    return _CACHE[key]


def _measure(conn: Connection, params: dict, th: SignalThresholds) -> dict:
    rows = conn.execute(sql("signal_claim_sizes"), params).all()
    effects = {
        (r.payer, r.cpt_group): stats.design_effect(r.lines, r.lines_sq)
        for r in rows
        if r.lines >= th.design_min_lines
    }
    payers = [r for r in rows if r.cpt_group is None]
    effects[POOLED] = stats.design_effect(
        sum(r.lines for r in payers), sum(r.lines_sq for r in payers)
    )
    return effects


def effect_for(effects: dict, payer: str, group: str | None = None) -> float:
    """The cell's (or payer's) design effect, else the payer's, else the tenant's."""
    for key in ((payer, group), (payer, None), POOLED):
        if key in effects:
            return effects[key]
    return 1.0

"""DenialScope's data (SPEC 3.2): window counts per payer and reason, and the long lookbacks
(weekly denied dollars, reasons seen, rare-reason denials), each from one set-based query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain.thresholds import SignalThresholds


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


@dataclass
class History:
    """The long lookbacks: weekly denied dollars per payer, reasons seen, rare-reason denials."""

    dollars: dict[str, list[float]] = field(default_factory=dict)  # per period, newest first
    reason_lookback: dict[tuple[str, str], int] = field(default_factory=dict)
    rare: dict[str, int] = field(default_factory=dict)
    # per payer, how far denials cluster within claims (clustering.DesignEffects.for_rate):
    # counts of denied lines are divided by it before the reason tests
    clustering: dict[str, float] = field(default_factory=dict)


def history(conn: Connection, customer_id: str, as_of: date, th: SignalThresholds) -> History:
    """One set-based query over the rollups (sql/denialscope_history.sql)."""
    windows = th.denial_windows(as_of)
    start = windows["current_start"]
    periods = th.denial_dollars_lookback_days // th.denial_recent_days
    # A reason first denied within the new-reason episode span is new until the span ends:
    # its first week alone is a Poisson draw (10 a week came as 7), later weeks measure it too.
    novel = windows["current_end"] - timedelta(days=th.new_reason_episode_days)
    params = windows | {
        "customer_id": customer_id,
        "period_days": th.denial_recent_days,
        "dollar_start": start - timedelta(days=periods * th.denial_recent_days),
        "reason_end": novel,
        "reason_start": novel - timedelta(days=th.denial_new_reason_lookback_days),
        "rare_max": th.denial_rare_reason_max,
    }
    found = History()
    for r in conn.execute(sql("denialscope_history"), params).mappings():
        if r["kind"] == "dollars":
            series = found.dollars.setdefault(r["payer"], [0.0] * periods)
            series[int(r["n"])] = r["dollars"] or 0.0
        elif r["kind"] == "reason":
            found.reason_lookback[(r["payer"], r["reason"])] = int(r["n"])
        else:
            found.rare[r["payer"]] = int(r["n"] or 0)
    return found

"""The day-by-day replay: one customer per scenario, history first, then one day at a time.

For as_of = onset + k (k = 1 … days) the tenant holds exactly what was known at the end of day
onset + k − 1: the history file held decisions before the onset (with the payments made before
it), and each day's file the decisions of that day and the payments that landed on it.
`assert_known_before` checks it on the loaded lines before the products run; then the three
products run through `run_product` (as a recompute does) and alert dispatch takes what they
raised, with the simulated day as the clock. What the run left in the signals and alerts tables
is read through whichever columns exist: episodes (`first_seen_as_of`, `peak_label`) or one row
per run (`as_of`, `severity_label`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy import func, literal, select

from common.db import schema
from common.devtools.backtest.claims import Timeline
from common.devtools.backtest.loading import (
    analyze,
    assert_known_before,
    dispatch_raised,
    ingest_rows,
    ingestor,
    take_messages,
)
from common.devtools.backtest.scenarios import Scenario, plan
from common.devtools.backtest.scoring import score
from common.services.customers import create_customer
from common.services.signals import PRODUCTS
from common.services.signals.runner import run_product

DISPATCH_HOUR = clock(6, 0, tzinfo=UTC)  # the simulated morning the day's alerts go out
EPISODES = "first_seen_as_of" in schema.signals.c


@dataclass(frozen=True)
class BacktestOptions:
    seed: int = 7
    days: int = 28
    customers: int = 10
    progress: Callable[[str], None] | None = None


@dataclass
class Replay:
    """What one scenario's replay loaded and left behind."""

    scenario: Scenario
    slug: str
    lines: int
    as_of_runs: int
    load_seconds: float
    replay_seconds: float
    signals: list[dict]
    alerts: list[dict]
    episodes: bool  # the signals table holds episodes (else one row per run)

    def summary(self) -> dict:
        """The scenario's size, its controls, and what the products left."""
        s = self.scenario
        cells = [(p.name, c.group) for p in s.payers for c in p.cells]
        untouched = [p for p in s.payers if all(s.untouched(pr, p.name) for pr in PRODUCTS)]
        return {
            "customer": self.slug,
            "changes": len(s.changes),
            "payers": len(s.payers),
            "cells": len(cells),
            "untouched_cells": sum(s.untouched("driftwatch", *c) for c in cells),
            "untouched_payers": len(untouched),
            "lines": self.lines,
            "signals": len(self.signals),
            "alerts": sum(not a["suppressed"] for a in self.alerts),
        }


def run_backtest(app, options: BacktestOptions) -> dict:
    """Plan, replay every scenario, score; one JSON-ready document."""
    if options.customers < 1 or not 1 <= options.days <= 28:
        raise ValueError("customers must be ≥ 1 and days within 1–28")
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%y%m%d%H%M%S")
    scenarios = plan(options.seed, options.customers)
    replays = []
    for n, scenario in enumerate(scenarios, 1):
        replays.append(replay(app, scenario, options.days, stamp))
        if options.progress:
            r = replays[-1]
            options.progress(
                f"backtest: customer {n}/{len(scenarios)} {r.slug}: {r.lines} lines, "
                f"{len(r.signals)} signals, {len(r.alerts)} alerts "
                f"(load {r.load_seconds:.1f} s, replay {r.replay_seconds:.1f} s)"
            )
    document = score(replays, options.seed, options.days)
    document["seconds"] = {
        "wall": round(time.perf_counter() - started, 1),
        "history_loads": round(sum(r.load_seconds for r in replays), 1),
        "replays": round(sum(r.replay_seconds for r in replays), 1),
    }
    return document


def replay(app, scenario: Scenario, days: int, stamp: str) -> Replay:
    """Load the scenario's history into a new tenant, then replay `days` days."""
    slug = f"backtest-{stamp}-s{scenario.seed}"[:40]
    customer = create_customer(app.uow, slug, f"Backtest scenario {scenario.index + 1}")
    started = time.perf_counter()
    timeline = Timeline(scenario, days)
    loader = ingestor(app)
    ingest_rows(app, loader, slug, "history.csv", timeline.history_rows())
    take_messages(app, customer.id)  # ClaimsLoaded: the replay runs the products itself
    analyze(app)
    loaded = time.perf_counter()
    for k in range(1, days + 1):
        day = scenario.onset + timedelta(days=k - 1)
        as_of = day + timedelta(days=1)
        rows = timeline.day_rows(day)
        if rows:
            ingest_rows(app, loader, slug, f"day-{day.isoformat()}.csv", rows)
        assert_known_before(app, customer.id, as_of)
        for product in PRODUCTS:
            run_product(app.uow, product, customer.id, as_of, None)
        dispatch_raised(app, customer.id, datetime.combine(as_of, DISPATCH_HOUR))
    finished = time.perf_counter()
    signals, alerts = observed(app, customer.id)
    return Replay(scenario, slug, timeline.lines(), days, round(loaded - started, 2),
                  round(finished - loaded, 2), signals, alerts, EPISODES)  # fmt: skip


def observed(app, customer_id: str) -> tuple[list[dict], list[dict]]:
    """The tenant's signals (one dict per row: an episode, or one run's signal) and alerts."""
    table, episodes = schema.signals, EPISODES
    with app.uow.transaction(customer_id) as conn:
        rows = [dict(r) for r in conn.execute(select(table)).mappings()]
        peaks = _peak_severities(conn) if episodes else {}
        default_rules = set(
            conn.execute(
                select(schema.alert_rules.c.id).where(schema.alert_rules.c.is_default.is_(True))
            ).scalars()
        )
        label = schema.alerts.c.get("severity_label")  # the label alerted at, where recorded
        alert_rows = conn.execute(
            select(schema.alerts.c.signal_id, schema.alerts.c.rule_id, schema.alerts.c.status,
                   label if label is not None else literal(None).label("severity_label"))
        ).all()  # fmt: skip
    signals = [
        {
            "id": str(r["id"]),
            "product": r["product"],
            "type": r["type"],
            "payer": r["payer"],
            "key": r["key"],
            "first_seen": _day(r["first_seen_as_of"] if episodes else r["as_of"]),
            "label": r.get("peak_label") or r["severity_label"],
            "severity": max(r["severity"], peaks.get(r["id"], 0.0)),
            "times_seen": r.get("times_seen", 1),  # rows per run: each row is one observation
        }
        for r in rows
    ]
    alerts = [
        {"signal_id": str(a.signal_id), "default_rule": a.rule_id in default_rules,
         "suppressed": a.status == "suppressed", "label": a.severity_label}
        for a in alert_rows
    ]  # fmt: skip
    return signals, alerts


def _peak_severities(conn) -> dict:
    history = getattr(schema, "signal_observations", None)
    if history is None:
        return {}
    query = select(history.c.signal_id, func.max(history.c.severity)).group_by(history.c.signal_id)
    return dict(conn.execute(query).all())


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))

"""Signals in Postgres as episodes (SPEC 3): one row per persisting condition, its history in
`signal_observations`, SignalsRaised through the outbox for what should alert.

A run's finding with the identity (product, type, payer, key) of an open episode updates it
(latest values, `last_seen_as_of`, `times_seen`) and adds the observation; otherwise it opens a
new episode. An episode not seen for one current-window length is closed: `ended_as_of` is the
last as_of at which it was still open; a later finding opens a new one. The same as_of twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert

from common.bus.outbox import add_message
from common.db.schema import signal_observations, signals
from common.domain.messages import SignalsRaised
from common.domain.signal_model import Signal
from common.domain.thresholds import SignalThresholds
from common.topology import SIGNALS_RAISED

LABEL_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
STATUSES = ("open", "closed", "all")


@dataclass
class SavedRun:
    """What one run did to the customer's episodes."""

    opened: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    raised: list[str] = field(default_factory=list)  # to alert on: new, or it rose


def save_signals(
    conn: Connection,
    customer_id: str,
    product: str,
    found: list[Signal],
    as_of: date,
    th: SignalThresholds,
) -> SavedRun:
    """Open, update and close `product`'s episodes for this run; publish SignalsRaised."""
    run = SavedRun()
    episodes = {e.episode_key: e for e in _open_episodes(conn, product)}
    seen = set()
    for signal in _one_per_episode(found):
        key = signal.episode_key
        seen.add(key)
        episode = episodes.get(key)
        if episode is not None and _lapsed(episode, as_of, th):
            _close(conn, episode, th, run)
            episode = None
        if episode is None:
            _open(conn, signal, run)
        else:
            _observe(conn, episode, signal, run)
    for key, episode in episodes.items():
        if key not in seen and _lapsed(episode, as_of, th):
            _close(conn, episode, th, run)
    if run.raised:
        message = SignalsRaised(
            customer_id=str(customer_id), product=product, signal_ids=tuple(run.raised)
        )
        add_message(conn, SIGNALS_RAISED, message)
    return run


def _one_per_episode(found: list[Signal]) -> list[Signal]:
    """Where measures of one family fire together, the most severe one speaks for the run."""
    best: dict[str, Signal] = {}
    for signal in found:
        held = best.get(signal.episode_key)
        rank = (signal.severity, signal.dollars_at_risk or 0.0)
        if held is None or rank > (held.severity, held.dollars_at_risk or 0.0):
            best[signal.episode_key] = signal
    return list(best.values())


def _open_episodes(conn: Connection, product: str):
    return conn.execute(
        select(
            signals.c.id, signals.c.episode_key, signals.c.type, signals.c.product,
            signals.c.last_seen_as_of, signals.c.peak_label, signals.c.severity,
        ).where(signals.c.product == product, signals.c.ended_as_of.is_(None))
    ).all()  # fmt: skip


def _lapsed(episode, as_of: date, th: SignalThresholds) -> bool:
    # Open while it fired within the last current-window length: as_of − 14 d ≤ last seen.
    window = th.episode_days(episode.product, episode.type)
    return (as_of - episode.last_seen_as_of).days > window


def _close(conn: Connection, episode, th: SignalThresholds, run: SavedRun) -> None:
    ended = episode.last_seen_as_of + timedelta(days=th.episode_days(episode.product, episode.type))
    conn.execute(update(signals).where(signals.c.id == episode.id).values(ended_as_of=ended))
    run.closed.append(str(episode.id))


def _open(conn: Connection, signal: Signal, run: SavedRun) -> None:
    signal_id = conn.execute(insert(signals).values(signal.row()).returning(signals.c.id)).scalar()
    conn.execute(
        insert(signal_observations).values(signal.observation() | {"signal_id": signal_id})
    )
    run.opened.append(str(signal_id))
    run.raised.append(str(signal_id))


def _observe(conn: Connection, episode, signal: Signal, run: SavedRun) -> None:
    added = conn.execute(
        insert(signal_observations)
        .values(signal.observation() | {"signal_id": episode.id})
        .on_conflict_do_nothing(constraint="uq_signal_observations_signal_as_of")
        .returning(signal_observations.c.id)
    ).scalar()
    if added is None:
        return  # this as_of was seen before: nothing changes
    values = {"times_seen": signals.c.times_seen + 1}
    if signal.as_of > episode.last_seen_as_of:
        rose = LABEL_RANK[signal.severity_label] > LABEL_RANK[episode.peak_label]
        values |= signal.latest() | {"last_seen_as_of": signal.as_of}
        if rose:
            values["peak_label"] = signal.severity_label
        # A rise (of the label, or of the severity a rule may test: 0.6 → 0.72 stays medium)
        # goes to dispatch, which alerts once per (episode, rule, label) whatever it hears.
        if rose or round(signal.severity, 4) > episode.severity:
            run.raised.append(str(episode.id))
    else:  # an earlier day recomputed late: history only
        values["first_seen_as_of"] = func.least(signals.c.first_seen_as_of, signal.as_of)
    conn.execute(update(signals).where(signals.c.id == episode.id).values(values))
    run.updated.append(str(episode.id))


def list_signals(
    conn: Connection,
    product: str | None = None,
    limit: int | None = None,
    status: str = "open",
):
    """The tenant's episodes (open by default), latest first, then by dollars at risk."""
    query = select(signals).order_by(
        signals.c.last_seen_as_of.desc(),
        signals.c.product,
        signals.c.dollars_at_risk.desc().nulls_last(),
        signals.c.created_at,
    )
    if product:
        query = query.where(signals.c.product == product)
    if status == "open":
        query = query.where(signals.c.ended_as_of.is_(None))
    elif status == "closed":
        query = query.where(signals.c.ended_as_of.is_not(None))
    if limit:
        query = query.limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def observations(conn: Connection, signal_id: str) -> list[dict]:
    """An episode's history, oldest first."""
    query = (
        select(signal_observations)
        .where(signal_observations.c.signal_id == signal_id)
        .order_by(signal_observations.c.as_of)
    )
    return [dict(r) for r in conn.execute(query).mappings()]

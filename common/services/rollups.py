"""Claim rollups (DESIGN §4): applied per batch at load time, rebuilt or verified from lines.

Every change to `claims` goes through `line_delta` (+1 for a line's new version, −1 for the
version it supersedes) and `apply_line_delta` adds it to every rollup table in the same
transaction, so the rollups always equal an aggregation of the lines. `verify` recomputes them
from the lines inside a transaction it rolls back, and reports what differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, text

from common.db.queries import sql
from common.db.schema import ROLLUP_TABLES

_APPLY = (
    "rollups_apply_payer_days",
    "rollups_apply_groups",
    "rollups_apply_reasons",
    "rollups_apply_payments",
)
# A rollup row whose lines all moved elsewhere is dropped, not kept as zeros.
_EMPTY = {
    "claim_rollups": ("n_paid", "n_denied", "n_other"),
    "claim_rollups_groups": ("n",),
    "claim_rollups_reasons": ("n",),
    "claim_rollups_payments": ("n",),
}


def open_line_delta(conn: Connection) -> None:
    """Create this transaction's `line_delta` table (empty)."""
    conn.execute(sql("rollups_create_line_delta"))
    conn.execute(sql("rollups_clear_line_delta"))


def apply_line_delta(conn: Connection, customer_id: str, removals: bool) -> None:
    """Add `line_delta` to every rollup and empty it; `removals` when it holds −1 rows."""
    params = {"customer_id": str(customer_id)}
    for name in _APPLY:
        conn.execute(sql(name), params)
    if removals:
        for table in ROLLUP_TABLES:
            counts = [table.c[name] == 0 for name in _EMPTY[table.name]]
            conn.execute(delete(table).where(table.c.customer_id == customer_id, *counts))
    conn.execute(sql("rollups_clear_line_delta"))


def rebuild(conn: Connection, customer_id: str) -> None:
    """Recompute one customer's rollups from its lines (the caller's transaction)."""
    for table in ROLLUP_TABLES:
        conn.execute(delete(table).where(table.c.customer_id == customer_id))
    open_line_delta(conn)
    conn.execute(sql("rollups_delta_from_lines"), {"customer_id": str(customer_id)})
    apply_line_delta(conn, customer_id, removals=False)


@dataclass(frozen=True)
class RollupDifference:
    """Rows of one rollup table that the stored and the recomputed rollups disagree on."""

    table: str
    stored_only: int
    recomputed_only: int


def verify(conn: Connection, customer_id: str) -> list[RollupDifference]:
    """Differences between the stored rollups and a recomputation from the lines.

    Runs in a savepoint that is rolled back, so nothing changes whatever it finds.
    """
    differences = []
    savepoint = conn.begin_nested()
    try:
        for table in ROLLUP_TABLES:
            conn.execute(
                text(
                    f"CREATE TEMP TABLE stored_{table.name} ON COMMIT DROP AS "
                    f"SELECT * FROM {table.name} WHERE customer_id = :cid"
                ),
                {"cid": str(customer_id)},
            )
        rebuild(conn, customer_id)
        for table in ROLLUP_TABLES:
            differences.append(_compare(conn, table.name, customer_id))
    finally:
        savepoint.rollback()
    return [d for d in differences if d.stored_only or d.recomputed_only]


def _compare(conn: Connection, name: str, customer_id: str) -> RollupDifference:
    current = f"(SELECT * FROM {name} WHERE customer_id = :cid)"
    stored_only, recomputed_only = conn.execute(
        text(
            f"SELECT (SELECT count(*) FROM (SELECT * FROM stored_{name} EXCEPT ALL "
            f"SELECT * FROM {current} c) a), "
            f"(SELECT count(*) FROM (SELECT * FROM {current} c EXCEPT ALL "
            f"SELECT * FROM stored_{name}) b)"
        ),
        {"cid": str(customer_id)},
    ).one()
    return RollupDifference(name, stored_only, recomputed_only)

"""Transaction-scoped advisory locks: serialize work on one key across processes."""

from __future__ import annotations

from sqlalchemy import Connection, text


def hold_until_commit(conn: Connection, key: str) -> None:
    """Wait for, then hold, the lock named `key` until this transaction ends."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def ingest_lock_key(customer_id) -> str:
    """One customer's uploads load one at a time (each sees the claims of those before)."""
    return f"ingest:{customer_id}"

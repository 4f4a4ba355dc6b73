"""Unit of work: the caller owns the transaction; repositories never commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text


class UnitOfWork:
    """Opens transactions scoped to one tenant (RLS setting) or to the system."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self, customer_id: str | None = None) -> Iterator[Connection]:
        """A transaction; with `customer_id`, row-level security exposes only that tenant."""
        with self.engine.begin() as conn:
            if customer_id is not None:
                set_tenant(conn, customer_id)
            yield conn


def set_tenant(conn: Connection, customer_id: str) -> None:
    """Scope the rest of this transaction to one customer (the RLS key)."""
    conn.execute(
        text("SELECT set_config('app.customer_id', :cid, true)"), {"cid": str(customer_id)}
    )

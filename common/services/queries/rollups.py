"""The per-day claim rollup behind the dashboard and payer summary.

Aggregating a million claims per request would take hundreds of milliseconds; the rollup is
a few thousand rows. It is rebuilt in full from `claims` when the customer's uploads
watermark moves (claims only change through uploads), under an advisory lock so concurrent
requests rebuild it once. It lives in Postgres, so every instance shares it.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from common.db.locks import hold_until_commit
from common.db.queries import sql
from common.db.schema import claim_rollup_state


def refresh_rollup(conn: Connection, customer_id: str) -> bool:
    """Rebuild the customer's rollup when it lags; True when it was rebuilt."""
    params = {"customer_id": customer_id}
    hold_until_commit(conn, f"claim-rollup:{customer_id}")
    current = conn.execute(sql("api_rollup_watermark"), params).scalar_one()
    stored = conn.execute(
        select(claim_rollup_state.c.watermark).where(
            claim_rollup_state.c.customer_id == customer_id
        )
    ).scalar()
    if stored == current:
        return False  # another request rebuilt it while we waited for the lock
    conn.execute(sql("api_rollup_clear"), params)
    conn.execute(sql("api_rollup_rebuild"), params)
    conn.execute(sql("api_rollup_mark"), params | {"watermark": current})
    return True


def fresh_row(conn: Connection, customer_id: str, statement: str, params: dict):
    """Run a rollup-backed named query; rebuild and rerun once when it reports `stale`."""
    row = conn.execute(sql(statement), params).mappings().one()
    if row["stale"]:
        refresh_rollup(conn, customer_id)
        row = conn.execute(sql(statement), params).mappings().one()
    return row

"""835 remittances as the API lists them (SPEC 2.7, §6)."""

from __future__ import annotations

from sqlalchemy import Connection

from common.db.queries import sql


def list_remittances(conn: Connection, customer_id: str, limit: int, after, filters) -> list:
    """Up to `limit` remittances after the keyset `after` = [created_at, id] (or None)."""
    after_at, after_id = after or (None, None)
    params = {"customer_id": customer_id, "limit": limit, "after_at": after_at}
    params |= {"after_id": after_id, "upload_id": filters.get("upload_id")}
    params |= {"payer": filters.get("payer"), "remittance_id": filters.get("remittance_id")}
    return [dict(r) for r in conn.execute(sql("api_remittances_list"), params).mappings()]


def get_remittance(conn: Connection, customer_id: str, remittance_id: str) -> dict | None:
    """One remittance with its PLB adjustments, or None."""
    found = list_remittances(conn, customer_id, 1, None, {"remittance_id": remittance_id})
    return found[0] if found else None


def remittance_key(row: dict) -> list:
    """Keyset of a remittances row."""
    return [row["created_at"].isoformat(), str(row["id"])]

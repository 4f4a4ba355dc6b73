"""Signals, alerts and reports reads."""

from __future__ import annotations

from sqlalchemy import Connection

from common.db.queries import sql


def _rows(conn: Connection, name: str, params: dict) -> list[dict]:
    return [dict(r) for r in conn.execute(sql(name), params).mappings()]


def _one(conn: Connection, name: str, params: dict) -> dict | None:
    row = conn.execute(sql(name), params).mappings().first()
    return dict(row) if row else None


def created_key(row: dict) -> list:
    """Keyset [created_at, id] of a newest-first list."""
    return [row["created_at"].isoformat(), str(row["id"])]


def _keyset(after) -> dict:
    after_at, after_id = after or (None, None)
    return {"after_at": after_at, "after_id": after_id}


def list_signals(conn, customer_id: str, product: str, limit: int, after, filters: dict):
    """Up to `limit` signals of `product`, newest first, filtered."""
    params = {"customer_id": customer_id, "product": product, "limit": limit}
    return _rows(conn, "api_signals_list", params | filters | _keyset(after))


def get_signal(conn: Connection, customer_id: str, product: str, signal_id: str):
    """One signal of `product`, or None."""
    params = {"customer_id": customer_id, "product": product, "signal_id": signal_id}
    return _one(conn, "api_signal_detail", params)


def list_alerts(conn, customer_id: str, limit: int, after, filters: dict) -> list[dict]:
    """Up to `limit` alerts, newest first, filtered."""
    params = {"customer_id": customer_id, "limit": limit}
    return _rows(conn, "api_alerts_list", params | filters | _keyset(after))


def get_alert(conn: Connection, customer_id: str, alert_id: str) -> dict | None:
    """An alert with its signal and judgments, or None."""
    return _one(conn, "api_alert_detail", {"customer_id": customer_id, "alert_id": alert_id})


def list_reports(conn, customer_id: str, limit: int, after, kind: str | None) -> list[dict]:
    """Up to `limit` reports, newest first."""
    params = {"customer_id": customer_id, "limit": limit, "kind": kind}
    return _rows(conn, "api_reports_list", params | _keyset(after))


def report_object(conn: Connection, customer_id: str, report_id: str) -> dict | None:
    """Where a report's bytes are stored, or None."""
    return _one(conn, "api_report_object", {"customer_id": customer_id, "report_id": report_id})

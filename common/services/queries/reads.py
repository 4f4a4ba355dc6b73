"""Uploads, claims, payer summary and dashboard reads."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection

from common.db.queries import sql
from common.domain.line_identity import claim_key_range
from common.domain.thresholds import thresholds_for
from common.services.customers import find_by_id
from common.services.reports.levels import denial_dollars_high


def _rows(conn: Connection, name: str, params: dict) -> list[dict]:
    return [dict(r) for r in conn.execute(sql(name), params).mappings()]


def _one(conn: Connection, name: str, params: dict) -> dict | None:
    row = conn.execute(sql(name), params).mappings().first()
    return dict(row) if row else None


def list_uploads(conn, customer_id: str, limit: int, after, status: str | None) -> list[dict]:
    """Up to `limit` uploads after the keyset `after` = [received_at, id] (or None)."""
    after_at, after_id = after or (None, None)
    params = {"customer_id": customer_id, "status": status, "limit": limit}
    return _rows(conn, "api_uploads_list", params | {"after_at": after_at, "after_id": after_id})


def upload_key(row: dict) -> list:
    """Keyset of an uploads row."""
    return [row["received_at"].isoformat(), str(row["id"])]


def get_upload(conn: Connection, customer_id: str, upload_id: str) -> dict | None:
    """An upload with its report and grouped rejections, or None."""
    return _one(conn, "api_upload_detail", {"customer_id": customer_id, "upload_id": upload_id})


def upload_stats(conn: Connection, customer_id: str) -> dict:
    """Totals over every upload."""
    return _one(conn, "api_upload_stats", {"customer_id": customer_id}) or {}


def list_claims(conn, customer_id: str, limit: int, after, filters: dict) -> list[dict]:
    """Up to `limit` lines with id below `after` = [id] (or None), filtered.

    `claim_id` becomes a range of the byte-ordered line keys: every key of a claim starts with
    the same prefix, so its lines come from one index range.
    """
    params = {"customer_id": customer_id, "limit": limit, "after_id": after[0] if after else None}
    claim_id = filters.get("claim_id")
    key_from, key_to = claim_key_range(claim_id) if claim_id else (None, None)
    keys = {"key_from": key_from, "key_to": key_to}
    rest = {k: v for k, v in filters.items() if k != "claim_id"}
    return _rows(conn, "api_claims_list", params | rest | keys)


def claim_key(row: dict) -> list:
    """Keyset of a claims row."""
    return [row["id"]]


def get_claim(conn: Connection, customer_id: str, claim_pk: int) -> dict | None:
    """A claim with its versions, or None."""
    return _one(conn, "api_claim_detail", {"customer_id": customer_id, "claim_pk": claim_pk})


def payer_summary(conn: Connection, customer_id: str, start: date, end: date) -> list[dict]:
    """Per-payer totals for [start, end) on decision date."""
    params = {"customer_id": customer_id, "start_date": start, "end_date": end}
    return list(conn.execute(sql("api_payer_summary"), params).scalar_one())


def dashboard(conn: Connection, customer_id: str, today: date) -> dict:
    """The dashboard document: one statement on the rollups, and the denied-dollars level."""
    month_start = today.replace(day=1)
    trend_start = month_start
    for _ in range(5):
        trend_start = (trend_start - timedelta(days=1)).replace(day=1)
    params = {
        "customer_id": customer_id,
        "today": today,
        "month_start": month_start,
        "trend_start": trend_start,
    }
    doc = dict(conn.execute(sql("api_dashboard"), params).scalar_one())
    # A level, not a change (SPEC 3.2): payers over the customer's denied-dollars threshold in
    # the 7 days before today, as the weekly report lists them.
    customer = find_by_id(conn, customer_id)
    th = thresholds_for(customer.settings if customer else None)
    doc["denial_dollars_high"] = denial_dollars_high(conn, customer_id, today, th)
    return doc

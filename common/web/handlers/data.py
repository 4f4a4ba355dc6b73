"""Uploads, claims, payer summary and dashboard."""

from __future__ import annotations

from common.services.queries import reads
from common.web.errors import not_found, unprocessable
from common.web.pagination import id_keyset, page, time_keyset


def list_uploads(ctx, query):
    """Uploads, newest first."""
    after = time_keyset("uploads", query.cursor)
    with ctx.tx() as conn:
        rows = reads.list_uploads(conn, ctx.customer_id, query.limit + 1, after, query.status)
    return page(rows, query.limit, "uploads", reads.upload_key)


def upload_stats(ctx):
    """Totals over every upload."""
    with ctx.tx() as conn:
        return reads.upload_stats(conn, ctx.customer_id)


def get_upload(ctx, id):
    """One upload with its quality report and grouped rejections."""
    with ctx.tx() as conn:
        row = reads.get_upload(conn, ctx.customer_id, id)
    if row is None:
        raise not_found("upload")
    return row


CLAIM_FILTERS = (
    "claim_id", "payer", "cpt", "cpt_group", "outcome",
    "submitted_from", "submitted_to", "decided_from", "decided_to",
)  # fmt: skip


def list_claims(ctx, query):
    """Service lines, most recently loaded first, filtered (`claim_id`: one claim's lines)."""
    after = id_keyset("claims", query.cursor)
    filters = {name: getattr(query, name) for name in CLAIM_FILTERS}
    if filters["cpt"]:
        filters["cpt"] = filters["cpt"].upper()
    with ctx.tx() as conn:
        rows = reads.list_claims(conn, ctx.customer_id, query.limit + 1, after, filters)
    return page(rows, query.limit, "claims", reads.claim_key)


def get_claim(ctx, id):
    """One claim with its history."""
    with ctx.tx() as conn:
        row = reads.get_claim(conn, ctx.customer_id, id)
    if row is None:
        raise not_found("claim")
    return row


def payer_summary(ctx, query):
    """Per-payer totals for [start_date, end_date) (default: the last 90 days)."""
    try:
        start, end = query.resolved(ctx.today)
    except ValueError as exc:
        raise unprocessable(str(exc)) from None
    with ctx.tx() as conn:
        payers = reads.payer_summary(conn, ctx.customer_id, start, end)
    return {"start_date": start, "end_date": end, "payers": payers}


def dashboard(ctx):
    """Claims, uploads, open signals, dollars at risk, trend, top payers, recovery."""
    with ctx.tx() as conn:
        return reads.dashboard(conn, ctx.customer_id, ctx.today)

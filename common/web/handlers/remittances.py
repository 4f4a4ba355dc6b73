"""835 remittances (SPEC 2.7): GET /v1/remittances and /v1/remittances/{id}."""

from __future__ import annotations

from common.services.queries import remittances
from common.web.errors import not_found
from common.web.pagination import page, time_keyset


def list_remittances(ctx, query):
    """Remittances, newest first, with their PLB adjustments."""
    after = time_keyset("remittances", query.cursor)
    filters = {"upload_id": query.upload_id and str(query.upload_id), "payer": query.payer}
    with ctx.tx() as conn:
        rows = remittances.list_remittances(conn, ctx.customer_id, query.limit + 1, after, filters)
    return page(rows, query.limit, "remittances", remittances.remittance_key)


def get_remittance(ctx, id):
    """One remittance with its PLB adjustments."""
    with ctx.tx() as conn:
        row = remittances.get_remittance(conn, ctx.customer_id, id)
    if row is None:
        raise not_found("remittance")
    return row

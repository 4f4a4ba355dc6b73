"""835 remittances (SPEC 2.7): GET /v1/remittances."""

from __future__ import annotations

from common.services.queries import remittances
from common.web.pagination import page, time_keyset


def list_remittances(ctx, query):
    """Remittances, newest first, with their PLB adjustments."""
    after = time_keyset("remittances", query.cursor)
    filters = {"upload_id": query.upload_id and str(query.upload_id), "payer": query.payer}
    with ctx.tx() as conn:
        rows = remittances.list_remittances(conn, ctx.customer_id, query.limit + 1, after, filters)
    return page(rows, query.limit, "remittances", remittances.remittance_key)

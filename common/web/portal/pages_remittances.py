"""835 remittances: the payer's payments, whether each balances, and its PLB adjustments.

The page lists what GET /v1/remittances serves (same handler, same response model), filtered
by payer or by the upload that carried them.
"""

from __future__ import annotations

from common.web.handlers import remittances as api
from common.web.models.remittances import RemittanceList, RemittancesQuery
from common.web.portal.forms import query_model
from common.web.portal.render import Visit


def remittances(v: Visit):
    """Remittances, newest first, each with its payment, claims paid and PLB adjustments."""
    query, _ = query_model(v.ctx.request, RemittancesQuery)
    listing = RemittanceList.model_validate(api.list_remittances(v.ctx, query))
    return v.page("remittances.html", listing=listing, query=query)

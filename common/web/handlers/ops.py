"""Recompute requests, health and the OpenAPI document."""

from __future__ import annotations

import logging

from sqlalchemy import text

from common.services.recompute_requests import request_recompute
from common.web.openapi import document

log = logging.getLogger(__name__)


def recompute(ctx, body):
    """Queue a recompute of the caller's signals (10 per hour)."""
    remaining = request_recompute(ctx.app.uow, ctx.customer_id, ctx.principal.actor, body.as_of)
    try:
        ctx.app.relay.flush()  # committed above: publish now, not on the next relay pass
    except Exception:  # noqa: BLE001 - the outbox row stays queued; the next flush sends it
        log.warning("outbox flush after recompute request failed", exc_info=True)
    return {
        "status": "queued",
        "customer_id": ctx.customer_id,
        "as_of": body.as_of,
        "remaining_this_hour": remaining,
    }


def health(ctx):
    """Process up; database reachable (no auth)."""
    try:
        with ctx.app.uow.transaction() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means unreachable; details stay in logs
        log.warning("health: database unreachable", exc_info=True)
        return {"status": "degraded", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def openapi_document(ctx):
    """This API's OpenAPI 3.1 document."""
    return document(ctx.routes)

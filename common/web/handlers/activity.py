"""Signals, alerts with operator feedback, and reports."""

from __future__ import annotations

from pathlib import PurePosixPath

from common.services.judgments import record_judgment
from common.services.queries import activity
from common.web.errors import not_found
from common.web.pagination import page, time_keyset

MEDIA = {"pdf": "application/pdf", "csv": "text/csv"}


def list_signals(ctx, product, query):
    """One product's episodes (open by default), newest first, filtered by payer, type,
    severity, since."""
    after = time_keyset(f"signals:{product}", query.cursor)
    filters = {
        "status": query.status,
        "payer": query.payer,
        "type": query.type,
        "severity": query.severity,
        "since": query.since,
    }
    with ctx.tx() as conn:
        rows = activity.list_signals(
            conn, ctx.customer_id, product, query.limit + 1, after, filters
        )
    return page(rows, query.limit, f"signals:{product}", activity.created_key)


def get_signal(ctx, product, id):
    """One episode of one product, with its observation history."""
    with ctx.tx() as conn:
        row = activity.get_signal(conn, ctx.customer_id, product, id)
    if row is None:
        raise not_found("signal")
    return row


def list_alerts(ctx, query):
    """Alerts, newest first, filtered by status, product, since."""
    after = time_keyset("alerts", query.cursor)
    filters = {"status": query.status, "product": query.product, "since": query.since}
    with ctx.tx() as conn:
        rows = activity.list_alerts(conn, ctx.customer_id, query.limit + 1, after, filters)
    return page(rows, query.limit, "alerts", activity.created_key)


def get_alert(ctx, id):
    """One alert with its signal and judgments."""
    with ctx.tx() as conn:
        row = activity.get_alert(conn, ctx.customer_id, id)
    if row is None:
        raise not_found("alert")
    return row


def alert_feedback(ctx, id, body):
    """Record an operator's verdict (real → acknowledged, noise → resolved, followup → open)."""
    p = ctx.principal
    return record_judgment(
        ctx.app.uow, p.customer_id, id, p.user_id, p.actor, body.model_dump(), ctx.today
    )


def list_reports(ctx, query):
    """Stored reports, newest first."""
    after = time_keyset("reports", query.cursor)
    with ctx.tx() as conn:
        rows = activity.list_reports(conn, ctx.customer_id, query.limit + 1, after, query.kind)
    for row in rows:
        row["download_url"] = f"/v1/reports/{row['id']}/download"
    return page(rows, query.limit, "reports", activity.created_key)


def download_report(ctx, id):
    """The report's bytes (PDF or CSV) as an attachment."""
    with ctx.tx() as conn:
        row = activity.report_object(conn, ctx.customer_id, id)
    if row is None:
        raise not_found("report")
    try:
        with ctx.app.reports_store.open_read(row["object_name"]) as blob:
            body = blob.read()
    except FileNotFoundError:
        raise not_found("report file") from None
    media = MEDIA.get(row["format"], "application/octet-stream")
    name = PurePosixPath(row["object_name"]).name or f"report-{row['id']}.{row['format']}"
    return body, media, name

"""Alerts with operator feedback (analyst and up), and the weekly reports with downloads.

Feedback goes through the handler behind POST /v1/alerts/{id}/feedback with the API's own
request model, so a verdict from the portal is stored, audited and validated the same way.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from common.services.judgments import JudgmentError
from common.web.handlers import activity as api
from common.web.models.signals import (
    AlertDetail,
    AlertList,
    AlertsQuery,
    FeedbackRequest,
    ReportList,
    ReportsQuery,
)
from common.web.portal.forms import FormInvalid, body_model, filled, query_model, split_list
from common.web.portal.pages_signals import PRODUCTS, value_format
from common.web.portal.render import Visit

STATUSES = ("open", "sent", "suppressed", "acknowledged", "resolved", "failed")
VERDICTS = {
    "real": "Real — the payer changed (acknowledges the alert)",
    "noise": "Noise — nothing changed (resolves it; repeated noise suppresses)",
    "needs_followup": "Needs follow-up — keep it open",
}
REASON_EXAMPLES = "payer_policy_change, coding_error, appeal_filed, data_issue"


def alerts(v: Visit):
    """Alerts, newest first, filtered by status and product, 50 a page."""
    query, _ = query_model(v.ctx.request, AlertsQuery)
    listing = AlertList.model_validate(api.list_alerts(v.ctx, query))
    return v.page("alerts.html", listing=listing, query=query, statuses=STATUSES, products=PRODUCTS)


def alert_detail(v: Visit, id: str, errors: dict | None = None, values: dict | None = None,
                 status: int = 200):  # fmt: skip
    """One alert: its episode, every judgment, and the feedback form for analysts."""
    alert = AlertDetail.model_validate(api.get_alert(v.ctx, id))
    return v.page(
        "alert.html",
        status=status,
        alert=alert,
        fmt=value_format(alert.signal.type),
        verdicts=VERDICTS,
        reason_examples=REASON_EXAMPLES,
        errors=errors or {},
        values=values or {},
        saved=v.ctx.request.args.get("saved") == "1",
    )


def feedback(v: Visit, id: str):
    """Record a verdict, reason codes, notes and recovered dollars; back to the alert."""
    values = filled(v.ctx.request.form)
    values.pop("csrf_token", None)
    fields = {k: values[k] for k in ("verdict", "notes", "recovered_amount", "recovered_date")
              if k in values}  # fmt: skip
    fields["reason_codes"] = split_list(values.get("reason_codes"))
    try:
        body = body_model(FeedbackRequest, fields)
    except FormInvalid as exc:
        return alert_detail(v, id, exc.messages, values, 422)
    try:
        api.alert_feedback(v.ctx, id, body)
    except JudgmentError as exc:  # e.g. a recovered date after tomorrow
        return alert_detail(v, id, {"form": str(exc)}, values, 422)
    return v.redirect(f"/alerts/{id}", saved="1")


def reports(v: Visit):
    """Stored weekly reports, newest first, each with its download."""
    query, _ = query_model(v.ctx.request, ReportsQuery)
    listing = ReportList.model_validate(api.list_reports(v.ctx, query))
    return v.page("reports.html", listing=listing, query=query)


def download_report(v: Visit, id: str):
    """The report's PDF or CSV as an attachment."""
    body, media, name = api.download_report(v.ctx, id)
    response = Response(body, mimetype=media)
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "report"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Operator judgments on alerts (SPEC §4): verdict, reasons, notes and recovered dollars.

real → acknowledged, noise → resolved, needs_followup → open (kept, not re-sent). Every
judgment is kept (the latest one counts for the recovery ledger) and audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, insert, select, update

from common.db.schema import alerts, operator_judgments
from common.db.uow import UnitOfWork
from common.services.audit_trail import record

VERDICT_STATUS = {"real": "acknowledged", "noise": "resolved", "needs_followup": "open"}
MAX_RECOVERED = Decimal("10000000")
EARLIEST = date(2000, 1, 1)


class JudgmentError(ValueError):
    """Bad feedback input (HTTP 422)."""


class AlertNotFound(LookupError):
    """No such alert for this customer (HTTP 404, same as another tenant's alert)."""


def _checked(verdict, recovered_amount, recovered_date, today: date):
    if verdict not in VERDICT_STATUS:
        raise JudgmentError(f"verdict must be one of {', '.join(VERDICT_STATUS)}")
    amount = None
    if recovered_amount is not None:
        amount = Decimal(str(recovered_amount)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if not Decimal(0) <= amount <= MAX_RECOVERED:
            raise JudgmentError("recovered_amount must be between 0 and 10,000,000")
    if recovered_date is not None and not EARLIEST <= recovered_date <= today + timedelta(1):
        raise JudgmentError("recovered_date must be between 2000-01-01 and tomorrow")
    return amount


def record_judgment(
    uow: UnitOfWork,
    customer_id: str,
    alert_id: str,
    user_id: str | None,
    actor: str,
    feedback: dict,
    today: date,
) -> dict:
    """Store a judgment, move the alert's status, audit; return the judgment and new status.

    `feedback` holds verdict, reason_codes, notes, recovered_amount, recovered_date.
    """
    verdict = feedback["verdict"]
    amount = _checked(
        verdict, feedback.get("recovered_amount"), feedback.get("recovered_date"), today
    )
    status = VERDICT_STATUS[verdict]
    with uow.transaction(customer_id) as conn:
        found = conn.execute(
            select(alerts.c.id)
            .where(alerts.c.customer_id == customer_id, alerts.c.id == alert_id)
            .with_for_update()
        ).first()
        if found is None:
            raise AlertNotFound("alert not found")
        judgment = (
            conn.execute(
                insert(operator_judgments)
                .values(
                    customer_id=customer_id,
                    alert_id=alert_id,
                    user_id=user_id,
                    verdict=verdict,
                    reason_codes=list(feedback.get("reason_codes") or []),
                    notes=feedback.get("notes"),
                    recovered_amount=amount,
                    recovered_date=feedback.get("recovered_date"),
                )
                .returning(operator_judgments)
            )
            .mappings()
            .one()
        )
        conn.execute(
            update(alerts)
            .where(alerts.c.customer_id == customer_id, alerts.c.id == alert_id)
            .values(status=status, updated_at=func.now())
        )
        # Notes are free text and may hold anything: they stay out of the audit details.
        details = {
            "verdict": verdict,
            "status": status,
            "reason_codes": list(feedback.get("reason_codes") or []),
            "recovered_amount": None if amount is None else float(amount),
        }
        record(conn, customer_id, actor, "alert.judged", "alert", alert_id, details)
    return {"judgment": dict(judgment), "alert_status": status}

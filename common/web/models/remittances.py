"""835 remittances: the payer's payment, its claims and its provider-level adjustments."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from common.web.models.common import ListQuery, Output


class RemittancesQuery(ListQuery):
    """Filter remittances by the upload that carried them or by payer."""

    upload_id: UUID | None = None
    payer: str | None = Field(None, max_length=200)


class ProviderAdjustment(Output):
    """One PLB adjustment: positive amounts were taken from the payment (WO recoupment),
    negative ones added to it (L6 interest)."""

    reason: str
    reference: str | None
    amount: float
    fiscal_period: date | None


class Remittance(Output):
    """One 835 transaction: BPR payment, claims paid, PLB total and whether they balance."""

    id: UUID
    upload_id: UUID
    segment: int
    control_number: str | None
    payer: str | None
    trace_number: str | None
    payment_method: str | None
    payment_amount: float | None
    payment_date: date | None
    production_date: date | None
    claims: int
    lines: int
    claims_paid: float
    provider_adjustments_total: float
    balanced: bool = Field(description="payment_amount = claims_paid - PLB total, to the cent")
    provider_adjustments: list[ProviderAdjustment]
    created_at: datetime


class RemittanceList(Output):
    """A page of remittances, newest first."""

    items: list[Remittance]
    next_cursor: str | None

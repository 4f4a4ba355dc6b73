"""What an 835 says about its payments beside the lines: remittances and PLB adjustments."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB adjustment: reason (WO recoupment, L6 interest, FB forwarding …), amount."""

    reason: str
    reference: str
    amount: str
    fiscal_period: str


@dataclass
class Remittance:
    """One ST/SE transaction: a payer's payment (BPR), its claims and PLB adjustments."""

    segment: int
    control: str
    payer: str = ""
    trace_number: str = ""
    payment_method: str = ""
    payment_amount: str = ""
    payment_date: str = ""
    production_date: str = ""
    claims: int = 0
    lines: int = 0
    claims_paid: float = 0.0
    reversals_replaced: int = 0
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)

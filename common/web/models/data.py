"""Uploads and claims models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field, model_validator

from common.web.models.common import ListQuery, Outcome, Output

UploadStatus = Literal[
    "received", "processing", "loaded", "partial", "rejected", "duplicate", "quarantined", "failed"
]
MAX_RANGE_DAYS = 3660


class UploadsQuery(ListQuery):
    """Filter uploads by status."""

    status: UploadStatus | None = None


class Upload(Output):
    """One claim file and what became of it."""

    id: UUID
    object_name: str
    status: str
    sha256: str | None
    size_bytes: int | None
    encoding: str | None
    delimiter: str | None
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_warning: int
    rows_skipped: int = Field(description="self-pay and totals rows: no payer decisions")
    date_min: date | None
    date_max: date | None
    error: str | None
    received_at: datetime
    completed_at: datetime | None


class UploadList(Output):
    """A page of uploads, newest first."""

    items: list[Upload]
    next_cursor: str | None


class RejectionGroup(Output):
    """Findings of one rule in one column: count and up to 20 sample row numbers."""

    rule: str
    column: str | None
    severity: str
    count: int
    sample_rows: list[int]


class UploadDetail(Upload):
    """An upload with its quality report and grouped rejections."""

    report: dict[str, Any] | None
    rejections: list[RejectionGroup]


class UploadStats(Output):
    """Totals over every upload of the customer."""

    uploads: int
    by_status: dict[str, int]
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_warning: int
    last_received_at: datetime | None
    last_completed_at: datetime | None
    rejections_by_rule: dict[str, int]


def check_range(start: date | None, end: date | None, label: str) -> None:
    if start and end:
        if start >= end:
            raise ValueError(f"{label}: the start must be before the end (ranges are [start, end))")
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValueError(f"{label}: the range may span at most {MAX_RANGE_DAYS} days")


class ClaimsQuery(ListQuery):
    """Service-line filters; `claim_id` lists one claim's lines. Date ranges are [from, to)."""

    claim_id: str | None = Field(None, min_length=1, max_length=100)
    payer: str | None = Field(None, min_length=1, max_length=200)
    cpt: str | None = Field(None, pattern=r"^[0-9A-Za-z]{5}$")
    cpt_group: str | None = Field(None, min_length=1, max_length=40)
    outcome: Outcome | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    decided_from: date | None = None
    decided_to: date | None = None

    @model_validator(mode="after")
    def _ranges(self):
        check_range(self.submitted_from, self.submitted_to, "submitted")
        check_range(self.decided_from, self.decided_to, "decided")
        return self


class Claim(Output):
    """One claim service line as loaded (its latest version), with its claim and identity."""

    id: int
    upload_id: UUID
    claim_id: str | None
    line_key: str
    line_number: int | None
    payer: str
    cpt: str | None = Field(description="empty only on an 835 claim-level line (group OTHER)")
    cpt_modifiers: str | None
    cpt_group: str
    service_date: date | None
    submitted_date: date | None
    decided_date: date | None
    payment_date: date | None
    outcome: Outcome
    billed_amount: float | None
    allowed_amount: float | None
    paid_amount: float | None
    denial_reason_code: str | None
    denial_reason_text: str | None
    created_at: datetime
    updated_at: datetime


class ClaimVersion(Output):
    """A superseded version of a claim (e.g. the denial before the appeal paid)."""

    upload_id: UUID
    outcome: Outcome
    decided_date: date | None
    payment_date: date | None
    paid_amount: float | None
    denial_reason_code: str | None
    superseded_by_upload_id: UUID
    superseded_at: datetime


class LineAdjustment(Output):
    """One CAS adjustment of an 835 line: group (CO, PR, OA, PI), CARC reason, its family."""

    group: str
    reason: str
    amount: float
    family: str


class ClaimDetail(Claim):
    """A claim with its history and (835 lines) the adjustments of its current version."""

    versions: list[ClaimVersion]
    adjustments: list[LineAdjustment]


class ClaimList(Output):
    """A page of claims, most recently loaded first."""

    items: list[Claim]
    next_cursor: str | None

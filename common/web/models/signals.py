"""Signals, alerts, operator feedback and reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from common.web.models.common import Input, ListQuery, Output, Product, SeverityLabel

AlertStatus = Literal["open", "sent", "suppressed", "acknowledged", "resolved", "failed"]
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]


class SignalsQuery(ListQuery):
    """Episode filters: open (default), closed or all; `since` keeps episodes first detected
    on or after that date."""

    status: Literal["open", "closed", "all"] = "open"
    payer: str | None = Field(None, min_length=1, max_length=200)
    type: str | None = Field(None, min_length=1, max_length=64)
    severity: SeverityLabel | None = None
    since: date | None = None


class Observation(Output):
    """One run's view of an episode: its window and what it measured."""

    as_of: date
    window_start: date
    window_end: date
    baseline_value: float | None
    current_value: float | None
    delta: float | None
    n_baseline: int | None
    n_current: int | None
    p_value: float | None
    severity: float
    severity_label: SeverityLabel
    confidence: float
    dollars_at_risk: float | None


class Signal(Observation):
    """An episode of a change in a payer's behaviour (SPEC §3): its latest observation's
    values, and when it was first and last seen."""

    id: UUID
    product: Product
    type: str
    payer: str
    key: str | None
    direction: Literal["up", "down"]
    baseline_start: date | None
    baseline_end: date | None
    summary: str
    details: dict[str, Any]
    created_at: datetime
    first_seen_as_of: date
    last_seen_as_of: date
    times_seen: int
    ended_as_of: date | None


class SignalDetail(Signal):
    """An episode with its observation history, oldest first."""

    observations: list[Observation]


class SignalList(Output):
    """A page of signals, newest first."""

    items: list[Signal]
    next_cursor: str | None


class AlertsQuery(ListQuery):
    """Alert filters."""

    status: AlertStatus | None = None
    product: Product | None = None
    since: date | None = None


class SignalBrief(Output):
    """What an alert list shows of its signal."""

    id: UUID
    product: Product
    type: str
    payer: str
    key: str | None
    severity: float
    severity_label: SeverityLabel
    dollars_at_risk: float | None
    summary: str


class Alert(Output):
    """One (signal, rule) alert."""

    id: UUID
    status: AlertStatus
    suppressed_reason: str | None
    rule_id: UUID
    rule_name: str | None
    created_at: datetime
    updated_at: datetime
    signal: SignalBrief


class AlertList(Output):
    """A page of alerts, newest first."""

    items: list[Alert]
    next_cursor: str | None


class Judgment(Output):
    """An operator's verdict on an alert."""

    id: UUID
    verdict: Literal["real", "noise", "needs_followup"]
    reason_codes: list[str]
    notes: str | None
    recovered_amount: float | None
    recovered_date: date | None
    user_id: UUID | None
    created_at: datetime


class AlertDetail(Alert):
    """An alert with its full signal and every judgment, newest first."""

    signal: Signal
    judgments: list[Judgment]


class FeedbackRequest(Input):
    """real → acknowledged, noise → resolved, needs_followup → open (not re-sent)."""

    verdict: Literal["real", "noise", "needs_followup"]
    reason_codes: list[ReasonCode] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(None, max_length=4000)
    recovered_amount: float | None = Field(None, ge=0, le=10_000_000)
    recovered_date: date | None = None


class FeedbackResponse(Output):
    """The recorded judgment and the alert's new status."""

    judgment: Judgment
    alert_status: AlertStatus


class ReportsQuery(ListQuery):
    """Report filters."""

    kind: str | None = Field(None, min_length=1, max_length=40)


class Report(Output):
    """A stored report (download it from `download_url`)."""

    id: UUID
    kind: str
    format: str
    period_start: date
    period_end: date
    size_bytes: int
    created_at: datetime
    download_url: str


class ReportList(Output):
    """A page of reports, newest first."""

    items: list[Report]
    next_cursor: str | None

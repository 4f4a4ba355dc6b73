"""Recompute requests and health."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, field_validator

from common.web.models.common import Input, Output


class RecomputeRequest(Input):
    """Recompute the caller's signals, optionally as of a past date (default: today)."""

    as_of: date | None = None

    @field_validator("as_of")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        if value is not None and not date(2000, 1, 1) <= value <= tomorrow:
            raise ValueError("as_of must be between 2000-01-01 and tomorrow")
        return value


class RecomputeAccepted(Output):
    """The request is queued (topic recompute-requested)."""

    status: Literal["queued"]
    customer_id: UUID
    as_of: date | None
    remaining_this_hour: int


class Health(Output):
    """Process and database reachability."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]


class OpenApiDocument(Output):
    """An OpenAPI 3.1 document (passed through whole)."""

    model_config = ConfigDict(extra="allow")

    openapi: str

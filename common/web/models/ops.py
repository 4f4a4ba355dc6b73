"""Recompute requests and health."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict

from common.web.models.common import Input, Output


class RecomputeRequest(Input):
    """Recompute the caller's signals, optionally as of a past date (default: today)."""

    as_of: date | None = None


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

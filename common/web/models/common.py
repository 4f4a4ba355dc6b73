"""Shared model bases and types."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["owner", "admin", "analyst", "viewer"]
Product = Literal["driftwatch", "denialscope", "delayguard"]
SeverityLabel = Literal["low", "medium", "high", "critical"]
Outcome = Literal["PAID", "DENIED", "OTHER"]


class Input(BaseModel):
    """A request body or query: unknown fields are an error (typos must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


class ListQuery(Input):
    """Every list: `limit` (1–200, default 50) and the opaque `cursor` from the previous page."""

    limit: int = Field(50, ge=1, le=200, description="page size")
    cursor: str | None = Field(
        None, max_length=512, description="`next_cursor` of the previous page"
    )


class Output(BaseModel):
    """A response document."""

    model_config = ConfigDict(extra="ignore")


class ErrorBody(Output):
    """What went wrong; never a stack trace."""

    code: str
    message: str
    details: Any = None
    request_id: str


class ErrorResponse(Output):
    """Every error response."""

    error: ErrorBody

"""Errors the alert services raise for callers (CLI exit 2, HTTP 4xx)."""

from __future__ import annotations


class AlertConfigError(ValueError):
    """Bad input for a rule or webhook endpoint (HTTP 422)."""


class NotFound(LookupError):
    """No such rule or endpoint for this customer (HTTP 404, same as another tenant's row)."""

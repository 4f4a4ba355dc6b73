"""Bus messages: frozen, versioned dataclasses named in the past tense, encoded in one place."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class BadMessage(ValueError):
    """A message that can never be processed: record it and acknowledge it."""


@dataclass(frozen=True)
class ClaimsLoaded:
    """Claims for a customer changed (an upload, or a scheduled/explicit recompute)."""

    customer_id: str
    upload_id: str | None = None
    date_min: date | None = None
    date_max: date | None = None
    rows_accepted: int = 0
    reason: str = "upload"  # upload | schedule | request
    as_of: date | None = None
    schema_version: int = 1
    event_type: str = field(default="ClaimsLoaded", init=False)


@dataclass(frozen=True)
class SignalsRaised:
    """New signals were written for a customer."""

    customer_id: str
    product: str
    signal_ids: tuple[str, ...] = ()
    schema_version: int = 1
    event_type: str = field(default="SignalsRaised", init=False)


RECOMPUTE_SCOPES = ("signals", "deliveries")


@dataclass(frozen=True)
class RecomputeRequested:
    """Recompute signals for one customer, or every active one when customer_id is None.

    scope "deliveries" only sends due webhook retries (the every-minute schedule).
    """

    customer_id: str | None = None
    as_of: date | None = None
    scope: str = "signals"
    schema_version: int = 1
    event_type: str = field(default="RecomputeRequested", init=False)


MESSAGE_TYPES = {cls.__name__: cls for cls in (ClaimsLoaded, SignalsRaised, RecomputeRequested)}


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def encode(message: Any) -> tuple[bytes, dict[str, str]]:
    """Message → (JSON bytes, attributes carrying customer_id and event_type)."""
    body = dataclasses.asdict(message)
    data = json.dumps(body, default=_json_default, sort_keys=True).encode()
    attributes = {"event_type": message.event_type, "schema_version": str(message.schema_version)}
    if getattr(message, "customer_id", None):
        attributes["customer_id"] = str(message.customer_id)
    return data, attributes


def decode(data: bytes, expected: type | None = None) -> Any:
    """JSON bytes → message; raises BadMessage for anything malformed."""
    try:
        body = json.loads(data)
        cls = MESSAGE_TYPES[body.pop("event_type")]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadMessage(f"undecodable message: {exc.__class__.__name__}") from None
    if expected is not None and cls is not expected:
        raise BadMessage(f"expected {expected.__name__}, got {cls.__name__}")
    if body.get("schema_version") != 1:
        raise BadMessage(f"unsupported schema_version {body.get('schema_version')!r}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if not f.init or f.name not in body:
            continue
        kwargs[f.name] = _coerce(f.name, body[f.name])
    if kwargs.get("scope", "signals") not in RECOMPUTE_SCOPES:
        raise BadMessage(f"unknown recompute scope {kwargs['scope']!r}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise BadMessage(str(exc)) from None


def _coerce(name: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if name in ("date_min", "date_max", "as_of"):
            return date.fromisoformat(value)
        if name == "signal_ids":
            return tuple(str(v) for v in value)
        if name == "rows_accepted":
            return int(value)
    except (TypeError, ValueError):
        raise BadMessage(f"bad field {name}") from None
    return value

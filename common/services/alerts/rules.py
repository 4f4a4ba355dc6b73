"""Alert rules: which signals a rule matches, and what a valid rule looks like.

Scope fields (product, signal_type, payer, group_key) narrow a rule; blank means any. The
condition fields (min_severity, min_abs_delta, min_dollars) must all hold when set. Every
product's signals go through the same rules.
"""

from __future__ import annotations

import math
import re
import uuid
from typing import Any

from common.db.schema.signals import PRODUCTS
from common.services.alerts.errors import AlertConfigError

SCOPE_FIELDS = ("product", "signal_type", "payer", "group_key")
CONDITION_FIELDS = ("min_severity", "min_abs_delta", "min_dollars")
RULE_FIELDS = ("name", *SCOPE_FIELDS, *CONDITION_FIELDS, "channels", "enabled")
EMAIL_GROUPS = ("owners", "admins")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CHANNELS = 10
MAX_TEXT = 200


def rule_matches(rule: dict, signal: dict) -> bool:
    """True when an enabled rule's scope covers the signal and its condition holds."""
    if not rule.get("enabled", True):
        return False
    scope = {"product": "product", "signal_type": "type", "payer": "payer", "group_key": "key"}
    for rule_field, signal_field in scope.items():
        wanted = rule.get(rule_field)
        if wanted and (signal.get(signal_field) or "").casefold() != wanted.casefold():
            return False
    return (
        _at_least(signal.get("severity"), rule.get("min_severity"))
        and _at_least(_abs(signal.get("delta")), rule.get("min_abs_delta"))
        and _at_least(signal.get("dollars_at_risk"), rule.get("min_dollars"))
    )


def _abs(value):
    return None if value is None else abs(float(value))


def _at_least(value, minimum) -> bool:
    if minimum is None:
        return True
    return value is not None and float(value) >= float(minimum)


def clean_rule_fields(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated, normalised rule fields; AlertConfigError naming the first bad field."""
    unknown = sorted(set(fields) - set(RULE_FIELDS))
    if unknown:
        raise AlertConfigError(f"unknown rule fields: {', '.join(unknown)}")
    if not partial and not fields.get("name"):
        raise AlertConfigError("name is required")
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            clean[key] = _text(key, value, required=True)
        elif key in SCOPE_FIELDS:
            clean[key] = _text(key, value)
        elif key in CONDITION_FIELDS:
            clean[key] = _number(key, value, upper=1.0 if key == "min_severity" else 1e7)
        elif key == "channels":
            clean[key] = clean_channels(value)
        elif not isinstance(value, bool):
            raise AlertConfigError("enabled must be true or false")
        else:
            clean[key] = value
    if clean.get("product") and clean["product"] not in PRODUCTS:
        raise AlertConfigError(f"product must be one of {', '.join(PRODUCTS)}")
    return clean


def clean_channels(channels: Any) -> list[dict]:
    """Channels as stored: webhook (one endpoint, or every active one) or e-mail."""
    if not isinstance(channels, list) or len(channels) > MAX_CHANNELS:
        raise AlertConfigError(f"channels must be a list of at most {MAX_CHANNELS} channels")
    clean = []
    for channel in channels:
        kind = channel.get("type") if isinstance(channel, dict) else None
        if kind == "webhook":
            endpoint = channel.get("endpoint_id")
            if endpoint is None:
                clean.append({"type": "webhook"})
            else:
                clean.append({"type": "webhook", "endpoint_id": _uuid("endpoint_id", endpoint)})
        elif kind == "email":
            clean.append({"type": "email", "to": _recipients(channel.get("to"))})
        else:
            raise AlertConfigError("each channel needs type 'webhook' or 'email'")
    return clean


def _recipients(to: Any) -> str | list[str]:
    items = to if isinstance(to, list) else [to]
    if not items or len(items) > 20:
        raise AlertConfigError("email 'to' needs 1-20 recipients")
    for item in items:
        if not isinstance(item, str) or not (item in EMAIL_GROUPS or EMAIL_RE.match(item)):
            raise AlertConfigError("email 'to' takes 'owners', 'admins' or e-mail addresses")
    return to if isinstance(to, str) else [i.lower() for i in items]


def _text(key: str, value: Any, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise AlertConfigError(f"{key} is required")
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise AlertConfigError(f"{key} must be text of at most {MAX_TEXT} characters")
    return value.strip()


def _number(key: str, value: Any, upper: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AlertConfigError(f"{key} must be a number")
    if not math.isfinite(value) or not 0 <= value <= upper:
        raise AlertConfigError(f"{key} must be between 0 and {upper:g}")
    return float(value)


def _uuid(key: str, value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise AlertConfigError(f"{key} is not a valid id") from None

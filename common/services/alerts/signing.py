"""Webhook signatures: `Upstream-Signature: t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>`.

Receivers should call `verify_signature` with the raw request body and reject anything older
than five minutes (the default tolerance), which stops replays of captured deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time


def encode_body(payload: dict) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """`t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, now: float | None = None, tolerance: int = 300
) -> bool:
    """For receivers: True when `header` signs `body` with `secret` within `tolerance` seconds.

    Any `v1` value may match (several are sent while a secret is being rotated).
    """
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature_header(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, c) for c in candidates)

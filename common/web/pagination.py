"""Opaque cursors for keyset pagination: base64url JSON of the last row's sort key."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Any

from common.web.errors import bad_request

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(kind: str, key: list[Any]) -> str:
    """A cursor for the row after `key` in the list `kind` (values must be JSON-able)."""
    raw = json.dumps({"k": kind, "v": key}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, arity: int) -> list[Any] | None:
    """The sort key in `cursor`, None without one; 400 when it is not one of ours."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        doc = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if doc["k"] != kind or not isinstance(doc["v"], list) or len(doc["v"]) != arity:
            raise ValueError("wrong cursor")
        return doc["v"]
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise bad_request("cursor is not valid for this list") from None


def time_keyset(kind: str, cursor: str | None) -> tuple[datetime, str] | None:
    """A validated [created_at, id] cursor (400 when tampered with)."""
    key = decode_cursor(kind, cursor, 2)
    if key is None:
        return None
    try:
        at = datetime.fromisoformat(key[0])
        if at.tzinfo is None:
            raise ValueError("naive timestamp")
        return at, str(uuid.UUID(key[1]))
    except (TypeError, ValueError, AttributeError):
        raise bad_request("cursor is not valid for this list") from None


def id_keyset(kind: str, cursor: str | None) -> tuple[int] | None:
    """A validated [id] cursor (400 when tampered with)."""
    key = decode_cursor(kind, cursor, 1)
    if key is None:
        return None
    if not isinstance(key[0], int) or isinstance(key[0], bool) or not 0 < key[0] < 2**63:
        raise bad_request("cursor is not valid for this list")
    return (key[0],)


def page(rows: list[dict], limit: int, kind: str, key_of) -> dict:
    """`{"items", "next_cursor"}` from up to limit+1 rows fetched by the query."""
    more = len(rows) > limit
    items = rows[:limit]
    next_cursor = encode_cursor(kind, key_of(items[-1])) if more and items else None
    return {"items": items, "next_cursor": next_cursor}

"""Decode a storage `object.finalized` CloudEvent into an ObjectEvent (no use-case imports)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.domain.messages import BadMessage
from common.topology import OBJECT_FINALIZED as FINALIZED  # the name the package exports

# Objects under this prefix were moved aside by ingestion and are never loaded.
QUARANTINE_PREFIX = "quarantine/"
# GCS limits (object names: 1-1024 bytes of UTF-8, no CR/LF; generations: an int64).
MAX_NAME_BYTES = 1024
MAX_SIZE = 2**63 - 1
_GENERATION_RE = re.compile(r"[0-9]{1,19}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ObjectEvent:
    """What a storage finalized event says about one object."""

    bucket: str
    name: str
    generation: str
    size: int | None = None


def object_event(event_type: str, data: object) -> ObjectEvent:
    """The object an event names; BadMessage when the event is not a usable finalize."""
    if event_type != FINALIZED:
        raise BadMessage(f"unexpected event type {event_type!r}")
    if not isinstance(data, dict):
        raise BadMessage("event data is not a JSON object")
    missing = [k for k in ("bucket", "name", "generation") if not data.get(k)]
    if missing:
        raise BadMessage(f"event data lacks {', '.join(missing)}")
    name, generation = str(data["name"]), str(data["generation"])
    problem = name_problem(name)
    if problem:
        raise BadMessage(f"object name {problem}; names are <customer-slug>/<file>.csv")
    if not _GENERATION_RE.fullmatch(generation):
        raise BadMessage("event generation is not an object generation (a decimal int64)")
    return ObjectEvent(
        bucket=str(data["bucket"]), name=name, generation=generation, size=_size(data.get("size"))
    )


def name_problem(name: str) -> str | None:
    """Why no bucket holds an object by this name as we read it (None: it may exist).

    Messages never quote the name: it could carry the bytes that made it unusable.
    """
    try:
        length = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    if length > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    if _CONTROL_RE.search(name):
        return "holds control characters"
    # A folder placeholder (`acme/march/`) keeps its trailing slash; it is ignored, not read.
    segments = name.removesuffix("/").split("/")
    if any(s in (".", "..") for s in segments):
        return "has a '.' or '..' path segment"
    if "" in segments:
        return "has an empty path segment"
    return None


def _size(value: object) -> int | None:
    if value is None:
        return None
    try:
        size = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise BadMessage("event size is not a number") from None
    if not 0 <= size <= MAX_SIZE:
        raise BadMessage("event size is out of range")
    return size

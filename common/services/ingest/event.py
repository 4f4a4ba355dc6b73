"""Decode a storage `object.finalized` CloudEvent into an ObjectEvent (no use-case imports)."""

from __future__ import annotations

from dataclasses import dataclass

from common.domain.messages import BadMessage

FINALIZED = "google.cloud.storage.object.v1.finalized"
# Objects under this prefix were moved aside by ingestion and are never loaded.
QUARANTINE_PREFIX = "quarantine/"


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
    try:
        size = int(data["size"]) if data.get("size") is not None else None
    except (TypeError, ValueError):
        raise BadMessage("event size is not a number") from None
    return ObjectEvent(
        bucket=str(data["bucket"]),
        name=str(data["name"]),
        generation=str(data["generation"]),
        size=size,
    )

"""CloudEvents as Eventarc delivers them, built for the local runner and tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from common.storage.port import BlobInfo
from common.topology import OBJECT_FINALIZED


def finalized_event(bucket: str, blob: BlobInfo) -> tuple[dict, dict]:
    """(binary-mode headers, JSON data) of a GCS object.finalized CloudEvent."""
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    headers = {
        "ce-id": uuid.uuid4().hex,
        "ce-specversion": "1.0",
        "ce-type": OBJECT_FINALIZED,
        "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "ce-subject": f"objects/{blob.name}",
        "ce-time": now,
        "Content-Type": "application/json",
    }
    data = {
        "kind": "storage#object",
        "bucket": bucket,
        "name": blob.name,
        "generation": blob.generation,
        "metageneration": "1",
        "size": str(blob.size),
        "contentType": "text/csv",
        "timeCreated": now,
        "updated": now,
    }
    return headers, data

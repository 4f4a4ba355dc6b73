"""Upload bookkeeping: the idempotency row, the final state, quarantine."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from common.db.schema import quarantined_objects, uploads
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.customers import Customer
from common.storage.port import BlobStore

log = logging.getLogger(__name__)

QUARANTINE_PREFIX = "quarantine/"


@dataclass(frozen=True)
class ObjectEvent:
    """What a storage finalized event says about one object."""

    bucket: str
    name: str
    generation: str
    size: int | None = None


def finish_upload(conn, customer, upload_id, outcome, report: dict) -> None:
    """Store the final state and report of an upload, and audit it."""
    conn.execute(
        update(uploads)
        .where(uploads.c.id == upload_id)
        .values(
            status=outcome.status,
            encoding=report.get("encoding"),
            delimiter=report.get("delimiter"),
            rows_total=report.get("rows_total", 0),
            rows_accepted=report.get("rows_accepted", 0),
            rows_rejected=report.get("rows_rejected", 0),
            rows_warning=report.get("rows_warning", 0),
            date_min=outcome.date_min,
            date_max=outcome.date_max,
            report=report,
            error=None,
            completed_at=datetime.now(UTC),
        )
    )
    record(
        conn,
        customer.id,
        "ingest",
        f"upload.{outcome.status}",
        "upload",
        upload_id,
        {
            "rows_accepted": report.get("rows_accepted", 0),
            "rows_rejected": report.get("rows_rejected", 0),
        },
    )


def quarantine(
    uow: UnitOfWork, store: BlobStore, event, customer: Customer | None, reason: str
) -> dict:
    """Move an object to quarantine/ and record why; it is never loaded."""
    target = QUARANTINE_PREFIX + event.name
    with contextlib.suppress(FileNotFoundError):  # an earlier delivery moved it already
        store.move(event.name, target)
    with uow.transaction(customer.id if customer else None) as conn:
        if customer is None:
            conn.execute(
                pg_insert(quarantined_objects)
                .values(
                    object_name=event.name,
                    generation=event.generation,
                    quarantine_name=target,
                    reason=reason,
                )
                .on_conflict_do_nothing()
            )
        else:
            record_upload(
                conn,
                customer,
                event,
                status="quarantined",
                error=reason,
                report={"reason": reason},
            )
    log.warning("object quarantined", extra={"object": event.name, "reason": reason})
    return {
        "status": "quarantined",
        "reason": reason,
        "quarantine_object": target,
        "object_name": event.name,
    }


def record_upload(conn, customer: Customer, event: ObjectEvent, **values) -> None:
    """Insert the upload row for one object generation unless it exists (idempotency key)."""
    conn.execute(
        pg_insert(uploads)
        .values(
            customer_id=customer.id, object_name=event.name, generation=event.generation, **values
        )
        .on_conflict_do_nothing(constraint="uq_uploads_object_generation")
    )

"""Every statement on `uploads` and `quarantined_objects`: idempotency, state, quarantine."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from common.db.queries import sql
from common.db.schema import customers, quarantined_objects, uploads
from common.db.uow import UnitOfWork, set_tenant
from common.services.audit_trail import record
from common.services.customers import Customer
from common.services.ingest.event import QUARANTINE_PREFIX, ObjectEvent
from common.services.ingest.report import UploadReport
from common.storage.port import BlobStore

log = logging.getLogger(__name__)

TERMINAL = ("loaded", "partial", "rejected", "duplicate", "quarantined")
# Uploads whose bytes another upload of the same file repeats (SPEC 2.5: `duplicate`). Only a
# fully loaded one: a customer who fixed a mapping re-sends a partial or rejected file as it was
# (SPEC 2.4), and a re-read brings its loaded lines back unchanged.
_ORIGINALS = ("loaded",)
# SPEC 2.6: an upload a stopped load left `received`/`processing` is failed after this long.
STUCK_AFTER = timedelta(minutes=15)
STUCK_MESSAGE = (
    "the load stopped before it finished (the process ended or lost its database connection), "
    "so nothing was loaded; a redelivery of the event reads the file again, as does uploading "
    "it again"
)


def claim_upload(conn: Connection, customer: Customer, event: ObjectEvent) -> str:
    """The id of this object generation's upload row, inserting it as `received` if new."""
    record_upload(conn, customer, event, status="received", size_bytes=event.size)
    return str(
        conn.execute(
            select(uploads.c.id).where(
                uploads.c.object_name == event.name,
                uploads.c.generation == event.generation,
            )
        ).scalar_one()
    )


def lock_upload(conn: Connection, upload_id: str) -> UploadReport | None:
    """Lock the upload row; its stored report when an earlier delivery already finished it."""
    row = (
        conn.execute(select(uploads).where(uploads.c.id == upload_id).with_for_update())
        .mappings()
        .one()
    )
    if row["status"] not in TERMINAL:
        return None
    return UploadReport.from_dict(row["report"] or {}).but(
        upload_id=upload_id, status=row["status"]
    )


def mark_processing(conn: Connection, upload_id: str, sha256: str, size: int) -> None:
    """Record that loading started, with what the bytes are."""
    conn.execute(
        update(uploads)
        .where(uploads.c.id == upload_id)
        .values(status="processing", sha256=sha256, size_bytes=size)
    )


def same_bytes(conn: Connection, customer: Customer, upload_id: str, sha256: str) -> str | None:
    """The earliest other upload of this customer with the same bytes, if any."""
    return conn.execute(
        select(uploads.c.id)
        .where(
            uploads.c.customer_id == customer.id,
            uploads.c.sha256 == sha256,
            uploads.c.id != upload_id,
            uploads.c.status.in_(_ORIGINALS),
        )
        .order_by(uploads.c.received_at)
        .limit(1)
    ).scalar()


def finish_upload(conn: Connection, customer: Customer, report: UploadReport) -> None:
    """Store the final state and report of an upload, and audit it."""
    conn.execute(
        update(uploads)
        .where(uploads.c.id == report.upload_id)
        .values(
            status=report.status,
            encoding=report.encoding,
            delimiter=report.delimiter,
            rows_total=report.rows_total,
            rows_accepted=report.rows_accepted,
            rows_rejected=report.rows_rejected,
            rows_warning=report.rows_warning,
            date_min=report.date_min,
            date_max=report.date_max,
            report=report.as_dict(),
            error=None,
            completed_at=datetime.now(UTC),
        )
    )
    record(
        conn,
        customer.id,
        "ingest",
        f"upload.{report.status}",
        "upload",
        report.upload_id,
        {"rows_accepted": report.rows_accepted, "rows_rejected": report.rows_rejected},
    )


def mark_failed(uow: UnitOfWork, customer: Customer, upload_id: str, exc: Exception) -> None:
    """Record a crash in its own transaction (the load's was rolled back); a retry reloads."""
    # Only the error class: a message could quote a claim value.
    log.error("upload failed", extra={"upload_id": upload_id, "error": exc.__class__.__name__})
    with uow.transaction(customer.id) as conn:
        conn.execute(
            update(uploads)
            .where(uploads.c.id == upload_id)
            .values(
                status="failed",
                error=(
                    f"{exc.__class__.__name__} during load, so nothing was loaded; a redelivery "
                    "of the event reads the file again, as does uploading it again"
                ),
                completed_at=datetime.now(UTC),
            )
        )


def quarantine(
    uow: UnitOfWork, store: BlobStore, event: ObjectEvent, customer: Customer | None, reason: str
) -> UploadReport:
    """Move an object to quarantine/ and record why; it is never loaded."""
    target = QUARANTINE_PREFIX + event.name
    with contextlib.suppress(FileNotFoundError):  # an earlier delivery moved it already
        store.move(event.name, target)
    report = UploadReport.quarantined(reason, event.name, target)
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
                report=report.as_dict(),
            )
    log.warning("object quarantined", extra={"object": event.name, "reason": reason})
    return report


def record_upload(conn: Connection, customer: Customer, event: ObjectEvent, **values) -> None:
    """Insert the upload row for one object generation unless it exists (idempotency key)."""
    conn.execute(
        pg_insert(uploads)
        .values(
            customer_id=customer.id, object_name=event.name, generation=event.generation, **values
        )
        .on_conflict_do_nothing(constraint="uq_uploads_object_generation")
    )


def fail_stuck(uow: UnitOfWork, older_than: timedelta = STUCK_AFTER) -> list[str]:
    """Fail every upload left `received`/`processing` by a stopped load; return their ids."""
    now = datetime.now(UTC)
    params = {"cutoff": now - older_than, "now": now, "message": STUCK_MESSAGE}
    failed = []
    with uow.transaction() as conn:
        for customer_id in conn.execute(select(customers.c.id)).scalars().all():
            set_tenant(conn, str(customer_id))
            swept = conn.execute(sql("ingest_fail_stuck_uploads"), params).scalars().all()
            for upload_id in swept:
                record(conn, customer_id, "ingest", "upload.failed", "upload", upload_id)
                log.error("stuck upload failed", extra={"upload_id": str(upload_id)})
                failed.append(str(upload_id))
    return failed

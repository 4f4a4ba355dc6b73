"""Ingest one finalized object: quarantine, idempotency, dedupe, validate, load, report."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import Connection, select, update

from common.bus.outbox import add_message
from common.config import Thresholds
from common.db.schema import uploads
from common.db.uow import UnitOfWork
from common.domain.csv_reader import inspect_bytes
from common.domain.messages import ClaimsLoaded
from common.services.customers import Customer, find_by_slug
from common.services.ingest_load import LoadOutcome, load_file
from common.services.ingest_records import (
    QUARANTINE_PREFIX,
    ObjectEvent,
    finish_upload,
    quarantine,
    record_upload,
)
from common.storage.port import BlobStore
from common.topology import CLAIMS_LOADED

log = logging.getLogger(__name__)

TERMINAL = ("loaded", "partial", "rejected", "duplicate", "quarantined")
# SPEC names `.csv`; tab-separated exports often arrive as .tsv or .txt and are sniffed alike.
CLAIM_FILE_RE = re.compile(r"/[^/]*[^/.][^/]*\.(csv|tsv|txt)$", re.IGNORECASE)


class Ingestor:
    """The ingest use case; the function and the CLI both call `ingest`."""

    def __init__(
        self,
        uow: UnitOfWork,
        store: BlobStore,
        thresholds: Thresholds,
        batch_rows: int,
        after_commit=None,
        progress=None,
    ) -> None:
        self.uow = uow
        self.batch_rows = batch_rows
        self.store = store
        self.thresholds = thresholds
        self.after_commit = after_commit or (lambda: None)
        self.progress = progress

    def ingest(self, event: ObjectEvent) -> dict:
        """Process one object exactly once per generation; return the upload report."""
        if event.name.startswith(QUARANTINE_PREFIX):
            return {"status": "ignored", "reason": "quarantine prefix", "object": event.name}
        slug = event.name.split("/", 1)[0] if "/" in event.name else None
        with self.uow.transaction() as conn:
            customer = find_by_slug(conn, slug) if slug else None
        if customer is None or not customer.active:
            return quarantine(self.uow, self.store, event, customer, "unknown or inactive customer")
        if not CLAIM_FILE_RE.search(event.name):
            reason = "not a claim file: the name must end in .csv (or .tsv, .txt)"
            return quarantine(self.uow, self.store, event, customer, reason)
        upload_id = self._claim_upload(event, customer)
        try:
            report = self._process(event, customer, upload_id)
        except Exception as exc:
            self._mark_failed(customer, upload_id, exc)
            raise
        self.after_commit()
        return report

    def _claim_upload(self, event: ObjectEvent, customer: Customer) -> str:
        with self.uow.transaction(customer.id) as conn:
            record_upload(conn, customer, event, status="received", size_bytes=event.size)
            return str(
                conn.execute(
                    select(uploads.c.id).where(
                        uploads.c.object_name == event.name,
                        uploads.c.generation == event.generation,
                    )
                ).scalar_one()
            )

    def _process(self, event: ObjectEvent, customer: Customer, upload_id: str) -> dict:
        with self.uow.transaction(customer.id) as conn:
            row = (
                conn.execute(select(uploads).where(uploads.c.id == upload_id).with_for_update())
                .mappings()
                .one()
            )
            if row["status"] in TERMINAL:
                log.info("generation already processed", extra={"upload_id": upload_id})
                return dict(row["report"] or {}) | {"upload_id": upload_id, "status": row["status"]}
            facts = self._inspect(event.name)
            conn.execute(
                update(uploads)
                .where(uploads.c.id == upload_id)
                .values(status="processing", sha256=facts.sha256, size_bytes=facts.size)
            )
            original = self._same_bytes(conn, customer, upload_id, facts.sha256)
            if facts.size > self.thresholds.max_file_bytes:
                outcome = LoadOutcome.rejected_whole(
                    "file.too_large",
                    f"file is {facts.size} bytes; the limit is {self.thresholds.max_file_bytes}",
                )
            elif original is not None:
                outcome = LoadOutcome.duplicate_of(original)
            else:
                with self.store.open_read(event.name) as blob:
                    outcome = load_file(
                        conn,
                        customer,
                        upload_id,
                        blob,
                        facts,
                        self.thresholds,
                        self.batch_rows,
                        self.progress,
                    )
            report = outcome.report | {
                "upload_id": upload_id,
                "object_name": event.name,
                "sha256": facts.sha256,
            }
            finish_upload(conn, customer, upload_id, outcome, report)
            if outcome.status in ("loaded", "partial"):
                add_message(
                    conn,
                    CLAIMS_LOADED,
                    ClaimsLoaded(
                        customer_id=customer.id,
                        upload_id=upload_id,
                        date_min=outcome.date_min,
                        date_max=outcome.date_max,
                        rows_accepted=report["rows_accepted"],
                    ),
                )
        log.info(
            "upload processed",
            extra={"customer": customer.slug, "upload_id": upload_id, "status": outcome.status},
        )
        return report

    def _inspect(self, name: str):
        with self.store.open_read(name) as blob:
            return inspect_bytes(iter(lambda: blob.read(1 << 20), b""))

    @staticmethod
    def _same_bytes(conn: Connection, customer: Customer, upload_id: str, sha256: str):
        return conn.execute(
            select(uploads.c.id)
            .where(
                uploads.c.customer_id == customer.id,
                uploads.c.sha256 == sha256,
                uploads.c.id != upload_id,
                uploads.c.status.in_(("loaded", "partial", "rejected")),
            )
            .order_by(uploads.c.received_at)
            .limit(1)
        ).scalar()

    def _mark_failed(self, customer: Customer, upload_id: str, exc: Exception) -> None:
        # Only the error class: a message could quote a claim value.
        log.error("upload failed", extra={"upload_id": upload_id, "error": exc.__class__.__name__})
        with self.uow.transaction(customer.id) as conn:
            conn.execute(
                update(uploads)
                .where(uploads.c.id == upload_id)
                .values(
                    status="failed",
                    error=f"{exc.__class__.__name__} during load; retry will reprocess the file",
                    completed_at=datetime.now(UTC),
                )
            )

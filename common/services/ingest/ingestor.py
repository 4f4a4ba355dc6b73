"""Ingest one finalized object: quarantine, idempotency, dedupe, validate, load, report.

The steps are named here; the SQL lives in `uploads` (bookkeeping) and `load` (the lines).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re

from sqlalchemy import Connection

from common.bus.outbox import add_message
from common.config import Thresholds
from common.db.locks import hold_until_commit, ingest_lock_key
from common.db.uow import UnitOfWork
from common.domain import rules
from common.domain.csv_reader import ByteFacts, inspect_bytes
from common.domain.messages import BadMessage, ClaimsLoaded
from common.domain.x12.tokens import looks_like_x12
from common.services.customers import Customer, find_by_slug
from common.services.ingest import uploads
from common.services.ingest.event import QUARANTINE_PREFIX, ObjectEvent
from common.services.ingest.load import load_file
from common.services.ingest.report import UploadReport
from common.storage.port import BlobStore
from common.topology import CLAIMS_LOADED

log = logging.getLogger(__name__)

# SPEC names `.csv`; tab-separated exports often arrive as .tsv or .txt and are sniffed alike.
# 835 remittance files (SPEC 2.7) go by .835, .edi, .era or .x12; a .txt starting with ISA too.
CLAIM_FILE_RE = re.compile(r"/[^/]*[^/.][^/]*\.(csv|tsv|txt|835|edi|era|x12)$", re.IGNORECASE)
X12_NAME_RE = re.compile(r"\.(835|edi|era|x12)$", re.IGNORECASE)
# `reason` of an upload whose object generation was gone before it could be read.
OBJECT_GONE = "object.gone"


class ObjectGone(BadMessage):
    """The event's object generation is no longer in the bucket: it can never be read.

    Raised after the upload was stored `rejected` with `report`, so that the trigger records
    the event as a bad message and acknowledges it; a redelivery returns the stored report.
    """

    def __init__(self, report: UploadReport) -> None:
        super().__init__(report.message)
        self.report = report


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
        return self.ingest_report(event).as_dict()

    def ingest_report(self, event: ObjectEvent) -> UploadReport:
        """`ingest`, returning the typed report."""
        if event.name.startswith(QUARANTINE_PREFIX):
            return UploadReport.ignored("quarantine prefix", event.name)
        if event.name.endswith("/"):
            return UploadReport.ignored("folder placeholder", event.name)
        customer = self._customer_of(event)
        if customer is None or not customer.active:
            reason = "unknown or inactive customer"
            return uploads.quarantine(self.uow, self.store, event, customer, reason)
        if not CLAIM_FILE_RE.search(event.name):
            reason = "not a claim file: the name must end in .csv (.tsv, .txt) or .835 (.edi, .era)"
            return uploads.quarantine(self.uow, self.store, event, customer, reason)
        with self.uow.transaction(customer.id) as conn:
            upload_id = uploads.claim_upload(conn, customer, event)
        try:
            report = self._process(event, customer, upload_id)
        except ObjectGone:
            raise
        except Exception as exc:
            uploads.mark_failed(self.uow, customer, upload_id, exc)
            raise
        self.after_commit()
        return report

    def _customer_of(self, event: ObjectEvent) -> Customer | None:
        slug = event.name.split("/", 1)[0] if "/" in event.name else None
        if not slug:
            return None
        with self.uow.transaction() as conn:
            return find_by_slug(conn, slug)

    def _process(self, event: ObjectEvent, customer: Customer, upload_id: str) -> UploadReport:
        with self.uow.transaction(customer.id) as conn:
            finished = uploads.lock_upload(conn, upload_id)
            if finished is not None:
                log.info("generation already processed", extra={"upload_id": upload_id})
                return finished
            report = self._read(conn, event, customer, upload_id)
            uploads.finish_upload(conn, customer, report)
            if report.loaded_lines:
                self._announce(conn, customer, report)
        log.info(
            "upload processed",
            extra={"customer": customer.slug, "upload_id": upload_id, "status": report.status},
        )
        if report.reason == OBJECT_GONE:
            raise ObjectGone(report)
        return report

    def _read(
        self, conn: Connection, event: ObjectEvent, customer: Customer, upload_id: str
    ) -> UploadReport:
        gone = self._gone(event)
        if gone is not None:
            report = UploadReport("rejected", message=gone, reason=OBJECT_GONE)
            return report.but(upload_id=upload_id, object_name=event.name)
        facts = self._inspect(event.name)
        uploads.mark_processing(conn, upload_id, facts.sha256, facts.size)
        return self._load(conn, event, customer, upload_id, facts).but(
            upload_id=upload_id, object_name=event.name, sha256=facts.sha256
        )

    def _gone(self, event: ObjectEvent) -> str | None:
        """Why this event's object generation can never be read, if it cannot."""
        try:
            live = self.store.info(event.name)
        except FileNotFoundError:
            return (
                f"the object (generation {event.generation}) is no longer in the bucket: it was "
                "deleted before it could be read, so nothing was loaded; upload the file again"
            )
        if live.generation != event.generation:
            return (
                f"generation {event.generation} of this object was replaced by generation "
                f"{live.generation} before it could be read, so nothing of it was loaded; the "
                "newer generation is an upload of its own"
            )
        return None

    def _load(
        self, conn: Connection, event: ObjectEvent, customer: Customer, upload_id: str, facts
    ) -> UploadReport:
        limit = self.thresholds.max_file_bytes
        if facts.size > limit:
            message = f"file is {facts.size} bytes; the limit is {limit}"
            return UploadReport.whole_file_rejected(rules.FILE_TOO_LARGE, message)
        # The same bytes arriving at the same moment (SPEC 2.5): decide under the customer's
        # ingest lock, which the load holds until commit, so the later one sees the first loaded.
        hold_until_commit(conn, ingest_lock_key(customer.id))
        original = uploads.same_bytes(conn, customer, upload_id, facts.sha256)
        if original is not None:
            return UploadReport.duplicate(original)
        return load_file(
            conn, customer, upload_id, lambda: self.store.open_read(event.name), facts,
            self.thresholds, self.batch_rows, self.progress,
        )  # fmt: skip

    @staticmethod
    def _announce(conn: Connection, customer: Customer, report: UploadReport) -> None:
        add_message(
            conn,
            CLAIMS_LOADED,
            ClaimsLoaded(
                customer_id=customer.id,
                upload_id=report.upload_id,
                date_min=report.date_min,
                date_max=report.date_max,
                rows_accepted=report.rows_accepted,
            ),
        )

    def _inspect(self, name: str) -> ByteFacts:
        with self.store.open_read(name) as blob:
            head = blob.read(1 << 20)
            facts = inspect_bytes(itertools.chain([head], iter(lambda: blob.read(1 << 20), b"")))
        x12 = bool(X12_NAME_RE.search(name)) or looks_like_x12(head)
        return dataclasses.replace(facts, x12=x12)

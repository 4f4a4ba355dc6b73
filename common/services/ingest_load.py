"""Stream a claim file through the validator into a staging table, merging it in batches."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.copy import copy_into
from common.db.locks import hold_until_commit, ingest_lock_key
from common.db.queries import sql
from common.domain.claim_rows import RowValidator
from common.domain.columns import map_header, missing_message
from common.domain.csv_reader import open_csv_rows
from common.services.customers import Customer, cpt_override_map, payer_alias_map
from common.services.ingest_merge import BatchMerger
from common.services.ingest_pipeline import ChunkPipeline
from common.services.ingest_report import build_report
from common.services.ingest_rows import CountingReader, StagedRows, Tally

# COPY chunks (256 KiB each) the validating thread may run ahead of Postgres: ~16 MiB.
PIPELINE_DEPTH_CHUNKS = 64


@dataclass
class LoadOutcome:
    """The upload's final state and report body."""

    status: str
    report: dict = field(default_factory=dict)
    date_min: date | None = None
    date_max: date | None = None

    @classmethod
    def rejected_whole(cls, rule: str, message: str, **extra) -> LoadOutcome:
        """The file as a whole is unusable: nothing loads."""
        return cls(
            "rejected",
            {
                "status": "rejected",
                "rows_total": 0,
                "rows_accepted": 0,
                "rows_rejected": 0,
                "rows_warning": 0,
                "rejections": {rule: 1},
                "message": message,
                "date_min": None,
                "date_max": None,
            }
            | extra,
        )

    @classmethod
    def duplicate_of(cls, original_upload_id) -> LoadOutcome:
        """Same bytes as an earlier upload of this customer: loads nothing."""
        return cls(
            "duplicate",
            {
                "status": "duplicate",
                "rows_total": 0,
                "rows_accepted": 0,
                "rows_rejected": 0,
                "rows_warning": 0,
                "rejections": {},
                "duplicate_of": str(original_upload_id),
                "date_min": None,
                "date_max": None,
            },
        )


def load_file(
    conn: Connection,
    customer: Customer,
    upload_id: str,
    blob: BinaryIO,
    facts,
    thresholds: Thresholds,
    batch_rows: int,
    progress=None,
) -> LoadOutcome:
    """Validate every row and load the accepted ones, all inside the caller's transaction."""
    source = open_csv_rows(CountingReader(blob, progress), facts.utf8_ok)
    context = {"encoding": source.encoding, "delimiter": source.delimiter}
    if not source.header:
        return LoadOutcome.rejected_whole("file.empty", "the file is empty", **context)
    header = map_header(source.header)
    columns = {
        "recognised": {f: source.header[i] for f, i in header.index.items()},
        "ignored": header.ignored,
        "dropped_phi": header.dropped_phi,
    }
    if header.missing_required:
        return LoadOutcome.rejected_whole(
            "header.missing_required",
            missing_message(header),
            columns=columns,
            missing_fields=header.missing_required,
            **context,
        )
    validator = RowValidator(
        header,
        date.today(),
        payer_alias_map(conn, customer.id),
        cpt_override_map(conn, customer.id),
        money_max=thresholds.money_max,
    )
    errors, warnings = Tally(thresholds.rejection_samples), Tally(thresholds.rejection_samples)
    params = {"customer_id": customer.id, "upload_id": upload_id}
    # Batches of a concurrent upload of this customer must not interleave with ours: a
    # repeat across our batches is told apart from a claim that upload loaded.
    hold_until_commit(conn, ingest_lock_key(customer.id))
    history = _history(conn, params, thresholds)  # before this upload adds any claim
    has_claims = conn.execute(sql("ingest_customer_has_claims"), params).scalar()
    merger = BatchMerger(conn, params, has_claims, thresholds.rejection_samples)
    conn.execute(sql("ingest_create_stage"))
    conn.execute(sql("ingest_create_finding_stage"))
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as findings:
        rows = StagedRows(source, validator, csv.writer(findings), errors, warnings, batch_rows)
        try:
            with conn.begin_nested():
                _stream(conn, rows, merger)
        except _MalformedFile as exc:
            return LoadOutcome.rejected_whole(
                "file.malformed", str(exc), columns=columns, **context
            )
        copy_into(conn, "finding_stage", findings)
    conn.execute(sql("ingest_insert_findings"), params)
    errors.absorb(merger.duplicates)
    totals = rows.totals
    totals["rows_rejected"] += sum(merger.duplicates.counts.values())
    quality = merger.quality
    claims_change = {
        "new_claims": merger.new_claims,
        "updated_claims": merger.updated_claims,
        "unchanged_claims": quality["accepted"] - merger.new_claims - merger.updated_claims,
    }
    report = build_report(
        totals,
        errors,
        warnings,
        quality,
        history,
        claims_change,
        thresholds,
        {"columns": columns} | context,
    )
    return LoadOutcome(report["status"], report, quality["date_min"], quality["date_max"])


class _MalformedFile(Exception):
    """Raised inside the load savepoint so that batches already merged are undone."""


def _stream(conn: Connection, rows: StagedRows, merger: BatchMerger) -> None:
    # Python validates batch N+1 on a worker thread while Postgres merges batch N; within a
    # batch, Postgres parses one COPY chunk while Python validates the next.
    with ChunkPipeline(rows, depth=PIPELINE_DEPTH_CHUNKS) as pipeline:
        for batch in pipeline.batches():
            copy_into(conn, "claim_stage", batch)
            merger.merge(more=batch.more)
    if rows.format_error:
        raise _MalformedFile(rows.format_error)


def _history(conn: Connection, params: dict, thresholds: Thresholds) -> dict:
    """The customer's recent upload sizes and 90-day denial mix, for the anomaly checks."""
    window = {
        "rowcount_days": thresholds.anomaly_rowcount_days,
        "mix_days": thresholds.anomaly_denial_mix_days,
    }
    return dict(conn.execute(sql("ingest_history"), params | window).mappings().one())

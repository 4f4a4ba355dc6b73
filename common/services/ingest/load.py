"""Stream a claim file through the validator into a staging table, merging it in batches.

Steps: read the header, build the validator, stream batches through staging into the merge,
store the row findings, shape the report. Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.copy import copy_into
from common.db.locks import hold_until_commit, ingest_lock_key
from common.db.queries import sql
from common.domain import rules
from common.domain.claim_rows import RowValidator
from common.domain.columns import HeaderMap, map_header, missing_message
from common.domain.csv_reader import ByteFacts, open_csv_rows
from common.services.customers import Customer, cpt_override_map, payer_alias_map
from common.services.ingest import report as reports
from common.services.ingest.merge import BatchMerger
from common.services.ingest.pipeline import ChunkPipeline
from common.services.ingest.report import Tally, UploadReport
from common.services.ingest.staging import CountingReader, StagedRows

# COPY chunks (256 KiB each) the validating thread may run ahead of Postgres: ~16 MiB.
PIPELINE_DEPTH_CHUNKS = 64


class _MalformedFile(Exception):
    """Raised inside the load savepoint so that batches already merged are undone."""


def load_file(
    conn: Connection,
    customer: Customer,
    upload_id: str,
    blob: BinaryIO,
    facts: ByteFacts,
    thresholds: Thresholds,
    batch_rows: int,
    progress=None,
) -> UploadReport:
    """Validate every row and load the accepted ones, all inside the caller's transaction."""
    source = open_csv_rows(CountingReader(blob, progress), facts.utf8_ok)
    context = {"encoding": source.encoding, "delimiter": source.delimiter}
    if not source.header:
        return UploadReport.whole_file_rejected(rules.FILE_EMPTY, "the file is empty", **context)
    header = map_header(source.header)
    context["columns"] = _columns(header, source.header)
    if header.missing_required:
        return UploadReport.whole_file_rejected(
            rules.HEADER_MISSING_REQUIRED,
            missing_message(header),
            missing_fields=header.missing_required,
            **context,
        )
    params = {"customer_id": customer.id, "upload_id": upload_id}
    # Batches of a concurrent upload of this customer must not interleave with ours: a
    # repeat across our batches is told apart from a line that upload loaded.
    hold_until_commit(conn, ingest_lock_key(customer.id))
    history = _history(conn, params, thresholds)  # before this upload adds any line
    has_claims = conn.execute(sql("ingest_customer_has_claims"), params).scalar()
    merger = BatchMerger(conn, params, has_claims, thresholds.rejection_samples)
    errors, warnings = Tally(thresholds.rejection_samples), Tally(thresholds.rejection_samples)
    validator = _validator(conn, customer, header, thresholds)
    conn.execute(sql("ingest_create_stage"))
    conn.execute(sql("ingest_create_finding_stage"))
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as findings:
        rows = StagedRows(source, validator, csv.writer(findings), errors, warnings, batch_rows)
        try:
            with conn.begin_nested():
                _stream(conn, rows, merger)
        except _MalformedFile as exc:
            return UploadReport.whole_file_rejected(rules.FILE_MALFORMED, str(exc), **context)
        copy_into(conn, "finding_stage", findings)
    conn.execute(sql("ingest_insert_findings"), params)
    errors.absorb(merger.duplicates)
    totals = rows.totals | {
        "rows_rejected": rows.totals["rows_rejected"] + sum(merger.duplicates.counts.values())
    }
    return reports.loaded(
        totals=totals,
        errors=errors,
        warnings=warnings,
        quality=merger.quality,
        history=history,
        lines=merger.lines_change(),
        thresholds=thresholds,
        today=date.today(),
        **context,
    )


def _columns(header: HeaderMap, names: list[str]) -> dict:
    return {
        "recognised": {f: names[i] for f, i in header.index.items()},
        "ignored": header.ignored,
        "dropped_phi": header.dropped_phi,
    }


def _validator(
    conn: Connection, customer: Customer, header: HeaderMap, thresholds: Thresholds
) -> RowValidator:
    return RowValidator(
        header,
        date.today(),
        payer_alias_map(conn, customer.id),
        cpt_override_map(conn, customer.id),
        money_max=thresholds.money_max,
    )


def _stream(conn: Connection, rows: StagedRows, merger: BatchMerger) -> None:
    # Python validates batch N+1 on a worker thread while Postgres merges batch N; within a
    # batch, Postgres parses one COPY chunk while Python validates the next.
    with ChunkPipeline(rows, depth=PIPELINE_DEPTH_CHUNKS) as pipeline:
        for batch in pipeline.batches():
            copy_into(conn, "claim_stage", batch)
            merger.merge(more=batch.more)
    if rows.format_error:
        raise _MalformedFile(rows.format_error)
    merger.finish()


def _history(conn: Connection, params: dict, thresholds: Thresholds) -> dict:
    """The customer's recent upload sizes and 90-day denial mix, for the anomaly checks."""
    window = {
        "rowcount_days": thresholds.anomaly_rowcount_days,
        "mix_days": thresholds.anomaly_denial_mix_days,
    }
    return dict(conn.execute(sql("ingest_history"), params | window).mappings().one())

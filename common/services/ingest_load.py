"""Stream a claim file through the validator into a staging table, then merge it in SQL."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.copy import copy_into
from common.db.queries import sql
from common.domain.claim_rows import RowValidator
from common.domain.columns import map_header, missing_message
from common.domain.csv_reader import CsvFormatError, open_csv_rows
from common.services.customers import Customer, cpt_override_map, payer_alias_map
from common.services.ingest_report import build_report


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


class _Tally:
    """Rejection and warning counts with up to N sample row numbers per rule."""

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.counts: Counter[str] = Counter()
        self.rows: dict[str, list[int]] = defaultdict(list)

    def add(self, rule: str, row_number: int) -> None:
        self.counts[rule] += 1
        if len(self.rows[rule]) < self.samples:
            self.rows[rule].append(row_number)


def load_file(
    conn: Connection,
    customer: Customer,
    upload_id: str,
    blob: BinaryIO,
    facts,
    thresholds: Thresholds,
    progress=None,
) -> LoadOutcome:
    """Validate every row and load the accepted ones, all inside the caller's transaction."""
    source = open_csv_rows(_Counting(blob, progress), facts.utf8_ok)
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
    errors, warnings = _Tally(thresholds.rejection_samples), _Tally(thresholds.rejection_samples)
    conn.execute(sql("ingest_create_stage"))
    conn.execute(sql("ingest_create_finding_stage"))
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as findings:
        rows = _StagedRows(source, validator, csv.writer(findings), errors, warnings)
        # Streaming: Postgres parses and stores one chunk while Python validates the next.
        copy_into(conn, "claim_stage", rows)
        if rows.format_error:
            return LoadOutcome.rejected_whole(
                "file.malformed", rows.format_error, columns=columns, **context
            )
        copy_into(conn, "finding_stage", findings)
    params = {"customer_id": customer.id, "upload_id": upload_id}
    conn.execute(sql("ingest_insert_findings"), params)
    return _merge(
        conn, params, rows.totals, errors, warnings, thresholds, {"columns": columns} | context
    )


class _StagedRows:
    """Validated rows as CSV text chunks for COPY; rejections go to `findings`."""

    CHUNK_CHARS = 1 << 18

    def __init__(self, source, validator, findings, errors, warnings) -> None:
        self.source, self.validator, self.findings = source, validator, findings
        self.errors, self.warnings = errors, warnings
        self.totals = {"rows_total": 0, "rows_rejected": 0, "rows_warning": 0}
        self.format_error: str | None = None

    def __iter__(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        try:
            for row_number, values in self.source:
                record = self._accept(row_number, values)
                if record is not None:
                    writer.writerow(record)
                    if buffer.tell() > self.CHUNK_CHARS:
                        yield buffer.getvalue()
                        buffer.seek(0)
                        buffer.truncate()
        except CsvFormatError as exc:
            self.format_error = str(exc)  # ends COPY cleanly; the caller rejects the file
            return
        if buffer.tell():
            yield buffer.getvalue()

    def _accept(self, row_number: int, values: list[str]) -> tuple | None:
        totals = self.totals
        totals["rows_total"] += 1
        result = self.validator.validate(row_number, values)
        if result.errors:
            totals["rows_rejected"] += 1
            for column, rule in result.errors:
                self.errors.add(rule, row_number)
                self.findings.writerow((row_number, column, rule, "error"))
            return None
        if result.warnings:
            totals["rows_warning"] += 1
            for column, rule in result.warnings:
                self.warnings.add(rule, row_number)
                self.findings.writerow((row_number, column, rule, "warning"))
        return _keyed(result.record)


def _keyed(record: tuple) -> tuple:
    """Append claim_key (row identity, SPEC 2.5) to a staged record.

    claim_id when present; otherwise a hash of the normalised row, so only id-less rows pay
    for hashing. Changes to a known claim are found by comparing columns in SQL.
    """
    claim_id = record[1]
    if claim_id:
        return (*record, "id:" + claim_id)
    content = "\x1f".join("\x00" if v is None else str(v) for v in record[1:])
    return (*record, "row:" + hashlib.sha256(content.encode()).hexdigest())


def _merge(conn, params, totals, errors, warnings, thresholds, context):
    for (row_number,) in conn.execute(sql("ingest_reject_duplicates"), params):
        errors.add("duplicate.row", row_number)
        totals["rows_rejected"] += 1
    quality = dict(conn.execute(sql("ingest_stage_quality")).mappings().one())
    history = dict(
        conn.execute(
            sql("ingest_history"),
            params
            | {
                "rowcount_days": thresholds.anomaly_rowcount_days,
                "mix_days": thresholds.anomaly_denial_mix_days,
            },
        )
        .mappings()
        .one()
    )
    updated = 0
    has_claims = conn.execute(sql("ingest_customer_has_claims"), params).scalar()
    if has_claims:
        conn.execute(sql("ingest_version_changed_claims"), params)
        updated = conn.execute(sql("ingest_update_changed_claims"), params).rowcount
    new = conn.execute(sql("ingest_insert_new_claims"), params | {"has_claims": has_claims})
    new = new.rowcount
    claims_change = {
        "new_claims": new,
        "updated_claims": updated,
        "unchanged_claims": quality["accepted"] - new - updated,
    }
    report = build_report(
        totals, errors, warnings, quality, history, claims_change, thresholds, context
    )
    return LoadOutcome(report["status"], report, quality["date_min"], quality["date_max"])


class _Counting:
    """A read-through wrapper that reports bytes consumed (for a progress bar)."""

    def __init__(self, raw: BinaryIO, progress) -> None:
        self.raw = raw
        self.progress = progress

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if self.progress and data:
            self.progress(len(data))
        return data

    def read1(self, size: int = -1) -> bytes:
        data = self.raw.read1(size) if hasattr(self.raw, "read1") else self.raw.read(size)
        if self.progress and data:
            self.progress(len(data))
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

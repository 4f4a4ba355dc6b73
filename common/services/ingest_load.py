"""Stream a claim file through the validator into a staging table, then merge it in SQL."""

from __future__ import annotations

import csv
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.copy import copy_into
from common.db.queries import raw_sql, sql
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
    with (
        tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as accepted,
        tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as findings,
    ):
        try:
            totals = _validate_rows(
                source, validator, csv.writer(accepted), csv.writer(findings), errors, warnings
            )
        except CsvFormatError as exc:
            return LoadOutcome.rejected_whole(
                "file.malformed", str(exc), columns=columns, **context
            )
        conn.execute(sql("ingest_create_stage"))
        conn.execute(sql("ingest_create_finding_stage"))
        copy_into(conn, "claim_stage", accepted)
        copy_into(conn, "finding_stage", findings)
    conn.execute(
        sql("ingest_insert_findings"), {"customer_id": customer.id, "upload_id": upload_id}
    )
    return _merge(
        conn,
        customer,
        upload_id,
        totals,
        errors,
        warnings,
        thresholds,
        {"columns": columns} | context,
    )


def _validate_rows(source, validator, accepted, findings, errors, warnings) -> dict:
    rows_total = rows_rejected = rows_warning = 0
    for row_number, values in source:
        rows_total += 1
        result = validator.validate(row_number, values)
        if result.errors:
            rows_rejected += 1
            for column, rule in result.errors:
                errors.add(rule, row_number)
                findings.writerow((row_number, column, rule, "error"))
            continue
        if result.warnings:
            rows_warning += 1
            for column, rule in result.warnings:
                warnings.add(rule, row_number)
                findings.writerow((row_number, column, rule, "warning"))
        accepted.writerow(result.record)
    return {"rows_total": rows_total, "rows_rejected": rows_rejected, "rows_warning": rows_warning}


def _merge(conn, customer, upload_id, totals, errors, warnings, thresholds, context):
    params = {"customer_id": customer.id, "upload_id": upload_id}
    conn.exec_driver_sql(raw_sql("ingest_key_stage"))
    for (row_number,) in conn.execute(sql("ingest_reject_duplicates"), params):
        errors.add("duplicate.row", row_number)
        totals["rows_rejected"] += 1
    claims_change = dict(conn.execute(sql("ingest_classify_claims"), params).mappings().one())
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
    conn.execute(sql("ingest_version_changed_claims"), params)
    conn.execute(sql("ingest_upsert_claims"), params)
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

"""Stream a claim file through the validator into a staging table, merging it in batches.

Steps: refuse what is not text, find the header, map it, decide the file's date order and
decimal separator from its first rows, stream batches through staging into the merge, check
the decisions held (else re-read the file with the revised ones), store the row findings, shape
the report. Everything runs inside the caller's transaction; each read of the file in a
savepoint, so a re-read starts clean.
"""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import BinaryIO

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.copy import copy_into
from common.db.locks import hold_until_commit, ingest_lock_key
from common.db.queries import sql
from common.domain import rules
from common.domain.claim_rows import RowValidator
from common.domain.columns import HeaderMap, header_detector, map_header, missing_message
from common.domain.csv_reader import ByteFacts, CsvFormatError, header_is_garbled, open_csv_rows
from common.domain.file_choices import FileChoices, decide, mixed_date_orders, mixed_orders_message
from common.domain.thresholds import thresholds_for
from common.domain.x12.tokens import X12Malformed
from common.services.customers import (
    Customer,
    column_mapping_map,
    cpt_override_map,
    payer_alias_map,
)
from common.services.ingest import report as reports
from common.services.ingest.merge import BatchMerger
from common.services.ingest.pipeline import ChunkPipeline
from common.services.ingest.report import Tally, UploadReport
from common.services.ingest.rows import ReplayedRows, header_columns, read_ahead
from common.services.ingest.staging import CountingReader, StagedRows
from common.services.ingest.upload_facts import customer_history, loaded_warnings, payer_spellings
from common.services.ingest.x12_source import X12Source

# COPY chunks (256 KiB each) the validating thread may run ahead of Postgres: ~16 MiB.
PIPELINE_DEPTH_CHUNKS = 64
# Rows read ahead to decide the file's date order and decimal separator before loading.
PROBE_ROWS = 5_000
# Reads of one file: the first, and at most one per revised decision.
MAX_READS = 3
NUL_MESSAGE = (
    "the file contains NUL bytes, so it is not text in UTF-8, cp1252 or UTF-16 with a "
    "byte-order mark: export it again as CSV (UTF-8) or Excel 'Unicode Text'"
)
GARBLED_MESSAGE = (
    "the header holds control characters: the file is not text in {encoding}; export it "
    "again as CSV (UTF-8) or Excel 'Unicode Text'"
)

BlobOpener = Callable[[], AbstractContextManager[BinaryIO]]


class _Rejected(Exception):
    """Raised inside the load savepoint so that batches already merged are undone."""

    def __init__(self, report: UploadReport) -> None:
        super().__init__(report.message)
        self.report = report


class _Reread(Exception):
    """The rest of the file contradicted the first rows' decisions: read it again."""

    def __init__(self, choices: FileChoices) -> None:
        super().__init__(str(choices))
        self.choices = choices


def load_file(
    conn: Connection,
    customer: Customer,
    upload_id: str,
    open_blob: BlobOpener,
    facts: ByteFacts,
    thresholds: Thresholds,
    batch_rows: int,
    progress=None,
) -> UploadReport:
    """Validate every row and load the accepted ones, all inside the caller's transaction."""
    if facts.stray_nul:
        return UploadReport.whole_file_rejected(rules.FILE_ENCODING, NUL_MESSAGE)
    loader = _FileLoad(conn, customer, upload_id, thresholds, batch_rows)
    choices = None
    for read in range(MAX_READS):
        with open_blob() as blob:
            counted = CountingReader(blob, progress if read == 0 else None)
            try:
                with conn.begin_nested():
                    return loader.read(counted, facts, choices)
            except _Rejected as exc:
                return exc.report
            except _Reread as exc:
                choices = exc.choices
    raise RuntimeError("file choices did not settle")  # decide() is monotone: unreachable


class _FileLoad:
    """One upload's load: what stays the same across reads of the file."""

    def __init__(self, conn, customer: Customer, upload_id, thresholds, batch_rows) -> None:
        self.conn, self.customer, self.thresholds = conn, customer, thresholds
        self.batch_rows = batch_rows
        self.params = {"customer_id": customer.id, "upload_id": upload_id}
        self.columns_custom = column_mapping_map(conn, customer.id)
        self.aliases = payer_alias_map(conn, customer.id)
        self.spellings = payer_spellings(conn, self.params)
        self.overrides = cpt_override_map(conn, customer.id)
        self.date_setting = (customer.settings or {}).get("date_order")
        # Batches of a concurrent upload of this customer must not interleave with ours: a
        # repeat across our batches is told apart from a line that upload loaded.
        hold_until_commit(conn, ingest_lock_key(customer.id))
        # Before this upload adds any line:
        self.history = customer_history(conn, self.params, thresholds)
        self.has_claims = conn.execute(sql("ingest_customer_has_claims"), self.params).scalar()

    def read(self, blob, facts: ByteFacts, choices: FileChoices | None) -> UploadReport:
        """One read of the file; raises _Rejected / _Reread to leave the savepoint."""
        if facts.x12:
            return self._read_x12(blob)
        source = open_csv_rows(blob, facts.utf8_ok, header_detector(self.columns_custom))
        context = {
            "encoding": source.encoding,
            "delimiter": source.delimiter,
            "preamble_lines": source.preamble_lines,
        }
        if not source.header:
            raise _Rejected(UploadReport.whole_file_rejected(rules.FILE_EMPTY, "the file is empty"))
        if header_is_garbled(source.header):
            message = GARBLED_MESSAGE.format(encoding=source.encoding)
            raise _Rejected(UploadReport.whole_file_rejected(rules.FILE_ENCODING, message))
        header = map_header(source.header, self.columns_custom)
        context["columns"] = header_columns(header, source.header)
        if header.missing_required:
            raise _Rejected(
                UploadReport.whole_file_rejected(
                    rules.HEADER_MISSING_REQUIRED,
                    missing_message(header),
                    missing_fields=header.missing_required,
                    **context,
                )
            )
        rows = iter(source)
        head = read_ahead(rows, PROBE_ROWS)
        if choices is None:
            choices = self._probe(header, head)
        validator = self._validator(header, choices)
        context["date_order"] = choices.date_order
        context["decimal_separator"] = choices.decimal_separator
        return self._load(validator, itertools.chain(head, rows), choices, context)

    def _read_x12(self, blob) -> UploadReport:
        # An 835 writes CCYYMMDD dates and point decimals: nothing to decide, nothing to re-read.
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as adjustments:
            try:
                source = X12Source(blob, adjustments)
            except X12Malformed as exc:
                raise _Rejected(UploadReport.whole_file_rejected(exc.rule, str(exc))) from None
            context = {"encoding": source.encoding, "delimiter": source.delimiter}
            validator = self._validator(map_header(source.header, {}), FileChoices(), x12=True)
            return self._load(validator, iter(source), None, context, x12=source)

    def _probe(self, header: HeaderMap, head: list) -> FileChoices:
        probe = self._validator(header, FileChoices())
        for item in head:
            if isinstance(item, CsvFormatError):
                break
            probe.validate(item[0], list(item[1]))
        return decide(probe.date_evidence, probe.decimal_evidence, self.date_setting)

    def _load(
        self, validator: RowValidator, rows, choices: FileChoices | None, context, x12=None
    ) -> UploadReport:
        conn, params, samples = self.conn, self.params, self.thresholds.rejection_samples
        conn.execute(sql("ingest_create_stage"))
        conn.execute(sql("ingest_create_finding_stage"))
        merger = BatchMerger(conn, params, self.has_claims, samples)
        errors, skips = Tally(samples), Tally(samples)
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as findings:
            staged = StagedRows(
                ReplayedRows(rows), validator, csv.writer(findings), errors, skips,
                self.batch_rows, lines=x12,
            )  # fmt: skip
            _stream(conn, staged, merger)
            if staged.format_error is not None:
                error = staged.format_error
                raise _Rejected(UploadReport.whole_file_rejected(error.rule, str(error), **context))
            if choices is not None:
                self._check_choices(validator, choices, context)
            merger.finish()
            copy_into(conn, "finding_stage", findings)
        conn.execute(sql("ingest_insert_findings"), params)
        warnings = loaded_warnings(conn, params, samples)
        if x12 is not None:
            loaded = bool(merger.quality.get("accepted"))
            stored = x12.store(conn, params, validator.payer, not self.has_claims, loaded)
            context["remittance"] = stored | {
                "envelope_warnings": x12.envelope_warnings(warnings["tally"])
            }
        errors.absorb(merger.duplicates)
        repeats = sum(merger.duplicates.counts.values())
        totals = staged.totals | {
            "rows_rejected": staged.totals["rows_rejected"] + repeats,
            "rows_warning": warnings["rows"],
        }
        signal_thresholds = thresholds_for(self.customer.settings)
        return reports.loaded(
            totals=totals,
            errors=errors,
            warnings=warnings["tally"],
            skips=skips,
            hints={r: rules.HINTS[r] for r in validator.hinted if r in errors.counts},
            quality=merger.quality,
            history=self.history,
            lines=merger.lines_change(),
            thresholds=self.thresholds,
            detection_days=signal_thresholds.longest_current_days(),
            today=date.today(),
            **context,
        )

    def _check_choices(self, validator: RowValidator, choices: FileChoices, context) -> None:
        if mixed_date_orders(validator.date_evidence):
            message = mixed_orders_message(validator.date_evidence)
            samples = sorted(set().union(*validator.date_evidence.values()))
            raise _Rejected(
                UploadReport.whole_file_rejected(
                    rules.DATE_AMBIGUOUS_ORDER,
                    message,
                    rejection_samples={rules.DATE_AMBIGUOUS_ORDER: samples},
                    **context,
                )
            )
        settled = decide(validator.date_evidence, validator.decimal_evidence, self.date_setting)
        if settled != choices:
            raise _Reread(settled)

    def _validator(self, header: HeaderMap, choices: FileChoices, x12=False) -> RowValidator:
        return RowValidator(
            header,
            date.today(),
            self.aliases,
            self.overrides,
            money_max=self.thresholds.money_max,
            date_order=choices.date_order,
            decimal_separator=choices.decimal_separator,
            claim_level_lines=x12,
            payer_spellings=self.spellings,
        )


def _stream(conn: Connection, rows: StagedRows, merger: BatchMerger) -> None:
    # Python validates batch N+1 on a worker thread while Postgres merges batch N; within a
    # batch, Postgres parses one COPY chunk while Python validates the next.
    with ChunkPipeline(rows, depth=PIPELINE_DEPTH_CHUNKS) as pipeline:
        for batch in pipeline.batches():
            copy_into(conn, "claim_stage", batch)
            merger.merge(more=batch.more)

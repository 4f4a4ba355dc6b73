"""Row streams for the ingest load: validated rows as COPY chunks, byte counting."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from common.domain.csv_reader import CsvFormatError
from common.domain.line_identity import LineKeys
from common.services.ingest.pipeline import BATCH_END


class StagedRows:
    """Validated rows as CSV text chunks for COPY, BATCH_END after every `batch_rows` accepted
    rows and at the end (so there is always at least one batch); rejections and warnings go to
    `findings`, skipped rows to the `skips` tally.
    """

    CHUNK_CHARS = 1 << 18

    def __init__(
        self, source, validator, findings, errors, skips, batch_rows: int, lines=None
    ) -> None:
        self.source, self.validator, self.findings = source, validator, findings
        self.lines = lines
        self.errors, self.skips = errors, skips
        self.batch_rows = batch_rows
        self.totals = {"rows_total": 0, "rows_rejected": 0, "rows_skipped": 0}
        self.format_error: CsvFormatError | None = None
        self.keys = LineKeys()

    def __iter__(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        in_batch = batches = 0
        try:
            for row_number, values in self.source:
                record = self._accept(row_number, values)
                if record is None:
                    continue
                writer.writerow(record)
                in_batch += 1
                if in_batch == self.batch_rows:
                    yield buffer.getvalue()
                    yield BATCH_END
                    _empty(buffer)
                    in_batch, batches = 0, batches + 1
                elif buffer.tell() > self.CHUNK_CHARS:
                    yield buffer.getvalue()
                    _empty(buffer)
        except CsvFormatError as exc:
            self.format_error = exc  # ends COPY cleanly; the caller rejects the file
        if buffer.tell():
            yield buffer.getvalue()
        if in_batch or not batches:
            yield BATCH_END

    def _accept(self, row_number: int, values: list[str]) -> tuple | None:
        totals = self.totals
        totals["rows_total"] += 1
        result = self.validator.validate(row_number, values)
        if result.errors:
            totals["rows_rejected"] += 1
            self.errors.add_row(row_number, result.errors)
            for column, rule in result.errors:
                self.findings.writerow((row_number, column, rule, "error"))
            return None
        if result.skipped:
            totals["rows_skipped"] += 1
            self.skips.add(result.skipped, row_number)
            return None
        if result.warnings:
            # Counted once the merge has settled which rows load (a repeat is rejected there).
            for column, rule in result.warnings:
                self.findings.writerow((row_number, column, rule, "warning"))
        if self.lines is None:
            return (*result.record, self.keys.key(result.record))
        key = self.keys.key(result.record, self.lines.reference(row_number))
        self.lines.accepted(row_number, key)
        return (*result.record, key)


def _empty(buffer: io.StringIO) -> None:
    buffer.seek(0)
    buffer.truncate()


class CountingReader:
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

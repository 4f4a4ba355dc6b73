"""Merge each staged batch of one upload into `claims` and the rollups, in file order (SPEC 2.5)."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from common.db.queries import sql
from common.domain import rules
from common.services import rollups
from common.services.ingest.report import Tally

_EARLIEST = frozenset({"date_min"})
_LATEST = frozenset({"date_max", "newest_decided"})


class BatchMerger:
    """Rejects repeated identities, versions and updates changed lines, inserts new ones, and
    adds every change to the rollups in the same transaction.

    A file arrives in batches; the first occurrence of a line identity in the file wins
    whichever batch it is in, so identities are kept across batches while more follow.
    Counts from `ingest_merge_stage_quality` add up over batches; dates take the extremes.
    Every batch's line changes collect in `line_delta`, and `finish` adds them to the rollups
    once: a rollup row that ten batches would each have upserted is written once (the groups
    rollup of a 1M-line first upload: 15.7 s applied per batch).
    """

    def __init__(self, conn: Connection, params: dict, has_claims: bool, samples: int) -> None:
        self.conn, self.params, self.has_claims = conn, params, has_claims
        self.duplicates = Tally(samples)
        self.quality: dict = {}
        self.new_lines = self.updated_lines = 0
        self._batches = 0
        rollups.open_line_delta(conn)

    def merge(self, more: bool) -> None:
        """Merge the batch now in `claim_stage`; with `more`, make room for the next one."""
        conn, params = self.conn, self.params
        if self.has_claims:
            self._reject(conn.execute(sql("ingest_merge_reject_duplicates"), params))
            self._merge_with_history(more)
        else:
            self._insert_first_upload()
        self._add_quality(conn.execute(sql("ingest_merge_stage_quality")).mappings().one())
        if more:
            conn.execute(sql("ingest_merge_clear_stage"))
        self._batches += 1

    def finish(self) -> None:
        """Add every batch's line changes to the rollups (same transaction as the lines).

        On a first upload every line of the customer is this upload's, so its rollups are
        simply built from the lines (`rollups.rebuild`) instead of batch by batch.
        """
        customer_id = self.params["customer_id"]
        if self.has_claims:
            rollups.apply_line_delta(self.conn, customer_id, removals=True)
        else:
            rollups.rebuild(self.conn, customer_id)

    def lines_change(self) -> dict:
        """New, updated and unchanged lines among the accepted rows."""
        unchanged = self.quality["accepted"] - self.new_lines - self.updated_lines
        return {
            "new_lines": self.new_lines,
            "updated_lines": self.updated_lines,
            "unchanged_lines": unchanged,
        }

    def _merge_with_history(self, more: bool) -> None:
        # A repeat of an earlier batch's row may look like an unchanged line, so the
        # identities of earlier batches are kept in `staged_keys`.
        conn, params = self.conn, self.params
        if self._batches:
            self._reject(conn.execute(sql("ingest_merge_reject_seen_keys"), params))
        if more:
            if not self._batches:
                conn.execute(sql("ingest_merge_create_key_stage"))
            conn.execute(sql("ingest_merge_remember_keys"))
        changed = conn.execute(sql("ingest_merge_changed_lines"), params)
        self.updated_lines += changed.rowcount // 2  # a -1 and a +1 delta row per line
        self._insert_new()

    def _insert_first_upload(self) -> None:
        # Every line of this customer came from this file, so the unique (customer_id,
        # line_key) index finds every repeat, within the batch or across batches; the rare
        # file that has one redoes the batch after rejecting them, instead of every batch
        # grouping its identities first (1.15 s of a 1M-line first upload).
        try:
            with self.conn.begin_nested():
                self._insert_staged()
        except IntegrityError:
            params = self.params
            self._reject(self.conn.execute(sql("ingest_merge_reject_duplicates"), params))
            self._reject(self.conn.execute(sql("ingest_merge_reject_loaded_keys"), params))
            self._insert_staged()

    def _insert_staged(self) -> None:
        inserted = self.conn.execute(sql("ingest_merge_insert_first_lines"), self.params)
        self.new_lines += inserted.rowcount

    def _insert_new(self) -> None:
        inserted = self.conn.execute(sql("ingest_merge_insert_new_lines"), self.params)
        self.new_lines += inserted.rowcount

    def _reject(self, row_numbers) -> None:
        for (row_number,) in sorted(row_numbers):
            self.duplicates.add(rules.DUPLICATE_ROW, row_number)

    def _add_quality(self, batch) -> None:
        for key, value in batch.items():
            current = self.quality.get(key)
            if current is None or value is None:
                self.quality[key] = value if current is None else current
            elif key in _EARLIEST:
                self.quality[key] = min(current, value)
            elif key in _LATEST:
                self.quality[key] = max(current, value)
            else:
                self.quality[key] = current + value

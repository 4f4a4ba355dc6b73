"""An 835 file as the load path reads a claim file (SPEC 2.7): the canonical header, one row
per service line, and what only an 835 has — each line's CAS adjustments and the remittances
with their PLB adjustments — stored beside the lines in the same transaction.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from sqlalchemy import Connection, text

from common.db.copy import copy_into
from common.db.queries import sql
from common.domain import phi, rules
from common.domain.claim_rows import FIELDS
from common.domain.dates import parse_date
from common.domain.x12 import carc
from common.domain.x12.claims import CanonicalLine, amount
from common.domain.x12.records import ProviderAdjustment, Remittance
from common.domain.x12.remittance import RemittanceReader
from common.domain.x12.tokens import read_segments
from common.services.ingest.report import Tally

X12_ENCODING = "ascii"
REPORT_SAMPLES = 20  # unbalanced remittances and envelope findings listed in the report


class X12Source:
    """Rows for the validator (`header`, iteration) and the line hooks StagedRows calls."""

    preamble_lines = 0
    encoding = X12_ENCODING

    def __init__(self, blob: BinaryIO, adjustments: TextIO) -> None:
        """`adjustments`: an empty text file the accepted lines' adjustments are written to."""
        seps, segments = read_segments(blob)  # raises X12Malformed: the file is rejected
        self.delimiter = seps.element
        self.header = list(FIELDS)
        self._reader = RemittanceReader(segments, seps)
        self._current: CanonicalLine | None = None
        self._adjustments = adjustments
        self._writer = csv.writer(self._adjustments)
        self._families: dict[str, str] = {}

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for line in self._reader:
            self._current = line
            yield line.segment, line.values  # the validator reads it; nothing else holds it

    def reference(self, row_number: int) -> str | None:
        """The line item control number (REF*6R) of the row being staged."""
        line = self._current
        return line.ref if line is not None and line.segment == row_number else None

    def accepted(self, row_number: int, line_key: str) -> None:
        """Keep the accepted row's CAS adjustments under its line key."""
        line = self._current
        if line is None or line.segment != row_number:
            return
        families, write = self._families, self._writer.writerow
        for position, (group, reason, value) in enumerate(line.adjustments, start=1):
            if not reason or amount(value) is None:
                continue  # an adjustment without an amount or reason adjusts nothing
            if (family := families.get(reason)) is None:
                family = families[reason] = carc.family(reason)
            write((row_number, line_key, position, group, reason, value.strip(), family))

    def store(
        self, conn: Connection, params: dict, payer_of, first_upload: bool, lines_loaded: bool
    ) -> dict:
        """Write the adjustments and (when any line loaded) the remittances; the report's
        `remittance` detail. A file none of whose lines loaded is rejected: its payments are
        not recorded either."""
        conn.execute(sql("x12_create_adjustment_stage"))
        copy_into(conn, "adjustment_stage", self._adjustments)
        if first_upload:
            conn.execute(sql("x12_insert_first_adjustments"), params)
        else:
            conn.execute(text("ANALYZE adjustment_stage"))  # a temp table has no statistics
            conn.execute(sql("x12_insert_adjustments"), params)
        found = self._reader.remittances
        rows = [_remittance_row(r, payer_of) for r in found]
        if rows and lines_loaded:
            batch = params | {"rows": json.dumps(rows)}
            conn.execute(sql("x12_replace_remittances"), batch)
            conn.execute(sql("x12_insert_remittances"), batch)
            plb = [_plb_row(r.segment, a) for r in found for a in r.provider_adjustments]
            if plb := [row for row in plb if row is not None]:
                query = sql("x12_insert_provider_adjustments")
                conn.execute(query, params | {"rows": json.dumps(plb)})
        unbalanced = [_unbalanced(row) for row in rows if not row["balanced"]]
        return {
            "format": "x12-835",
            "transactions": len(rows),
            "claims": sum(r.claims for r in found),
            "reversals_replaced": sum(r.reversals_replaced for r in found),
            "balanced": len(rows) - len(unbalanced),
            "unbalanced": unbalanced[:REPORT_SAMPLES],
        }

    def envelope_warnings(self, warnings: Tally) -> list[dict]:
        """Add the envelope findings to the report's warnings; the first few, in file order."""
        found = self._reader.envelope.warnings
        for number, _ in found:
            warnings.add(rules.X12_ENVELOPE, number)
        return [{"segment": n, "message": m} for n, m in found[:REPORT_SAMPLES]]


def _remittance_row(txn: Remittance, payer_of) -> dict:
    plb_total = sum(amount(a.amount) or 0.0 for a in txn.provider_adjustments)
    paid = amount(txn.payment_amount)
    return {
        "segment": txn.segment,
        "control_number": txn.control or None,
        "payer": payer_of(txn.payer) if txn.payer else None,
        "trace_number": _safe(txn.trace_number),
        "payment_method": txn.payment_method or None,
        "payment_amount": None if paid is None else round(paid, 2),
        "payment_date": _date(txn.payment_date),
        "production_date": _date(txn.production_date),
        "claims": txn.claims,
        "lines": txn.lines,
        "claims_paid": round(txn.claims_paid, 2),
        "provider_adjustments_total": round(plb_total, 2),
        "balanced": paid is not None and abs(paid - (txn.claims_paid - plb_total)) < 0.005,
    }


def _plb_row(segment: int, adjustment: ProviderAdjustment) -> dict | None:
    value = amount(adjustment.amount)
    if value is None or not adjustment.reason:
        return None  # a PLB pair without an amount or reason adjusts nothing
    return {
        "segment": segment,
        "reason": adjustment.reason,
        "reference": _safe(adjustment.reference),
        "amount": round(value, 2),
        "fiscal_period": _date(adjustment.fiscal_period),
    }


def _unbalanced(row: dict) -> dict:
    keys = ("segment", "payer", "payment_amount", "claims_paid", "provider_adjustments_total")
    return {k: row[k] for k in keys}


def _safe(value: str) -> str | None:
    """A reference number, unless it could be an identifier of a person (then dropped)."""
    text = value.strip()
    return text if text and not phi.scan(text, phi.CODE) else None


def _date(value: str) -> str | None:
    try:
        return parse_date(value).isoformat() if value else None
    except ValueError:
        return None

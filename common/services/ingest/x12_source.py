"""An 835 file as the load path reads a claim file (SPEC 2.7): the canonical header, one row
per service line, and what only an 835 has — each line's CAS adjustments and the remittances
with their PLB adjustments — stored beside the lines in the same transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from sqlalchemy import Connection

from common.db.copy import copy_into
from common.db.queries import sql
from common.domain import phi, rules
from common.domain.claim_rows import FIELDS
from common.domain.dates import parse_date
from common.domain.x12 import carc
from common.domain.x12.claims import CanonicalLine, amount
from common.domain.x12.remittance import Remittance, RemittanceReader
from common.domain.x12.tokens import read_segments
from common.services.ingest.report import Tally

X12_ENCODING = "ascii"


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

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for line in self._reader:
            self._current = line
            yield line.segment, list(line.values)

    def reference(self, row_number: int) -> str | None:
        """The line item control number (REF*6R) of the row being staged."""
        line = self._current
        return line.ref if line is not None and line.segment == row_number else None

    def accepted(self, row_number: int, line_key: str) -> None:
        """Keep the accepted row's CAS adjustments under its line key."""
        line = self._current
        if line is None or line.segment != row_number:
            return
        for position, (group, reason, value) in enumerate(line.adjustments, start=1):
            money = amount(value)
            if money is None or not reason:
                continue  # an adjustment without an amount or reason adjusts nothing
            family = carc.family(reason)
            self._writer.writerow(
                (row_number, line_key, position, group, reason, f"{money:.2f}", family)
            )

    def store(self, conn: Connection, params: dict, payer_of) -> dict:
        """Write the adjustments and remittances; the report's `remittance` detail."""
        conn.execute(sql("x12_create_adjustment_stage"))
        copy_into(conn, "adjustment_stage", self._adjustments)
        conn.execute(sql("x12_insert_adjustments"), params)
        stored = [_store_remittance(conn, params, r, payer_of) for r in self._reader.remittances]
        return {
            "format": "x12-835",
            "transactions": len(stored),
            "claims": sum(r.claims for r in self._reader.remittances),
            "reversals_replaced": sum(r.reversals_replaced for r in self._reader.remittances),
            "remittances": stored,
        }

    def envelope_warnings(self, warnings: Tally) -> list[dict]:
        """Add the envelope findings to the report's warnings; their messages, in file order."""
        found = self._reader.envelope.warnings
        for number, _ in found:
            warnings.add(rules.X12_ENVELOPE, number)
        return [{"segment": number, "message": message} for number, message in found]


def _store_remittance(conn: Connection, params: dict, txn: Remittance, payer_of) -> dict:
    plb_total = sum(amount(a.amount) or 0.0 for a in txn.provider_adjustments)
    paid = amount(txn.payment_amount)
    balanced = paid is not None and abs(paid - (txn.claims_paid - plb_total)) < 0.005
    row = {
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
        "balanced": balanced,
    }
    remittance_id = conn.execute(sql("x12_insert_remittance"), params | row).scalar_one()
    for adjustment in txn.provider_adjustments:
        value = amount(adjustment.amount)
        if value is None or not adjustment.reason:
            continue
        conn.execute(
            sql("x12_insert_provider_adjustment"),
            {
                "customer_id": params["customer_id"],
                "remittance_id": remittance_id,
                "reason": adjustment.reason,
                "reference": _safe(adjustment.reference),
                "amount": round(value, 2),
                "fiscal_period": _date(adjustment.fiscal_period),
            },
        )
    return {"id": str(remittance_id)} | {k: row[k] for k in ("payer", "claims", "balanced")}


def _safe(value: str) -> str | None:
    """A reference number, unless it could be an identifier of a person (then dropped)."""
    text = value.strip()
    return text if text and not phi.scan(text, phi.CODE) else None


def _date(value: str):
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None

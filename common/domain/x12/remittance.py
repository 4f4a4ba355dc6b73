"""An 835 file → canonical service lines and one record per remittance (SPEC 2.7).

Streams: a claim is held only until the next CLP (a reversal one claim longer, to see whether
its re-adjudication follows), and a remittance only until its SE. Patient and insured names
(NM1*QC, NM1*IL), member ids and record numbers (REF*EA, REF*1L …) are never read into any
output: only the segments and elements named here leave the reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from common.domain.x12.claims import (
    CanonicalLine,
    Claim,
    adjustments,
    canonical_lines,
    service_line,
    x12_date,
)
from common.domain.x12.envelope import EnvelopeCheck
from common.domain.x12.tokens import Segment, Separators, X12Malformed

TRANSACTION_835 = "835"


@dataclass(frozen=True)
class ProviderAdjustment:
    """One PLB adjustment: reason (WO recoupment, L6 interest, FB forwarding …), amount."""

    reason: str
    reference: str
    amount: str
    fiscal_period: str


@dataclass
class Remittance:
    """One ST/SE transaction: a payer's payment (BPR), its claims and PLB adjustments."""

    segment: int
    control: str
    payer: str = ""
    trace_number: str = ""
    payment_method: str = ""
    payment_amount: str = ""
    payment_date: str = ""
    production_date: str = ""
    claims: int = 0
    lines: int = 0
    claims_paid: float = 0.0
    reversals_replaced: int = 0
    provider_adjustments: list[ProviderAdjustment] = field(default_factory=list)


class RemittanceReader:
    """Iterate for the lines; `remittances` and `envelope.warnings` fill as the file is read."""

    def __init__(self, segments: Iterator[Segment], seps: Separators) -> None:
        self._segments, self._seps = segments, seps
        self.envelope = EnvelopeCheck()
        self.remittances: list[Remittance] = []
        self._txn: Remittance | None = None
        self._claim: Claim | None = None
        self._held: Claim | None = None  # a reversal waiting for its re-adjudication
        self._last = 0

    def __iter__(self) -> Iterator[CanonicalLine]:
        for segment in self._segments:
            self._last = segment.number
            self.envelope.see(segment)
            yield from self._read(segment)
        yield from self._end_transaction()
        self.envelope.finish(self._last)

    def _read(self, segment: Segment) -> Iterator[CanonicalLine]:
        kind = segment.id
        if kind == "ST":
            yield from self._end_transaction()
            if segment.get(1) != TRANSACTION_835:
                message = f"transaction set {segment.get(1)!r} is not an 835"
                raise X12Malformed(message, segment.number)
            self._txn = Remittance(segment.number, segment.get(2))
        elif kind in ("SE", "GE", "IEA"):
            yield from self._end_transaction()
        elif kind == "CLP":
            yield from self._end_claim()
            self._start_claim(segment)
        elif kind == "SVC":
            if self._claim is None:
                raise X12Malformed("an SVC service line outside a CLP claim", segment.number)
            self._claim.lines.append(service_line(segment, self._seps.component))
        elif kind == "PLB":
            yield from self._end_claim()
            self._provider_adjustments(segment)
        elif self._txn is not None:
            self._detail(segment)

    def _detail(self, segment: Segment) -> None:
        kind, txn, claim = segment.id, self._txn, self._claim
        line = claim.lines[-1] if claim is not None and claim.lines else None
        if kind == "BPR":
            txn.payment_amount, txn.payment_method = segment.get(2), segment.get(4)
            txn.payment_date = x12_date(segment.get(16))
        elif kind == "TRN":
            txn.trace_number = segment.get(2)
        elif kind == "N1" and segment.get(1) == "PR" and claim is None:
            txn.payer = segment.get(2)
        elif kind == "DTM":
            self._date(segment, claim, line)
        elif kind == "CAS" and claim is not None:
            (line.cas if line is not None else claim.cas).extend(adjustments(segment))
        elif kind == "REF" and line is not None and segment.get(1) == "6R":
            line.ref = segment.get(2) or None
        elif kind == "AMT" and line is not None and segment.get(1) == "B6":
            line.allowed = segment.get(2)

    def _date(self, segment: Segment, claim: Claim | None, line) -> None:
        qualifier, value = segment.get(1), x12_date(segment.get(2))
        if line is not None and qualifier in ("472", "150") and not line.service_date:
            line.service_date = value
        elif claim is not None and line is None and qualifier == "050":
            claim.received_date = value
        elif claim is not None and line is None and qualifier in ("232", "150"):
            claim.statement_date = claim.statement_date or value
        elif claim is None and qualifier == "405":
            self._txn.production_date = value

    def _start_claim(self, segment: Segment) -> None:
        if self._txn is None:
            raise X12Malformed("a CLP claim outside an ST transaction", segment.number)
        claim_id = segment.get(1)
        if not claim_id:
            raise X12Malformed("a CLP claim without its claim id (CLP01)", segment.number)
        status, charge, paid = segment.get(2), segment.get(3), segment.get(4)
        self._claim = Claim(segment.number, claim_id, status, charge, paid)

    def _end_claim(self) -> Iterator[CanonicalLine]:
        claim, self._claim = self._claim, None
        if claim is None:
            return
        txn = self._txn
        txn.claims += 1
        txn.claims_paid += _number(claim.paid)
        held, self._held = self._held, None
        if held is not None:
            if held.claim_id == claim.claim_id and not claim.reversal:
                txn.reversals_replaced += 1  # its re-adjudication supersedes the same lines
            else:
                yield from self._lines(held)
        if claim.reversal:
            self._held = claim
        else:
            yield from self._lines(claim)

    def _lines(self, claim: Claim) -> Iterator[CanonicalLine]:
        txn = self._txn
        lines = canonical_lines(claim, txn.payer, txn.production_date or txn.payment_date,
                                txn.payment_date)  # fmt: skip
        txn.lines += len(lines)
        yield from lines

    def _end_transaction(self) -> Iterator[CanonicalLine]:
        if self._txn is None:
            return
        yield from self._end_claim()
        if self._held is not None:
            held, self._held = self._held, None
            yield from self._lines(held)
        self.remittances.append(self._txn)
        self._txn = None

    def _provider_adjustments(self, segment: Segment) -> None:
        if self._txn is None:
            raise X12Malformed("a PLB adjustment outside an ST transaction", segment.number)
        period = x12_date(segment.get(2))
        for position in range(3, 15, 2):
            composite, value = segment.get(position), segment.get(position + 1)
            if not composite:
                continue
            reason, _, reference = composite.partition(self._seps.component)
            reason, reference = reason.strip().upper(), reference.strip()
            adjustment = ProviderAdjustment(reason, reference, value, period)
            self._txn.provider_adjustments.append(adjustment)


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return 0.0

"""An 835 file → canonical service lines and one record per remittance (SPEC 2.7).

Streams: a claim is held only until the next CLP (a reversal one claim longer, to see whether
its re-adjudication follows), and a remittance only until its SE. Patient and insured names
(NM1*QC, NM1*IL), member ids and record numbers (REF*EA, REF*1L …) are never read into any
output: only the segments and elements named here leave the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

from common.domain.x12.claims import (
    CanonicalLine,
    Claim,
    adjustments,
    amount,
    canonical_lines,
    service_line,
    x12_date,
)
from common.domain.x12.envelope import ENVELOPE_IDS, EnvelopeCheck
from common.domain.x12.records import ProviderAdjustment, Remittance
from common.domain.x12.tokens import Segment, Separators, X12Malformed

TRANSACTION_835 = "835"
# Segments read only inside a transaction and never ending a claim: the hot path.
_DETAIL_IDS = frozenset({"CAS", "DTM", "REF", "AMT", "NM1", "LQ", "MIA", "MOA", "QTY", "PER",
                         "N3", "N4", "LX", "TS3", "TS2", "RDM", "CUR", "N2"})  # fmt: skip


class RemittanceReader:
    """Iterate for the lines; `remittances` and `envelope.warnings` fill as the file is read."""

    def __init__(self, segments: Iterator[list[str]], seps: Separators) -> None:
        self._segments, self._seps = segments, seps
        self.envelope = EnvelopeCheck()
        self.remittances: list[Remittance] = []
        self._txn: Remittance | None = None
        self._claim: Claim | None = None
        self._held: Claim | None = None  # a reversal waiting for its re-adjudication

    def __iter__(self) -> Iterator[CanonicalLine]:
        # Lists, not nested generators: most segments yield nothing, and a generator per
        # segment was a third of the reading time.
        see, read, detail = self.envelope.see, self._read, self._detail
        number = 0
        for parts in self._segments:
            number += 1
            kind = parts[0]
            if kind in _DETAIL_IDS:
                if self._txn is not None:
                    detail(kind, parts)
                continue
            if kind in ENVELOPE_IDS:
                see(Segment(number, kind, parts))
            if lines := read(kind, parts, number):
                yield from lines
        yield from self._end_transaction()
        self.envelope.finish(number)

    def _read(self, kind: str, parts: list[str], number: int) -> list[CanonicalLine] | None:
        if kind == "SVC":
            if self._claim is None:
                raise X12Malformed("an SVC service line outside a CLP claim", number)
            self._claim.lines.append(service_line(parts, number, self._seps.component))
        elif kind == "CLP":
            done = self._end_claim()
            self._start_claim(parts, number)
            return done
        elif kind == "ST":
            done = self._end_transaction()
            if parts[1].strip() != TRANSACTION_835:
                message = f"transaction set {parts[1].strip()!r} is not an 835"
                raise X12Malformed(message, number)
            self._txn = Remittance(number, parts[2].strip())
            return done
        elif kind in ("SE", "GE", "IEA"):
            return self._end_transaction()
        elif kind == "PLB":
            done = self._end_claim()
            self._provider_adjustments(parts, number)
            return done
        elif kind in ("BPR", "TRN", "N1") and self._txn is not None:
            self._header(kind, parts)
        return None

    def _header(self, kind: str, parts: list[str]) -> None:
        txn = self._txn
        if kind == "BPR":
            txn.payment_amount, txn.payment_method = parts[2].strip(), parts[4].strip()
            txn.payment_date = x12_date(parts[16])
        elif kind == "TRN":
            txn.trace_number = parts[2].strip()
        elif parts[1].strip() == "PR" and self._claim is None:  # N1*PR: the payer
            txn.payer = parts[2].strip()

    def _detail(self, kind: str, parts: list[str]) -> None:
        claim = self._claim
        if claim is None:
            if kind == "DTM" and parts[1] == "405":
                self._txn.production_date = x12_date(parts[2])
            return
        line = claim.lines[-1] if claim.lines else None
        if kind == "CAS":
            (line.cas if line is not None else claim.cas).extend(adjustments(parts))
        elif kind == "DTM":
            self._date(parts, claim, line)
        elif line is None:
            return
        elif kind == "REF" and parts[1] == "6R":
            line.ref = parts[2].strip() or None
        elif kind == "AMT" and parts[1] == "B6":
            line.allowed = parts[2].strip()

    def _date(self, parts: list[str], claim: Claim, line) -> None:
        qualifier, value = parts[1].strip(), x12_date(parts[2])
        if line is not None:
            if qualifier in ("472", "150") and not line.service_date:
                line.service_date = value
        elif qualifier == "050":
            claim.received_date = value
        elif qualifier in ("232", "150"):
            claim.statement_date = claim.statement_date or value

    def _start_claim(self, parts: list[str], number: int) -> None:
        if self._txn is None:
            raise X12Malformed("a CLP claim outside an ST transaction", number)
        claim_id = parts[1].strip()
        if not claim_id:
            raise X12Malformed("a CLP claim without its claim id (CLP01)", number)
        status, charge, paid = parts[2].strip(), parts[3].strip(), parts[4].strip()
        self._claim = Claim(number, claim_id, status, charge, paid)

    def _end_claim(self) -> list[CanonicalLine]:
        claim, self._claim = self._claim, None
        if claim is None:
            return []
        done: list[CanonicalLine] = []
        txn = self._txn
        txn.claims += 1
        txn.claims_paid += _number(claim.paid)
        held, self._held = self._held, None
        if held is not None:
            if held.claim_id == claim.claim_id and not claim.reversal:
                txn.reversals_replaced += 1  # its re-adjudication supersedes the same lines
            else:
                done += self._lines(held)
        if claim.reversal:
            self._held = claim
        else:
            done += self._lines(claim)
        return done

    def _lines(self, claim: Claim) -> list[CanonicalLine]:
        txn = self._txn
        lines = canonical_lines(claim, txn.payer, txn.production_date or txn.payment_date,
                                txn.payment_date)  # fmt: skip
        txn.lines += len(lines)
        return lines

    def _end_transaction(self) -> list[CanonicalLine]:
        if self._txn is None:
            return []
        done = self._end_claim()
        if self._held is not None:
            held, self._held = self._held, None
            done += self._lines(held)
        self.remittances.append(self._txn)
        self._txn = None
        return done

    def _provider_adjustments(self, parts: list[str], number: int) -> None:
        if self._txn is None:
            raise X12Malformed("a PLB adjustment outside an ST transaction", number)
        period = x12_date(parts[2])
        for position in range(3, 15, 2):
            composite, value = parts[position].strip(), parts[position + 1].strip()
            if not composite:
                continue
            reason, _, reference = composite.partition(self._seps.component)
            reason, reference = reason.strip().upper(), reference.strip()
            adjustment = ProviderAdjustment(reason, reference, value, period)
            self._txn.provider_adjustments.append(adjustment)


def _number(raw: str) -> float:
    return amount(raw) or 0.0

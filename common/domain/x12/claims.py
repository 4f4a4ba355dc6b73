"""One CLP claim of an 835 and its SVC service lines → canonical line values (SPEC 2.7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# SVC01 qualifiers whose code is a CPT/HCPCS (or dental) procedure code; a revenue code (NU)
# or a drug code (N4) alone names no procedure, so such a line carries no cpt (group OTHER).
PROCEDURE_QUALIFIERS = frozenset({"HC", "AD", "HP", "WK", "ER", "IV"})
# Adjustment groups that carry a denial: contractual, other, payer-initiated (not PR).
DENYING_GROUPS = frozenset({"CO", "OA", "PI", "CR"})
STATUS_DENIED, STATUS_REVERSAL = "4", "22"
AMOUNT_LIMIT = 1e10


def x12_date(raw: str) -> str:
    """CCYYMMDD as ISO; anything else as it came, for the validator to reject row by row."""
    text = raw.strip()
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def amount(raw: str) -> float | None:
    """An X12 decimal, or None when it is empty, not a number, or too large for the ledger
    (numeric(12, 2)): such an adjustment is not stored, rather than failing the load."""
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if abs(value) < AMOUNT_LIMIT else None  # NaN compares False: None too


def adjustments(cas: list[str]) -> list[tuple[str, str, str]]:
    """A CAS segment's (group, reason, amount) triples (up to six reasons per segment)."""
    group = cas[1].strip().upper()
    found = [(group, cas[2].strip().upper(), cas[3])]
    if cas[5]:  # a second reason: rarer, so the loop runs only then
        for position in range(5, 18, 3):
            if reason := cas[position].strip().upper():
                found.append((group, reason, cas[position + 1]))
    return found if found[0][1] else found[1:]


@dataclass
class Line:
    """A service line being read: its SVC segment and what follows it."""

    segment: int
    qualifier: str
    code: str
    modifiers: list[str]
    billed: str
    paid: str
    service_date: str = ""
    allowed: str = ""
    ref: str | None = None
    cas: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Claim:
    """A CLP claim being read, with its lines."""

    segment: int
    claim_id: str
    status: str
    charge: str
    paid: str
    received_date: str = ""
    statement_date: str = ""
    cas: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def reversal(self) -> bool:
        """CLP02 22: this claim takes back an earlier payment of the same lines."""
        return self.status == STATUS_REVERSAL


def service_line(svc: list[str], number: int, component: str) -> Line:
    """An SVC segment (number `number`): SVC01 `HC:99213:25`, SVC02 charge, SVC03 payment."""
    parts = svc[1].upper().split(component)
    qualifier, code = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    modifiers = [m.strip() for m in parts[2:6] if m.strip()]
    return Line(number, qualifier, code, modifiers, svc[2], svc[3])


class CanonicalLine(NamedTuple):
    """A line as the validator reads it: values in FIELDS order, its REF*6R and adjustments
    (a NamedTuple: made once per line, it costs a third of a frozen dataclass)."""

    segment: int
    values: list[str]
    ref: str | None
    adjustments: list[tuple[str, str, str]]


def canonical_lines(claim: Claim, payer: str, decided: str, paid_on: str) -> list[CanonicalLine]:
    """Every line of `claim`; a claim without SVC lines is one claim-level line (no cpt)."""
    if not claim.lines:
        whole = Line(claim.segment, "", "", [], claim.charge, claim.paid, claim.statement_date)
        return [_canonical(claim, whole, claim.cas, payer, decided, paid_on)]
    out = []
    for index, line in enumerate(claim.lines):
        # Claim-level adjustments go with the first line, so a claim's adjustments add up.
        extra = claim.cas if index == 0 else []
        out.append(_canonical(claim, line, line.cas + extra, payer, decided, paid_on))
    return out


def _canonical(claim: Claim, line: Line, cas, payer, decided, paid_on) -> CanonicalLine:
    billed, paid = amount(line.billed), amount(line.paid)
    outcome = _outcome(claim, billed, paid, cas)
    if claim.reversal:  # the earlier payment is taken back: nothing stays paid
        billed_text, paid_text, paid_on = _positive(line.billed), "0.00", ""
    else:
        billed_text, paid_text = line.billed, line.paid
        paid_on = paid_on if paid and paid > 0 else ""
    cpt = ""
    if line.qualifier in PROCEDURE_QUALIFIERS and line.code:
        cpt = "-".join([line.code, *line.modifiers])
    reason = _largest(cas) if outcome != "paid" else ""
    values = [
        claim.claim_id, "", payer, cpt, line.service_date or claim.statement_date,
        claim.received_date, decided, paid_on, outcome, billed_text, line.allowed, paid_text,
        reason, "",
    ]  # fmt: skip
    return CanonicalLine(line.segment, values, line.ref, cas)


def _outcome(claim: Claim, billed, paid, cas) -> str:
    if claim.reversal:
        return "reversal"
    if claim.status == STATUS_DENIED:
        return "denied"
    if paid is None:
        return "other"
    if paid > 0:
        return "paid"
    denied = sum(amount(a) or 0.0 for g, _, a in cas if g in DENYING_GROUPS)
    if billed is not None and billed > 0 and denied >= billed - 0.005:
        return "denied"
    return "other"


def _largest(cas) -> str:
    if not cas:
        return ""
    group, reason, _ = max(cas, key=lambda adj: abs(amount(adj[2]) or 0.0))
    return f"{group}-{reason}"


def _positive(raw: str) -> str:
    text = raw.strip()
    return text[1:] if text.startswith("-") else text

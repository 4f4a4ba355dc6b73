"""Synthetic 835 remittance files (SPEC 2.7) for the demo, tests and the 835 benchmark.

One transaction (ST/SE) per payer and production day, each claim one to three SVC lines with
CO-45 contractual adjustments and PR-2/PR-3 patient responsibility, denials as CLP02 4 with the
reason's CAS, and PLB interest and recoupments now and then — so that every BPR02 equals the
claims' payments less the PLB amounts. Streamed: one transaction is held at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from common.devtools.synth import CPTS, PAYERS, REASONS

_ISA = (
    "ISA*00*          *00*          *ZZ*UPSTREAMSYNTH  *ZZ*DEMOCLINIC     *{d:%y%m%d}*0800*^*00501*"
    "{ctl:09d}*0*T*:"
)
INTEREST_EVERY, RECOUPMENT_EVERY = 10, 15


@dataclass(frozen=True)
class RemitOptions:
    """How many service lines, over which days, for which payers."""

    lines: int = 3_000
    as_of: date | None = None
    days: int = 90
    payers: tuple[str, ...] = ("Aetna",)
    seed: int = 17


@dataclass
class RemitTotals:
    """What was written, to check a load against."""

    lines: int = 0
    claims: int = 0
    transactions: int = 0
    claims_paid: float = 0.0
    payments: float = 0.0  # the BPR02 amounts
    provider_adjustments: float = 0.0
    paid_by_claim: dict[str, float] = field(default_factory=dict)


def write_remittance_835(path: Path, opts: RemitOptions, keep_claims: bool = False) -> RemitTotals:
    """Write the 835 to `path`; its totals (`paid_by_claim` only with `keep_claims`)."""
    rng = random.Random(opts.seed)  # nosec B311 - reproducible synthetic data, not security
    as_of = opts.as_of or date.today()
    totals = RemitTotals()
    per_day = max(1, opts.lines // (opts.days * len(opts.payers)))
    with open(path, "w", encoding="ascii", newline="") as out:
        out.write(_ISA.format(d=as_of, ctl=1) + "~\n")
        out.write(f"GS*HP*UPSTREAMSYNTH*DEMOCLINIC*{as_of:%Y%m%d}*0800*1*X*005010X221A1~\n")
        day = as_of - timedelta(days=opts.days)
        while totals.lines < opts.lines:
            for payer in opts.payers:
                want = min(per_day, opts.lines - totals.lines)
                if want <= 0:
                    break
                segments = _transaction(rng, payer, day, as_of, want, totals, keep_claims)
                out.write("~\n".join(segments) + "~\n")
            day = min(day + timedelta(days=1), as_of - timedelta(days=1))
        out.write(f"GE*{totals.transactions}*1~\nIEA*1*{1:09d}~\n")
    return totals


def _transaction(rng, payer, day, as_of, want, totals, keep_claims) -> list[str]:
    totals.transactions += 1
    number = totals.transactions
    _, decide_lag, pay_lag = PAYERS[payer]
    paid_on = min(day + timedelta(days=pay_lag), as_of)
    body, paid_sum = [], 0.0
    written = 0
    while written < want:
        claim_lines = min(rng.choice((1, 1, 2, 3)), want - written)
        service = day - timedelta(days=max(1, decide_lag + rng.randint(-3, 3)))
        claim_id = f"R{totals.claims + 1:08d}"
        segments, paid = _claim(rng, payer, claim_id, service, claim_lines)
        body += segments
        paid_sum += paid
        written += claim_lines
        totals.claims += 1
        if keep_claims:
            totals.paid_by_claim[claim_id] = paid
    plb = []
    if number % INTEREST_EVERY == 0:
        plb.append(("L6", f"R{totals.claims:08d}", -1.25))
    if number % RECOUPMENT_EVERY == 0 and paid_sum > 25:
        plb.append(("WO", f"OVERPAY{number}", 25.0))
    adjustments = sum(a for _, _, a in plb)
    payment = round(paid_sum - adjustments, 2)
    head = [
        f"ST*835*{number:04d}",
        f"BPR*I*{payment:.2f}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*888888888*DA*"
        f"654321*{paid_on:%Y%m%d}",
        f"TRN*1*SYN{number:08d}*1512345678",
        f"DTM*405*{day:%Y%m%d}",
        f"N1*PR*{payer.upper()}",
        "N1*PE*DEMO MEDICAL GROUP*XX*1234567893",
        "LX*1",
    ]
    tail = []
    if plb:
        pairs = "*".join(f"{r}:{ref}*{a:.2f}" for r, ref, a in plb)
        tail.append(f"PLB*1234567893*{as_of.year}1231*{pairs}")
    segments = head + body + tail
    segments.append(f"SE*{len(segments) + 1}*{number:04d}")
    totals.lines += written
    totals.claims_paid = round(totals.claims_paid + paid_sum, 2)
    totals.payments = round(totals.payments + payment, 2)
    totals.provider_adjustments = round(totals.provider_adjustments + adjustments, 2)
    return segments


def _claim(rng, payer, claim_id, service, count) -> tuple[list[str], float]:
    denial_rate = PAYERS[payer][0]
    denied = rng.random() < denial_rate
    lines, charge, paid = [], 0.0, 0.0
    for index, cpt in enumerate(_codes(rng, count), start=1):
        billed = CPTS[cpt][0]
        charge += billed
        lines.append(f"SVC*HC:{cpt}*{billed:.2f}*{0 if denied else 1}")
        lines.append(f"DTM*472*{service:%Y%m%d}")
        if denied:
            group, reason = rng.choice(REASONS)[0].split("-")
            lines[-2] = f"SVC*HC:{cpt}*{billed:.2f}*0"
            lines.append(f"CAS*{group}*{reason}*{billed:.2f}")
        else:
            allowed = round(billed * rng.uniform(0.6, 0.8), 2)
            copay = 20.0 if index == 1 and rng.random() < 0.3 and allowed > 40 else 0.0
            line_paid = round(allowed - copay, 2)
            paid += line_paid
            lines[-2] = f"SVC*HC:{cpt}*{billed:.2f}*{line_paid:.2f}"
            lines.append(f"CAS*CO*45*{billed - allowed:.2f}")
            if copay:
                lines.append(f"CAS*PR*3*{copay:.2f}")
            lines.append(f"AMT*B6*{allowed:.2f}")
        lines.append(f"REF*6R*{index}")
    status = "4" if denied else "1"
    head = [
        f"CLP*{claim_id}*{status}*{charge:.2f}*{paid:.2f}**12*ICN{claim_id}",
        "NM1*QC*1*SYNTHETIC*PATIENT****MI*SYNTHMEMBER",  # synthetic: proves it is never stored
        f"DTM*232*{service:%Y%m%d}",
        f"DTM*050*{service + timedelta(days=2):%Y%m%d}",
    ]
    return head + lines, round(paid, 2)


def _codes(rng, count: int) -> Iterator[str]:
    codes, weights = list(CPTS), [CPTS[c][1] for c in CPTS]
    return iter(rng.choices(codes, weights, k=count))

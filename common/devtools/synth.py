"""Synthetic claim files with known payer changes, for the demo, tests and benchmarks.

Stationary behaviour per payer and CPT group, plus injected changes:
- `Cigna`: E&M denial rate rises sharply for claims decided in the last 21 days;
- `Humana`: payments slow down by 12 days for claims paid in the last 21 days.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Claim Number",
    "Payer Name",
    "CPT Code",
    "Date Submitted",
    "Adjudication Date",
    "Claim Status",
    "Paid Date",
    "Total Charge",
    "Allowed Amt",
    "Insurance Paid",
    "CARC",
    "Denial Reason",
]

# payer → (base denial rate, mean decision lag days, mean payment lag after decision)
PAYERS = {
    "Aetna": (0.08, 14, 5),
    "Blue Cross Blue Shield": (0.06, 12, 4),
    "Cigna": (0.07, 16, 6),
    "UnitedHealthcare": (0.12, 18, 5),
    "Humana": (0.10, 15, 5),
    "Medicare": (0.05, 10, 3),
}
# cpt → (billed amount, share of volume)
CPTS = {
    "99213": (150.0, 0.22),
    "99214": (220.0, 0.16),
    "71046": (180.0, 0.10),
    "80053": (60.0, 0.14),
    "85025": (35.0, 0.10),
    "29881": (2400.0, 0.06),
    "96372": (45.0, 0.12),
    "J1885": (28.0, 0.10),
}
REASONS = [
    ("CO-16", "Claim lacks information"),
    ("CO-50", "Not medically necessary"),
    ("CO-97", "Bundled service"),
    ("PR-204", "Not covered under plan"),
    ("CO-29", "Time limit for filing expired"),
]
DRIFT_PAYER, DRIFT_CPTS, DRIFT_EXTRA = "Cigna", ("99213", "99214"), 0.25
DELAY_PAYER, DELAY_EXTRA_DAYS = "Humana", 12
CHANGE_DAYS = 21

# Rows with deliberate errors; PHI is synthetic and exists only to prove it is rejected.
BAD_ROWS = [
    ["BAD-1", "Aetna", "99213", "2025-13-45", "", "paid", "", "150", "", "", "", ""],
    ["BAD-2", "Aetna", "99213", "{d}", "{d}", "paid", "{d}", "-15.00", "", "", "", ""],
    ["123-45-6789", "Aetna", "99213", "{d}", "{d}", "paid", "{d}", "150", "", "", "", ""],
    ["BAD-4", "John Smith", "99213", "{d}", "{d}", "denied", "", "150", "", "0", "CO-16", ""],
    ["BAD-5", "Cigna", "ABCDE", "{d}", "{d}", "paid", "{d}", "150", "", "", "", ""],
    [
        "BAD-6",
        "Cigna",
        "99214",
        "{d}",
        "{d}",
        "denied",
        "",
        "220",
        "",
        "0",
        "CO-50",
        "call patient at 555-867-5309",
    ],
]


@dataclass(frozen=True)
class SynthOptions:
    """How much and which period to generate."""

    rows: int = 30_000
    as_of: date | None = None
    days: int = 182
    seed: int = 7
    bad_rows: bool = True
    inject: bool = True


def claim_rows(opts: SynthOptions) -> Iterator[list[str]]:
    """Yield CSV data rows (no header), streamed."""
    rng = random.Random(opts.seed)  # nosec B311 - reproducible synthetic data, not security
    as_of = opts.as_of or date.today()
    change_start = as_of - timedelta(days=CHANGE_DAYS)
    payers, cpts = list(PAYERS), list(CPTS)
    cpt_weights = [CPTS[c][1] for c in cpts]
    start = as_of - timedelta(days=opts.days)
    for n in range(opts.rows):
        payer = payers[n % len(payers)] if n % 3 else rng.choice(payers)
        cpt = rng.choices(cpts, cpt_weights)[0]
        submitted = start + timedelta(days=rng.randrange(opts.days))
        yield _claim(rng, f"C{n + 1:08d}", payer, cpt, submitted, as_of, change_start, opts)
    if opts.bad_rows:
        day = (as_of - timedelta(days=40)).isoformat()
        for row in BAD_ROWS:
            yield [v.replace("{d}", day) for v in row]


def _claim(rng, claim_id, payer, cpt, submitted, as_of, change_start, opts) -> list[str]:
    denial_rate, decide_lag, pay_lag = PAYERS[payer]
    decided = submitted + timedelta(days=max(1, round(rng.gauss(decide_lag, 3))))
    billed = CPTS[cpt][0]
    if decided > as_of:
        return [
            claim_id,
            payer,
            cpt,
            submitted.isoformat(),
            "",
            "pending",
            "",
            f"{billed:.2f}",
            "",
            "",
            "",
            "",
        ]
    if opts.inject and payer == DRIFT_PAYER and cpt in DRIFT_CPTS and decided >= change_start:
        denial_rate += DRIFT_EXTRA
    allowed = round(billed * rng.uniform(0.6, 0.8), 2)
    if rng.random() < denial_rate:
        code, text = rng.choice(REASONS)
        return [
            claim_id,
            payer,
            cpt,
            submitted.isoformat(),
            decided.isoformat(),
            "denied",
            "",
            f"{billed:.2f}",
            f"{allowed:.2f}",
            "0.00",
            code,
            text,
        ]
    paid_on = decided + timedelta(days=max(0, round(rng.gauss(pay_lag, 1.5))))
    if opts.inject and payer == DELAY_PAYER and paid_on >= change_start:
        paid_on += timedelta(days=DELAY_EXTRA_DAYS)
    paid_text = paid_on.isoformat() if paid_on <= as_of else ""
    return [
        claim_id,
        payer,
        cpt,
        submitted.isoformat(),
        decided.isoformat(),
        "paid",
        paid_text,
        f"{billed:.2f}",
        f"{allowed:.2f}",
        f"{allowed:.2f}",
        "",
        "",
    ]


def write_claims_csv(path: Path, opts: SynthOptions) -> int:
    """Write a claims CSV to `path`; return the number of data rows."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in claim_rows(opts):
            writer.writerow(row)
            count += 1
    return count

"""Labelled claim scenarios for the signal products: a seeded generator and a COPY loader.

A scenario is stationary behaviour for every payer × CPT group, plus optional injected
changes whose signal we know in advance. Claims go straight into `claims` with COPY (as the
owner, so the loader does not depend on the ingest path), under one synthetic upload.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert

from common.db.copy import copy_into
from common.db.schema import uploads
from common.services import rollups

AS_OF = date(2026, 6, 1)
PAYERS = ("Aetna", "Cigna", "Humana", "Medicare", "UnitedHealthcare")
GROUPS = {  # cpt_group → (a CPT code in it, billed amount)
    "E&M": ("99213", 150.0),
    "SURGERY": ("29881", 400.0),
    "RADIOLOGY": ("71046", 180.0),
    "PATH_LAB": ("80053", 60.0),
    "MEDICINE": ("96372", 45.0),
    "ANESTHESIA": ("00142", 300.0),
    "HCPCS_J": ("J1885", 28.0),
    "CATEGORY_II": ("3074F", 20.0),
}
REASONS = ("CO-16", "CO-50", "CO-97", "PR-204", "CO-29")
COLUMNS = (
    "customer_id, upload_id, line_key, claim_id, payer, cpt, cpt_group, submitted_date, "
    "decided_date, payment_date, outcome, billed_amount, allowed_amount, paid_amount, "
    "denial_reason_code, denial_reason_text"
)


@dataclass(frozen=True)
class DenialShift:
    """Denial rate of one payer × group up by `extra` for claims decided since as_of − days."""

    payer: str
    group: str
    extra: float = 0.08
    days: int = 14
    per_day: float = 40.0  # this combination's volume (≥ 200 claims per 14 days)


@dataclass(frozen=True)
class NewReason:
    """`count` extra denials of a reason never seen before, decided in the last `days` days."""

    payer: str
    code: str = "CO-197"
    count: int = 40
    days: int = 7


@dataclass(frozen=True)
class PaymentDelay:
    """Payments of one payer `extra_days` later for payments made since as_of − days."""

    payer: str
    extra_days: int = 9
    days: int = 14


@dataclass(frozen=True)
class PaymentRamp:
    """Payments of one payer later by `step` more days each week over the last `weeks` weeks."""

    payer: str
    step: float = 2.5
    weeks: int = 6


@dataclass(frozen=True)
class Scenario:
    """Stationary claims (payers × groups over `days`) plus injected changes."""

    as_of: date = AS_OF
    days: int = 182
    payers: tuple[str, ...] = PAYERS
    groups: tuple[str, ...] = tuple(GROUPS)
    per_day: float = 3.0
    denial_rate: float = 0.08
    decision_lag: tuple[float, float] = (14.0, 3.0)
    payment_lag: tuple[float, float] = (5.0, 1.5)
    seed: int = 11
    changes: tuple = field(default_factory=tuple)


def generate(s: Scenario) -> list[dict]:
    """Every claim of the scenario, decided on or before as_of − 1 (deterministic per seed)."""
    rng = random.Random(s.seed)
    rows = []
    for offset in range(s.days, 0, -1):
        decided = s.as_of - timedelta(days=offset)
        for payer in s.payers:
            for group in s.groups:
                shift = _shift(s, payer, group)
                for _ in range(_count(rng, shift.per_day if shift else s.per_day)):
                    rate = s.denial_rate
                    if shift and decided >= s.as_of - timedelta(days=shift.days):
                        rate += shift.extra
                    rows.append(_claim(rng, s, payer, group, decided, rng.random() < rate))
    for change in s.changes:
        if isinstance(change, NewReason):
            for i in range(change.count):
                decided = s.as_of - timedelta(days=1 + i % change.days)
                group = s.groups[i % len(s.groups)]
                rows.append(_claim(rng, s, change.payer, group, decided, True, change.code))
    return rows


def _shift(s: Scenario, payer: str, group: str) -> DenialShift | None:
    for c in s.changes:
        if isinstance(c, DenialShift) and (c.payer, c.group) == (payer, group):
            return c
    return None


def _count(rng: random.Random, mean: float) -> int:
    # Poisson-like daily volume without numpy: the sum of Bernoulli trials.
    trials = int(mean * 4)
    return sum(rng.random() < 0.25 for _ in range(trials))


def _claim(rng, s: Scenario, payer, group, decided: date, denied: bool, reason=None) -> dict:
    lag = max(1, round(rng.gauss(*s.decision_lag)))
    cpt, billed = GROUPS[group]
    row = claim(payer, group, decided, "DENIED" if denied else "PAID", billed=billed, cpt=cpt)
    row["submitted_date"] = decided - timedelta(days=lag)
    if denied:
        row["denial_reason_code"] = reason or rng.choice(REASONS)
        return row
    paid_on = decided + timedelta(days=max(0, round(rng.gauss(*s.payment_lag))))
    paid_on += timedelta(days=_payment_change(s, payer, paid_on))
    row["payment_date"] = paid_on if paid_on < s.as_of else None
    return row


def _payment_change(s: Scenario, payer: str, paid_on: date) -> int:
    extra = 0
    for c in s.changes:
        if getattr(c, "payer", None) != payer:
            continue
        if isinstance(c, PaymentDelay):
            # Every payment from the change on is late, so the current window is all late.
            if paid_on + timedelta(days=c.extra_days) >= s.as_of - timedelta(days=c.days):
                extra += c.extra_days
        elif isinstance(c, PaymentRamp):
            week = (paid_on - (s.as_of - timedelta(weeks=c.weeks))).days // 7
            extra += round(c.step * (week + 1)) if week >= 0 else 0
    return extra


def claim(
    payer: str,
    group: str,
    decided: date | None,
    outcome: str = "PAID",
    *,
    submitted: date | None = None,
    payment: date | None = None,
    billed: float = 100.0,
    cpt: str | None = None,
    reason: str | None = None,
) -> dict:
    """One claim row (explicit dates for edge-case tests)."""
    return {
        "payer": payer,
        "cpt": cpt or GROUPS.get(group, ("99213", 0))[0],
        "cpt_group": group,
        "submitted_date": submitted or ((decided or AS_OF) - timedelta(days=10)),
        "decided_date": decided,
        "payment_date": payment,
        "outcome": outcome,
        "billed_amount": billed,
        "allowed_amount": round(billed * 0.7, 2),
        "paid_amount": round(billed * 0.7, 2) if outcome == "PAID" else 0.0,
        "denial_reason_code": reason if outcome == "DENIED" else None,
        "denial_reason_text": None,
    }


def load(owner, customer_id: str, rows: list[dict]) -> int:
    """COPY `rows` into claims for one customer under a fresh synthetic upload, and rebuild
    the customer's rollups from its lines (what a load maintains batch by batch). Each row is
    a claim of its own unless it names a `claim_id` (lines of one claim share it)."""
    upload_id = str(uuid.uuid4())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        key = uuid.uuid4().hex
        writer.writerow(
            [customer_id, upload_id, key, row.get("claim_id") or key, row["payer"], row["cpt"],
             row["cpt_group"],
             row["submitted_date"], row["decided_date"] or "", row["payment_date"] or "",
             row["outcome"], row["billed_amount"], row["allowed_amount"], row["paid_amount"],
             row["denial_reason_code"] or "", row["denial_reason_text"] or ""]
        )  # fmt: skip
    with owner.begin() as conn:
        conn.execute(
            insert(uploads).values(
                id=upload_id,
                customer_id=customer_id,
                object_name=f"scenario/{upload_id}.csv",
                generation="1",
                status="loaded",
                rows_total=len(rows),
                rows_accepted=len(rows),
            )
        )
        copy_into(conn, "claims", buffer, COLUMNS)
        rollups.rebuild(conn, customer_id)
    return len(rows)

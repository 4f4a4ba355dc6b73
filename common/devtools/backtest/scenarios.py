"""The labelled plan: customers, their payers × CPT groups, and the changes injected into them.

Every customer has eight payers with three or four CPT groups each (3–40 lines a day per cell,
baseline denial rates 4–15 %). A customer with changes carries one change on each of at most
four payers, so at least half of its payers are untouched; the last two customers (one in a run
of two or three) have no change at all. Changes are dealt out largest first, so a small run
(`--customers 2`) still holds the +12-point rise on a 40-lines-a-day cell.

What a change can move decides what counts as untouched (`affects`): a denial-rate rise moves
DriftWatch on its cell and DenialScope on its payer; a new denial reason moves DriftWatch and
DenialScope on its payer; a payment slowdown (either shape) moves DelayGuard on its payer; a
decision slowdown moves DriftWatch on its cell and DenialScope and DelayGuard on its payer.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

# Fixed, so that runs on different days are comparable and every date is in the past.
ONSET = date(2026, 3, 2)  # a Monday
HISTORY_DAYS = 243  # eight months of decisions before the onset
PAYER_NAMES = (
    "Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Humana", "Medicare",
    "Medicaid", "Anthem", "Kaiser Permanente", "Tricare", "Molina Healthcare", "Oscar Health",
)  # fmt: skip
GROUPS = {  # cpt_group → codes with their charge
    "E&M": (("99213", 150.0), ("99214", 220.0)),
    "PATH_LAB": (("80053", 60.0), ("85025", 35.0)),
    "RADIOLOGY": (("71046", 180.0), ("73030", 120.0)),
    "MEDICINE": (("96372", 45.0), ("90471", 30.0)),
    "SURGERY": (("29881", 2400.0), ("11042", 600.0)),
}
COMMON_REASONS = (
    ("CO-16", "Claim lacks information"), ("CO-50", "Not medically necessary"),
    ("CO-97", "Bundled service"), ("PR-204", "Not covered under plan"),
    ("CO-29", "Time limit for filing expired"), ("CO-18", "Duplicate claim"),
    ("CO-4", "Modifier inconsistent with procedure"), ("CO-45", "Charge exceeds fee schedule"),
)  # fmt: skip
# The long tail real remittances have: each payer uses these now and then (3 % of denials).
RARE_REASONS = tuple(f"CO-{n}" for n in (5, 6, 11, 15, 22, 24, 26, 27, 31, 39, 96, 107, 109,
                                         119, 129, 140, 146, 151, 181, 236))  # fmt: skip
NEW_REASONS = (
    ("CO-197", "Precertification absent"),
    ("CO-252", "Attachment required"),
    ("N-130", "Consult plan benefit documents"),
    ("CO-B15", "Qualifying service"),
)
CELL_KINDS = ("denial_rate", "decision_delay")


@dataclass(frozen=True)
class ChangeKind:
    """One kind of injected change: its sizes, and which signals find it."""

    name: str
    sizes: tuple[float, ...]
    unit: str
    product: str
    types: tuple[str, ...]
    affects: tuple[tuple[str, str], ...]  # (product, "cell" | "payer") it may move


KINDS = {
    k.name: k
    for k in (
        ChangeKind("denial_rate", (0.03, 0.05, 0.08, 0.12), "points", "driftwatch",
                   ("denial_rate_increase",), (("driftwatch", "cell"), ("denialscope", "payer"))),
        ChangeKind("new_reason", (3, 5, 10, 20), "per week", "denialscope",
                   ("new_denial_reason", "reason_rate_spike"),
                   (("driftwatch", "payer"), ("denialscope", "payer"))),
        ChangeKind("payment_delay", (3, 5, 8, 12), "days", "delayguard",
                   ("payment_slowdown", "payment_aging", "payment_timing_trend"),
                   (("delayguard", "payer"),)),
        ChangeKind("payment_lag", (3, 5, 8, 12), "days", "delayguard",
                   ("payment_slowdown", "payment_aging", "payment_timing_trend"),
                   (("delayguard", "payer"),)),
        ChangeKind("decision_delay", (4, 8), "days", "driftwatch", ("decision_time_increase",),
                   (("driftwatch", "cell"), ("denialscope", "payer"), ("delayguard", "payer"))),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Cell:
    group: str
    lines_per_day: float
    denial_rate: float


@dataclass(frozen=True)
class Payer:
    name: str
    cells: tuple[Cell, ...]
    decision_days: float  # mean submitted → decided
    payment_days: float  # mean decided → paid
    allowed_share: float
    reasons: tuple[tuple[str, str, float], ...]  # (code, text, weight)

    @property
    def lines_per_day(self) -> float:
        return sum(c.lines_per_day for c in self.cells)


@dataclass(frozen=True)
class Change:
    kind: str
    size: float
    payer: str
    group: str | None = None  # cell-level kinds
    code: str | None = None  # new_reason: the code, never seen for this payer before
    text: str | None = None

    @property
    def key(self) -> str | None:
        """The signal key that names this change: the cpt_group, or the new reason."""
        return self.group if self.kind in CELL_KINDS else self.code

    @property
    def size_label(self) -> str:
        if self.kind == "denial_rate":
            return f"+{round(self.size * 100)} pts"
        if self.kind == "new_reason":
            return f"{self.size:g}/wk"
        return f"+{self.size:g} d"


@dataclass(frozen=True)
class Scenario:
    index: int
    seed: int
    payers: tuple[Payer, ...]
    changes: tuple[Change, ...]
    onset: date = ONSET

    def untouched(self, product: str, payer: str, group: str | None = None) -> bool:
        """No change may move `product` on this payer (DenialScope, DelayGuard) or cell."""
        for change in self.changes:
            for moved, level in KINDS[change.kind].affects:
                if moved != product or change.payer != payer:
                    continue
                if level == "payer" or group is None or group == change.group:
                    return False
        return True


def plan(seed: int, customers: int) -> list[Scenario]:
    """`customers` scenarios: the last two (one of two or three) without change."""
    quiet = 2 if customers >= 4 else min(1, customers - 1)
    return [
        _scenario(seed, i, _changes_for(i) if i < customers - quiet else ())
        for i in range(customers)
    ]


def _changes_for(i: int) -> list[tuple[str, int, int]]:
    """(kind, size index, volume tier): four customers per round, largest sizes first.

    Payment slowdowns come in two shapes, alternating so that each size has one of each and
    each shape one busy and one small payer: `payment_delay` (the payer holds its payments:
    every payment due from the onset lands `size` days later, so nothing lands for a while)
    and `payment_lag` (every claim decided from the onset is paid `size` days later than it
    would have been: the payer is simply slower, and nothing looks late until the usual
    decided → paid lag has passed)."""
    size, tier = 3 - i % 4, (i // 4) % 2
    payment = "payment_delay" if (size + tier) % 2 == 0 else "payment_lag"
    picked = [(k, size, tier) for k in ("denial_rate", "new_reason", payment)]
    if size >= 2:
        picked.append(("decision_delay", size - 2, tier))
    return picked


def _scenario(seed: int, index: int, wanted) -> Scenario:
    rng = random.Random(seed * 1009 + index)  # nosec B311 - reproducible synthetic data, not security
    names = rng.sample(PAYER_NAMES, 8)
    payers, changes = [], []
    for n, name in enumerate(names):
        payer = _payer(rng, name)
        if n < len(wanted):
            kind, size_index, tier = wanted[n]
            payer, change = _inject(rng, payer, KINDS[kind], size_index, tier)
            changes.append(change)
        payers.append(payer)
    return Scenario(index, seed * 1009 + index, tuple(payers), tuple(changes))


def _payer(rng: random.Random, name: str) -> Payer:
    groups = rng.sample(sorted(GROUPS), rng.choice((3, 4)))
    cells = tuple(
        Cell(g, round(math.exp(rng.uniform(math.log(3), math.log(40))), 1),
             round(rng.uniform(0.04, 0.15), 3))
        for g in groups
    )  # fmt: skip
    reasons = tuple((c, t, rng.uniform(0.5, 3.0)) for c, t in rng.sample(COMMON_REASONS, 5))
    return Payer(name, cells, round(rng.uniform(8, 24), 1), round(rng.uniform(2, 9), 1),
                 round(rng.uniform(0.55, 0.8), 2), reasons)  # fmt: skip


def _inject(rng: random.Random, payer: Payer, kind: ChangeKind, size_index: int, tier: int):
    """The change, and the payer with the volume the change is measured at."""
    size = kind.sizes[size_index]
    if kind.name in CELL_KINDS:  # the target cell: 40 lines a day, or 12 in the second round
        first = payer.cells[0]
        target = Cell(first.group, 40.0 if tier == 0 else 12.0, first.denial_rate)
        cells = (target, *payer.cells[1:])
        change = Change(kind.name, size, payer.name, group=first.group)
    else:  # a busy payer (≈ 80 lines a day), or a small one (≈ 28)
        volumes = (40.0, 20.0, 12.0, 8.0) if tier == 0 else (12.0, 8.0, 5.0, 3.0)
        cells = tuple(
            Cell(c.group, v, c.denial_rate) for c, v in zip(payer.cells, volumes, strict=False)
        )
        code, text = NEW_REASONS[len(payer.name) % len(NEW_REASONS)]
        is_reason = kind.name == "new_reason"
        change = Change(kind.name, size, payer.name, code=code if is_reason else None,
                        text=text if is_reason else None)  # fmt: skip
    return Payer(payer.name, cells, payer.decision_days, payer.payment_days,
                 payer.allowed_share, payer.reasons), change  # fmt: skip

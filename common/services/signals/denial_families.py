"""DenialScope per CARC family (SPEC 3.2, 2.7): the reasons' counts summed per (payer, family).

A payer that starts denying for medical necessity under three codes a week each shows no
single-reason change, but its medical_necessity family does. Family signals are the reason
tests run on these sums (`family_rate_spike`, `new_denial_family`) and report only what the
reasons do not already: a family signal is dropped when a reason of that family fired for the
payer in the same run, so one change is one episode. Reasons that name no CARC (free text, a
payer's own codes) belong to no family.
"""

from __future__ import annotations

from collections import defaultdict

from common.domain.signal_model import Signal
from common.domain.x12.carc import family_of
from common.services.signals.denial_data import Counts

FAMILY_SPIKE, NEW_FAMILY = "family_rate_spike", "new_denial_family"


def by_family(reasons: list[Counts]) -> list[Counts]:
    """Each payer's reason counts summed per CARC family (key: the family name)."""
    sums: dict[tuple[str, str], list] = {}
    for r in reasons:
        family = family_of(r.reason or "")
        if family is None:
            continue
        total = sums.setdefault((r.payer, family), [0, 0, 0, 0, 0.0, 0.0])
        parts = (r.n_baseline, r.n_current, r.denied_baseline, r.denied_current,
                 r.dollars_baseline, r.dollars_current)  # fmt: skip
        for i, value in enumerate(parts):
            total[i] = max(total[i], value) if i < 2 else total[i] + value
    return [Counts(payer, family, *values) for (payer, family), values in sorted(sums.items())]


def family_lookback(reason_lookback: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Denials per (payer, family) over the new-reason lookback."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for (payer, reason), n in reason_lookback.items():
        if (family := family_of(reason)) is not None:
            found[(payer, family)] += n
    return dict(found)


def beyond_reasons(reason_signals: list[Signal], family_signals: list[Signal]) -> list[Signal]:
    """The family signals whose payer had no reason signal of that family in this run."""
    covered = {(s.payer, family_of(s.key or "")) for s in reason_signals}
    return [s for s in family_signals if (s.payer, s.key) not in covered]


def label(family: str) -> str:
    """`medical_necessity` → `medical-necessity reasons (CARC family)`, for summaries."""
    return f"{family.replace('_', '-')} reasons (CARC family)"

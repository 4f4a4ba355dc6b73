"""Per-file reading choices (SPEC 2.3): date order and decimal separator, decided per file.

A value never decides for itself: `13/05/2024` is evidence that the whole file is day-first.
The loader decides from the first rows, reads the file, and checks the decision against what
every row showed; a decision the rest of the file contradicts is revised and the file re-read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from common.domain.dates import DAY_FIRST, MONTH_FIRST
from common.domain.money import COMMA, POINT

DATE_ORDERS = (MONTH_FIRST, DAY_FIRST)


@dataclass(frozen=True)
class FileChoices:
    """How this file writes `NN/NN/YYYY` dates and decimal amounts."""

    date_order: str = MONTH_FIRST
    decimal_separator: str = POINT


def decide(
    date_evidence: Mapping[str, Sequence[int]],
    decimal_evidence: Mapping[str, int],
    customer_date_order: str | None = None,
) -> FileChoices:
    """Day-first when some date can only be day-first and none only month-first; month-first
    when every date fits both, unless the customer's setting says DMY. Decimal comma when the
    amounts use it and none uses a decimal point."""
    day_only, month_only = bool(date_evidence[DAY_FIRST]), bool(date_evidence[MONTH_FIRST])
    if day_only and not month_only:
        order = DAY_FIRST
    elif month_only:
        order = MONTH_FIRST
    else:
        order = DAY_FIRST if customer_date_order == DAY_FIRST else MONTH_FIRST
    comma, point = decimal_evidence.get(COMMA, 0), decimal_evidence.get(POINT, 0)
    return FileChoices(order, COMMA if comma and not point else POINT)


def mixed_date_orders(date_evidence: Mapping[str, Sequence[int]]) -> bool:
    """Some dates only fit day-first and others only month-first: no order reads the file."""
    return bool(date_evidence[DAY_FIRST]) and bool(date_evidence[MONTH_FIRST])


def mixed_orders_message(date_evidence: Mapping[str, Sequence[int]]) -> str:
    """Name sample rows of each kind (row numbers only: never the values)."""
    day = ", ".join(map(str, date_evidence[DAY_FIRST][:5]))
    month = ", ".join(map(str, date_evidence[MONTH_FIRST][:5]))
    return (
        f"the file mixes date orders: rows {day} have dates that can only be day-first "
        f"(DD/MM/YYYY) and rows {month} dates that can only be month-first (MM/DD/YYYY); "
        "export every date in one order (YYYY-MM-DD is safest)"
    )

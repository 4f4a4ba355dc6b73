"""Claim-file amounts (SPEC 2.3): currency shapes, negatives, Excel's zero, decimal comma.

Pure and cached per input string, like every value parser; errors carry the rule only.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from common.domain import rules
from common.domain.values import CACHE_SIZE, RowError

# Money: currency sign and spaces removed first; negatives as -x, x-, (x).
_MONEY_POINT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?")
_MONEY_COMMA = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d*)(?:,(\d*))?")
_MONEY_NOISE = str.maketrans("", "", "$ \u00a0\t")
_ACCOUNTING_ZERO = frozenset({"-", "--", "—"})
_CENTS = Decimal("0.01")
_ZERO = Decimal("0.00")
POINT, COMMA = ".", ","


@lru_cache(maxsize=CACHE_SIZE)
def parse_money(
    s: str, limit: Decimal | float | int = 10_000_000, separator: str = POINT
) -> Decimal | None:
    """`1234.56`, `$1,234.56`, `$ (12.00)`, `1234.00-` (negative); `$ -` (Excel's accounting
    zero) → 0.00; empty → None; with `separator=","`, `1.234,56`. Two places in the result."""
    text = s.strip()
    if not text:
        return None
    compact = text.translate(_MONEY_NOISE)
    if compact in _ACCOUNTING_ZERO and "$" in text:
        return _ZERO
    negative = len(compact) > 1 and compact[0] == "(" and compact[-1] == ")"
    if negative:
        compact = compact[1:-1]
    if compact.endswith("-") or compact.startswith("-"):
        negative, compact = True, compact.strip("-") if compact.count("-") == 1 else compact
    match = (_MONEY_COMMA if separator == COMMA else _MONEY_POINT).fullmatch(compact)
    if not match or not (match[1] or match[2]):
        raise RowError(rules.MONEY_INVALID)
    whole, fraction = re.sub(r"[.,]", "", match[1]) or "0", match[2] or ""
    if fraction[2:].strip("0"):
        raise RowError(rules.MONEY_INVALID)  # sub-cent amounts: refuse rather than round silently
    try:
        amount = Decimal(f"{whole}.{fraction[:2] or '0'}").quantize(_CENTS)
    except InvalidOperation:
        raise RowError(rules.MONEY_INVALID) from None
    if negative and amount:
        raise RowError(rules.MONEY_NEGATIVE)
    if amount > Decimal(str(limit)):
        raise RowError(rules.MONEY_INVALID)
    return amount


_COMMA_DECIMAL = re.compile(r"[^.,]*\d,\d{1,2}\)?-?")
_POINT_DECIMAL = re.compile(r"[^.,]*(?:\d{1,3}(?:,\d{3})*)?\.\d{1,2}\)?-?|[^.,]*\d,\d{3}\.?\)?-?")


def decimal_evidence(s: str) -> str | None:
    """COMMA for `12,34` / `1.234,56`, POINT for `12.34` / `1,234.56` / `1,234`, else None."""
    text = s.strip()
    if "," not in text and "." not in text:
        return None
    if _COMMA_DECIMAL.fullmatch(text) or re.fullmatch(r"[^,]*\d\.\d{3},\d{1,2}\)?-?", text):
        return COMMA
    if _POINT_DECIMAL.fullmatch(text):
        return POINT
    return None


# Already canonical ("150.00"): the common case skips Decimal entirely.
_PLAIN_MONEY = re.compile(r"(?:0|[1-9]\d{0,7})\.\d\d")


def money_text(
    s: str, limit: Decimal | float | int = 10_000_000, separator: str = POINT
) -> str | None:
    """`parse_money` as the canonical two-place string (`"1234.56"`), or None when empty."""
    if separator == POINT and _PLAIN_MONEY.fullmatch(s) and float(s) <= limit:
        return s
    amount = parse_money(s, limit, separator)
    return None if amount is None else f"{amount:.2f}"

"""Parsing of single claim-file values (SPEC 2.3): dates, money, outcome, CPT, payer.

Every parser is pure and cached per input string: claim files repeat the same few thousand
values millions of times, so a cache hit is what keeps ingestion above 150k rows/s.
Errors carry a dotted rule name and never the offending value (it could be PHI).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from common.domain import rules

_CACHE = 1 << 16  # bounded: memory must not grow with file size


class RowError(ValueError):
    """A value broke a rule. Carries the rule and column name only, never the value."""

    def __init__(self, rule: str, column: str | None = None) -> None:
        super().__init__(f"{column}: {rule}" if column else rule)
        self.rule = rule
        self.column = column


# (pattern, order of year/month/day groups) — fullmatch on the stripped value.
_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), (0, 1, 2)),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), (2, 0, 1)),
    (re.compile(r"(\d{4})/(\d{2})/(\d{2})"), (0, 1, 2)),
    (re.compile(r"(\d{2})-(\d{2})-(\d{4})"), (2, 0, 1)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (0, 1, 2)),
)


@lru_cache(maxsize=_CACHE)
def parse_date(s: str) -> date:
    """Parse one of the SPEC date formats; two-digit years and impossible dates are invalid."""
    text = s.strip()
    for pattern, (y, m, d) in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            try:
                return date(int(parts[y]), int(parts[m]), int(parts[d]))
            except ValueError:
                break  # 2026-02-30 matches a shape but is no date
    raise RowError(rules.DATE_INVALID)


_MONEY = re.compile(r"(-)?\$?\s*(-)?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?")
_CENTS = Decimal("0.01")


@lru_cache(maxsize=_CACHE)
def parse_money(s: str, limit: Decimal | float | int = 10_000_000) -> Decimal | None:
    """`1234.56`, `$1,234.56`, `(12.00)` (negative); empty → None; result has two places."""
    text = s.strip()
    if not text:
        return None
    negative = text[0] == "(" and text[-1] == ")"
    if negative:
        text = text[1:-1].strip()
    match = _MONEY.fullmatch(text)
    if not match or not (match[3] or match[4]):
        raise RowError(rules.MONEY_INVALID)
    whole, fraction = match[3].replace(",", "") or "0", match[4] or ""
    if fraction[2:].strip("0"):
        raise RowError(rules.MONEY_INVALID)  # sub-cent amounts: refuse rather than round silently
    try:
        amount = Decimal(f"{whole}.{fraction[:2] or '0'}").quantize(_CENTS)
    except InvalidOperation:
        raise RowError(rules.MONEY_INVALID) from None
    if (negative or match[1] or match[2]) and amount:
        raise RowError(rules.MONEY_NEGATIVE)
    if amount > Decimal(str(limit)):
        raise RowError(rules.MONEY_INVALID)
    return amount


# Already canonical ("150.00"): the common case skips Decimal entirely.
_PLAIN_MONEY = re.compile(r"(?:0|[1-9]\d{0,7})\.\d\d")


def money_text(s: str, limit: Decimal | float | int = 10_000_000) -> str | None:
    """`parse_money` as the canonical two-place string (`"1234.56"`), or None when empty."""
    if _PLAIN_MONEY.fullmatch(s) and float(s) <= limit:
        return s
    amount = parse_money(s, limit)
    return None if amount is None else f"{amount:.2f}"


_PAID = frozenset(
    {"paid", "approved", "accepted", "allowed", "processed as primary", "partial paid"}
    | {"partially paid", "partial payment", "paid in full", "partial pay"}
)
_DENIED = frozenset(
    {"denied", "rejected", "declined", "zero pay", "zero paid", "denial", "zero payment"}
)
_SEPARATORS = str.maketrans("_-", "  ")


@lru_cache(maxsize=4096)
def normalise_outcome(s: str) -> tuple[str, bool]:
    """Map a raw status to PAID | DENIED | OTHER; the bool says "unknown, warn about it"."""
    key = " ".join(s.translate(_SEPARATORS).lower().split())
    if key in _PAID:
        return "PAID", False
    if key in _DENIED:
        return "DENIED", False
    return "OTHER", True


_CPT = re.compile(r"(?:\d{4}[0-9FTU]|[A-V]\d{4})")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_MODIFIER_SPLIT = re.compile(r"[-\s,]+")


@lru_cache(maxsize=_CACHE)
def parse_cpt(s: str) -> tuple[str, str | None]:
    """Split `99213-25 59` into the code and comma-joined modifiers (`"25,59"`), or None."""
    text = s.strip().upper()
    code, rest = text[:5], text[5:]
    if not _CPT.fullmatch(code) or (rest and rest[0] not in "- "):
        raise RowError(rules.CPT_INVALID)
    modifiers = [m for m in _MODIFIER_SPLIT.split(rest) if m]
    if not all(_MODIFIER.fullmatch(m) for m in modifiers):
        raise RowError(rules.CPT_INVALID)
    return code, ",".join(modifiers) or None


# Numeric ranges in precedence order: 99100–99140 is anesthesia inside the medicine range.
_NUMERIC_GROUPS = (
    (99100, 99140, "ANESTHESIA"),
    (99201, 99499, "E&M"),
    (100, 1999, "ANESTHESIA"),
    (10004, 69990, "SURGERY"),
    (70010, 79999, "RADIOLOGY"),
    (80047, 89398, "PATH_LAB"),
    (90281, 99199, "MEDICINE"),
    (99500, 99607, "MEDICINE"),
)
_SUFFIX_GROUPS = {"F": "CATEGORY_II", "T": "CATEGORY_III", "U": "PATH_LAB"}


def cpt_group(code: str, overrides: Mapping[str, str] | None = None) -> str:
    """The SPEC 2.3 group of a valid 5-character code; a customer override by exact code wins."""
    if overrides and code in overrides:
        return overrides[code]
    return _builtin_group(code)


@lru_cache(maxsize=_CACHE)
def _builtin_group(code: str) -> str:
    if code[-1] in _SUFFIX_GROUPS:
        return _SUFFIX_GROUPS[code[-1]]
    if code[0].isalpha():
        return f"HCPCS_{code[0]}"
    number = int(code)
    for low, high, group in _NUMERIC_GROUPS:
        if low <= number <= high:
            return group
    return "OTHER"


def normalise_payer(s: str) -> str:
    """Trim and collapse inner whitespace: `"  Blue   Cross "` → `"Blue Cross"`."""
    return " ".join(s.split())


def payer_key(s: str) -> str:
    """The case-insensitive key a customer's payer-alias table is looked up by."""
    return normalise_payer(s).lower()

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


# An optional time part after a date: used only to find the date, never shifted by time zone.
_TIME = (
    r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
# (pattern, order of year/first/second groups, whether the order of the first two is the file's
# date order) — fullmatch on the stripped value. Month-first (US) unless the file is day-first.
_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME), (0, 1, 2), False),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME), (2, 0, 1), True),
    (re.compile(r"(\d{4})/(\d{2})/(\d{2})" + _TIME), (0, 1, 2), False),
    (re.compile(r"(\d{2})-(\d{2})-(\d{4})" + _TIME), (2, 0, 1), True),
    (re.compile(r"(\d{4})(\d{2})(\d{2})" + _TIME), (0, 1, 2), False),
)
MONTH_FIRST, DAY_FIRST = "MDY", "DMY"


@lru_cache(maxsize=_CACHE)
def parse_date(s: str, order: str = MONTH_FIRST) -> date:
    """Parse one of the SPEC date formats (with or without a time part); `order` says how the
    file writes `NN/NN/YYYY`. Two-digit years and impossible dates are invalid."""
    text = s.strip()
    for pattern, (y, a, b), ordered in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            month, day = (
                (parts[b], parts[a]) if ordered and order == DAY_FIRST else (parts[a], parts[b])
            )
            try:
                return date(int(parts[y]), int(month), int(day))
            except ValueError:
                break  # 2026-02-30 matches a shape but is no date
    raise RowError(rules.DATE_INVALID)


@lru_cache(maxsize=_CACHE)
def date_order_evidence(s: str) -> str | None:
    """DAY_FIRST when `NN/NN/YYYY` can only be day-first (13/05/2024), MONTH_FIRST when it can
    only be month-first (05/13/2024), None when it fits both or is no such date."""
    text = s.strip()
    for pattern, _, ordered in _DATE_FORMATS:
        match = pattern.fullmatch(text) if ordered else None
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                return DAY_FIRST
            if second > 12 >= first:
                return MONTH_FIRST
    return None


# Money: currency sign and spaces removed first; negatives as -x, x-, (x).
_MONEY_POINT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?")
_MONEY_COMMA = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d*)(?:,(\d*))?")
_MONEY_NOISE = str.maketrans("", "", "$ \u00a0\t")
_ACCOUNTING_ZERO = frozenset({"-", "--", "—"})
_CENTS = Decimal("0.01")
_ZERO = Decimal("0.00")
POINT, COMMA = ".", ","


@lru_cache(maxsize=_CACHE)
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


# Cells that mean "nothing here" in whatever a practice system or Excel wrote (SPEC 2.3).
PLACEHOLDERS = frozenset(
    {"n/a", "na", "#n/a", "-", "--", "null", "none", "(blank)", "(null)", "#null!", "nil"}
)


def is_placeholder(s: str) -> bool:
    """True for `N/A`, `#N/A`, `-`, `null`, `(blank)` …: an empty optional cell."""
    return len(s) <= 8 and s.strip().lower() in PLACEHOLDERS


_PAID = frozenset(
    {"paid", "approved", "accepted", "allowed", "processed as primary", "partial paid"}
    | {"partially paid", "partial payment", "paid in full", "partial pay", "paid partial"}
    | {"processed as secondary", "processed as tertiary", "remitted", "partially remitted"}
    | {"partially denied", "partial denial", "paid partially"}
    | {"1", "2", "3", "19", "20", "21"}  # X12 CLP02 claim status codes
)
_DENIED = frozenset(
    {"denied", "rejected", "declined", "zero pay", "zero paid", "denial", "zero payment"}
    | {"$0 paid", "0 paid", "paid zero", "paid $0", "paid 0", "$0.00 paid", "4"}
)
_REVERSAL = frozenset({"22", "reversal", "reversed", "void", "voided", "reversal of payment"})
_PAID_PREFIXES = ("processed as primary", "processed as secondary", "processed as tertiary")
_SEPARATORS = str.maketrans("_-", "  ")


@lru_cache(maxsize=4096)
def normalise_outcome(s: str) -> tuple[str, str | None]:
    """Map a raw status to PAID | DENIED | OTHER and the warning rule it earns, if any."""
    key = " ".join(s.translate(_SEPARATORS).lower().replace(",", " ").split())
    if key.isdigit():
        key = key.lstrip("0") or "0"
    if key in _PAID or key.startswith(_PAID_PREFIXES):
        return "PAID", None
    if key in _DENIED or key.startswith("denied "):
        return "DENIED", None
    if key in _REVERSAL:
        return "OTHER", rules.OUTCOME_REVERSAL
    return "OTHER", rules.OUTCOME_UNKNOWN


_CPT = re.compile(r"(?:\d{4}[0-9FTU]|[A-V]\d{4})")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_MODIFIER_SPLIT = re.compile(r"[-\s,]+")


_EXCEL_FLOAT = re.compile(r"(\d+)\.0*")


@lru_cache(maxsize=_CACHE)
def parse_cpt(s: str) -> tuple[str, str | None]:
    """Split `99213-25 59` into the code and comma-joined modifiers (`"25,59"`), or None.
    Excel's float (`99213.0`) is the integer code."""
    text = s.strip().upper()
    if float_code := _EXCEL_FLOAT.fullmatch(text):
        text = float_code[1]
    code, rest = text[:5], text[5:]
    if not _CPT.fullmatch(code) or (rest and rest[0] not in "- "):
        raise RowError(rules.CPT_INVALID)
    modifiers = [m for m in _MODIFIER_SPLIT.split(rest) if m]
    if not all(_MODIFIER.fullmatch(m) for m in modifiers):
        raise RowError(rules.CPT_INVALID)
    return code, ",".join(modifiers) or None


def lost_leading_zeros(s: str) -> bool:
    """A numeric code shorter than five digits: most likely a spreadsheet dropped its zeros."""
    text = s.strip()
    if float_code := _EXCEL_FLOAT.fullmatch(text):
        text = float_code[1]
    return text.isdigit() and len(text) < 5


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


# Payer cells that say no payer decided the line (SPEC 2.3): skipped, not rejected.
_SELF_PAY = frozenset(
    {"self pay", "selfpay", "self", "patient", "patient pay", "no insurance", "uninsured"}
    | {"private pay", "cash", "cash pay", "self pay patient"}
)


def is_self_pay(s: str) -> bool:
    """`Self-Pay`, `patient`, `NO_INSURANCE` …: not a payer."""
    return " ".join(s.translate(_SEPARATORS).lower().split()) in _SELF_PAY

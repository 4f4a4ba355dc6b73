"""Parsing of single claim-file values (SPEC 2.3): placeholders, outcome, CPT, payer.

Dates are in `dates`, amounts in `money`.

Every parser is pure and cached per input string: claim files repeat the same few thousand
values millions of times, so a cache hit is what keeps ingestion above 150k rows/s.
Errors carry a dotted rule name and never the offending value (it could be PHI).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from common.domain import rules

CACHE_SIZE = 1 << 16  # bounded: memory must not grow with file size


class RowError(ValueError):
    """A value broke a rule. Carries the rule and column name only, never the value."""

    def __init__(self, rule: str, column: str | None = None) -> None:
        super().__init__(f"{column}: {rule}" if column else rule)
        self.rule = rule
        self.column = column


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


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
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

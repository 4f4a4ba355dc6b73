"""Claim-file dates (SPEC 2.3): the formats, a time part ignored, the file's day/month order.

Pure and cached per input string, like every value parser; errors carry the rule only.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from common.domain import rules
from common.domain.values import CACHE_SIZE, RowError

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


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
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

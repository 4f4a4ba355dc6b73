"""Which weeks a trend chart plots, and how its value axis is scaled: the rules in one place.

The weekly report uses them now; the dashboard and the portal are meant to call the same
functions so that every chart of a weekly trend shows the same points.

A week runs Monday to Sunday and is named by its Monday ("week of 2026-11-23"). A week is
plotted only when

- the data covers all seven of its days: it starts on or after the first decided date (and
  after the run-in below) and its Sunday is no later than the newest decided date — a week cut
  by either end of the data is judged on part of its days;
- it has ended before `as_of` (the report's days are half-open, `as_of` itself is excluded);
- it holds at least `min_lines` lines (20): three claims make a 0 % or a 100 % week.

The run-in: a week of a cohort (lines by decided date, or by payment date) is whole only when
every line that belongs to it can be in the data. An export cut on submission date holds, in
its first weeks, only the lines decided (or paid) quickly — the others were submitted before
it starts — so the denial rate is judged on the fast decisions and the days to payment ramp up
for as long as a payment takes. Such weeks start `lead_days` = `cohort_lead_days(mean, sd)`
(the cohort's usual lag, mean + 2 sd) after `lag_start`, the first day a line's lag starts
(submission, else service date). An export cut on decided date has lag starts reaching back
before its first decision by about as long, so the run-in ends before the data starts and
costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

MIN_LINES = 20  # lines a week needs to be plotted
LEAD_SPREAD = 2.0  # run-in = mean + 2 standard deviations of the cohort's lag


class WeekPoint(NamedTuple):
    """One week of a trend: its Monday, the value, and the lines behind it."""

    week_start: date
    value: float
    lines: int


def week_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def trend_start(as_of: date, weeks: int) -> date:
    """The Monday `weeks` whole weeks before the week holding `as_of` (the trend's first day)."""
    return week_of(as_of) - timedelta(weeks=weeks)


def cohort_lead_days(mean: float | None, sd: float | None, spread: float = LEAD_SPREAD) -> int:
    """Days of run-in for a cohort whose lines reach back `mean` ± `sd` days before the cohort
    date: ceil(mean + spread·sd), 0 without a lag."""
    if mean is None or mean <= 0:
        return 0
    return math.ceil(mean + spread * (sd or 0.0))


def trim_weeks(
    rows: Iterable[tuple[date, float, int]],
    *,
    first_day: date | None,
    last_day: date | None,
    as_of: date,
    min_lines: int = MIN_LINES,
    lead_days: int = 0,
    lag_start: date | None = None,
) -> list[WeekPoint]:
    """The weeks of `rows` (week start, value, lines) that may be plotted, oldest first.

    `first_day` / `last_day`: the first and newest decided date the data holds (inclusive);
    without them nothing is inside the data. `lead_days` after `lag_start` (else after
    `first_day`): the cohort's run-in.
    """
    if first_day is None or last_day is None:
        return []
    earliest = max(first_day, (lag_start or first_day) + timedelta(days=lead_days))
    kept = [
        WeekPoint(*row)
        for row in rows
        if row[0] >= earliest
        and row[0] + timedelta(days=6) <= last_day
        and row[0] + timedelta(days=7) <= as_of
        and row[2] >= min_lines
    ]
    return sorted(kept)


def y_limits(
    values: Iterable[float],
    *,
    floor: float | None = 0.0,
    ceiling: float | None = None,
    min_span: float = 1.0,
    pad: float = 0.15,
) -> tuple[float, float] | None:
    """A value axis fitted to the data: the range of `values`, widened to at least `min_span`,
    padded by `pad` of it on each side, kept within [floor, ceiling]. None without values."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return None
    lo, hi = min(values), max(values)
    if hi - lo < min_span:
        middle = (lo + hi) / 2
        lo, hi = middle - min_span / 2, middle + min_span / 2
    margin = (hi - lo) * pad
    lo, hi = lo - margin, hi + margin
    if floor is not None and lo < floor:
        lo = floor
    if ceiling is not None and hi > ceiling:
        hi = ceiling
    return lo, hi

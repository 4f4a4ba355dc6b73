"""Statistics the signal products apply to SQL aggregates (pure; no database, no I/O).

Every test here works from counts, means and histograms, never from raw claim rows, so the
database does the heavy lifting and Python only thresholds small result sets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from scipy.special import pdtrc, stdtr  # scipy.stats would add ~1.4 s to every cold start

Histogram = Mapping[int | float, int]


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def poisson_at_least_p(count: int, expected: float) -> float:
    """P(X ≥ count) for X ~ Poisson(expected): how surprising `count` events are."""
    if count <= 0:
        return 1.0
    return float(pdtrc(count - 1, max(expected, 1e-9)))


def sum_exceeds_p(total: float, days: int, daily_sum: float, daily_sq: float, history: int):
    """One-sided p that a `days`-day sum as high as `total` comes from the same daily
    distribution as `history` days with these sums of values and squares (days without data
    count as zero): the sum is compared with days·mean under days·variance (normal)."""
    if history < 2:
        return 1.0
    mean = daily_sum / history
    variance = max((daily_sq - history * mean * mean) / (history - 1), 0.0)
    excess = total - days * mean
    if variance == 0:
        return 0.0 if excess > 0 else 1.0
    return normal_sf(excess / math.sqrt(days * variance))


def fisher_exact_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided Fisher exact p for x1/n1 vs x2/n2 (tables no likelier than the observed one).

    The same rule and relative tolerance as `scipy.stats.fisher_exact`.
    """
    total, hits = n1 + n2, x1 + x2

    def log_pmf(k: int) -> float:
        return _log_choose(n1, k) + _log_choose(n2, hits - k) - _log_choose(total, hits)

    observed = log_pmf(x1) + math.log1p(1e-7)
    p = sum(
        math.exp(lp)
        for k in range(max(0, hits - n2), min(hits, n1) + 1)
        if (lp := log_pmf(k)) <= observed
    )
    return min(1.0, p)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p of the pooled two-proportion z-test (x1/n1 vs x2/n2); 1.0 when undefined."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x2 / n2 - x1 / n1) / se
    return min(1.0, 2 * normal_sf(abs(z)))


def proportion_test_p(x1: int, n1: int, x2: int, n2: int, min_expected: float = 5.0) -> float:
    """Two-sided p comparing x1/n1 with x2/n2: the two-proportion z-test where its normal
    approximation holds (every expected cell count ≥ `min_expected`), else Fisher's exact test.

    At n = 30 and an 8 % denial rate the expected denials are ~2: there the z-test's tail is
    far too thin and would report p ≈ 1e-6 for what is a 1-in-1,000 event.
    """
    if n1 <= 0 or n2 <= 0:
        return 1.0
    total, hits = n1 + n2, x1 + x2
    expected = min(n1, n2) * min(hits, total - hits) / total
    if expected >= min_expected:
        return two_proportion_p(x1, n1, x2, n2)
    return fisher_exact_p(x1, n1, x2, n2)


def welch_p(mean1: float, var1: float, n1: int, mean2: float, var2: float, n2: int) -> float:
    """Two-sided p of Welch's t-test from per-group mean, sample variance and size."""
    if n1 < 2 or n2 < 2:
        return 1.0
    a, b = (var1 or 0.0) / n1, (var2 or 0.0) / n2
    if a + b == 0:
        return 1.0 if mean1 == mean2 else 0.0
    t = (mean2 - mean1) / math.sqrt(a + b)
    dof = (a + b) ** 2 / ((a * a / (n1 - 1) if a else 0.0) + (b * b / (n2 - 1) if b else 0.0))
    return min(1.0, 2 * float(stdtr(dof, -abs(t))))


def mann_whitney_p(first: Histogram, second: Histogram) -> float:
    """Two-sided Mann–Whitney U p-value from two value→count histograms.

    Normal approximation with tie correction and continuity correction — the same numbers
    `scipy.stats.mannwhitneyu(..., method="asymptotic")` gives on the expanded samples.
    """
    n1, n2 = sum(first.values()), sum(second.values())
    if n1 == 0 or n2 == 0:
        return 1.0
    n = n1 + n2
    rank_sum_1 = 0.0
    tie_term = 0.0
    below = 0
    for value in sorted(set(first) | set(second)):
        c1, c2 = first.get(value, 0), second.get(value, 0)
        tied = c1 + c2
        midrank = below + (tied + 1) / 2
        rank_sum_1 += c1 * midrank
        tie_term += tied**3 - tied
        below += tied
    u1 = rank_sum_1 - n1 * (n1 + 1) / 2
    mu = n1 * n2 / 2
    variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    u = max(u1, n1 * n2 - u1)
    z = (u - mu - 0.5) / math.sqrt(variance)
    return min(1.0, 2 * normal_sf(z))


def histogram_quantile(hist: Histogram, q: float):
    """The smallest value with at least share `q` of the histogram's count at or below it."""
    total = sum(hist.values())
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= q * total:
            return value
    raise ValueError("empty histogram")


def histogram_median(hist: Histogram) -> float | None:
    """Median of a value→count histogram (mean of the two middle values when even)."""
    total = sum(hist.values())
    if total == 0:
        return None
    lower_pos, upper_pos = (total + 1) // 2, total // 2 + 1
    lower = upper = None
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if lower is None and seen >= lower_pos:
            lower = value
        if seen >= upper_pos:
            upper = value
            break
    return (lower + upper) / 2


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (q-values), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


def label_for(value: float, cutoffs: Sequence[tuple[float, str]], default: str = "low") -> str:
    """The first label whose cut-off `value` reaches; cut-offs are ordered high to low.

    The value is rounded to two decimals first, as it is shown: 0.49999… is 0.5, medium.
    """
    value = round(value, 2)
    for cutoff, label in cutoffs:
        if value >= cutoff:
            return label
    return default


def volume_confidence(n_baseline: int, n_current: int, full_at: int, p_value: float) -> float:
    """min((n_b + n_c) / full_at, 1) scaled by (1 − p): more data and a clearer test → surer."""
    return min((n_baseline + n_current) / full_at, 1.0) * (1.0 - p_value)


def delay_confidence(
    n_baseline: int,
    n_current: int,
    completeness: float,
    *,
    full_at: int,
    volume_weight: float,
    completeness_full: float,
) -> float:
    """DelayGuard: w·min(1, n/full_at) + (1−w)·min(1, completeness/completeness_full)."""
    volume = min(1.0, (n_baseline + n_current) / full_at)
    dates = min(1.0, completeness / completeness_full) if completeness_full > 0 else 1.0
    return volume_weight * volume + (1 - volume_weight) * dates

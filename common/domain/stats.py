"""Statistics the signal products apply to SQL aggregates (pure; no database, no I/O).

Every test here works from counts, means and histograms, never from raw claim rows, so the
database does the heavy lifting and Python only thresholds small result sets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from scipy.special import bdtrc, pdtrc, stdtr  # scipy.stats: ~1.4 s more per cold start

Histogram = Mapping[int | float, int]


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def poisson_at_least_p(count: int, expected: float, design_effect: float = 1.0) -> float:
    """P(X ≥ count) for X ~ Poisson(expected): how surprising `count` events are. With a
    design effect d > 1 (events counted per line but clustered in claims) both are divided
    by d: 5 denied lines of one claim are nearer one event than five (never a smaller p than
    the count as it is)."""
    if design_effect > 1:
        effective = poisson_at_least_p(round(count / design_effect), expected / design_effect)
        return max(poisson_at_least_p(count, expected), effective)
    if count <= 0:
        return 1.0
    return float(pdtrc(count - 1, max(expected, 1e-9)))


def binomial_rise_p(
    x_base: int, n_base: int, x_cur: int, n_cur: int, design_effect: float = 1.0
) -> float:
    """One-sided exact p that events ran at a higher rate in the current window than in the
    baseline, per unit of exposure (x events over n claims in each window).

    The conditional test for two Poisson counts: given x_base + x_cur events, the current
    window's count is Binomial(total, n_cur / (n_base + n_cur)) when the rate is unchanged.
    Exact, so its tail is right at the few-denials counts where the z-test's is far too thin.
    With a design effect d > 1 the event counts are the effective ones, x/d (rounded; never a
    smaller p than the counts as they are).
    """
    if design_effect > 1:
        effective = (round(x_base / design_effect), n_base, round(x_cur / design_effect), n_cur)
        return max(binomial_rise_p(x_base, n_base, x_cur, n_cur), binomial_rise_p(*effective))
    total = x_base + x_cur
    if x_cur <= 0 or n_base <= 0 or n_cur <= 0:
        return 1.0
    return float(bdtrc(x_cur - 1, total, n_cur / (n_base + n_cur)))


def log_prediction_p(value: float, history: Sequence[float]) -> float:
    """One-sided p that `value` is higher than the periods of `history` predict, on log(1 + x).

    A prediction interval: the new log value against the history's mean, with the spread
    estimated from the history itself — Student t with k − 1 degrees of freedom and
    sd·√(1 + 1/k), so 13 weekly sums cannot claim more certainty than 13 weeks hold. Dollars
    are skewed (a few surgery lines dominate a week), so the comparison is multiplicative.
    """
    k = len(history)
    if k < 3:
        return 1.0
    logs = [math.log1p(max(h, 0.0)) for h in history]
    mean = sum(logs) / k
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (k - 1))
    excess = math.log1p(max(value, 0.0)) - mean
    if sd == 0:
        return 0.0 if excess > 0 else 1.0
    return float(stdtr(k - 1, -excess / (sd * math.sqrt(1 + 1 / k))))


def linear_trend(values: Sequence[float]) -> tuple[float, float]:
    """(slope per period, one-sided p that the slope is > 0) of least squares on 0, 1, …, k − 1.

    The slope's t-test with k − 2 degrees of freedom, its error from the scatter of the values
    around the line — so the noise of the periods' means is measured, not assumed, and picking
    the lowest and highest weeks out of a noisy series does not count as a trend.
    """
    k = len(values)
    if k < 3:
        return 0.0, 1.0
    x_mean, y_mean = (k - 1) / 2, sum(values) / k
    sxx = sum((x - x_mean) ** 2 for x in range(k))
    slope = sum((x - x_mean) * (y - y_mean) for x, y in enumerate(values)) / sxx
    residual = sum((y - y_mean - slope * (x - x_mean)) ** 2 for x, y in enumerate(values))
    if residual <= 0:
        return slope, 0.0 if slope > 0 else 1.0
    t = slope / math.sqrt(residual / (k - 2) / sxx)
    return slope, float(stdtr(k - 2, -t))


def rate_design_effect(
    claims: float, lines: float, lines_sq: float, hits: float, hits_sq: float, hits_lines: float
) -> float:
    """The design effect of a rate over lines when lines come in claims: the cluster-robust
    (ratio-estimator) variance of p = Σd/Σm over the binomial one, k claims of m lines with d
    hits each. 1 when hits are independent of the claim (Σ(d − pm)² ≈ Σm·p(1 − p)), Σm²/Σm
    when a claim's lines are all hit or none (a payer denying whole claims). Never below 1."""
    if claims < 2 or lines <= 0:
        return 1.0
    p = hits / lines
    if p <= 0 or p >= 1:
        return 1.0
    spread = hits_sq - 2 * p * hits_lines + p * p * lines_sq  # Σ (d − p·m)²
    ratio = claims / (claims - 1) * spread / (lines * p * (1 - p))
    return max(ratio, 1.0)


def design_effect(lines: float, lines_sq: float) -> float:
    """Σm² / Σm over claims of m lines: how much a line-level variance understates the truth
    when every line of a claim shares one value (a claim is decided and paid on one day).
    1.0 when every claim is one line."""
    return max(lines_sq / lines, 1.0) if lines > 0 else 1.0


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


def proportion_test_p(
    x1: int, n1: int, x2: int, n2: int, min_expected: float = 5.0, design_effect: float = 1.0
) -> float:
    """Two-sided p comparing x1/n1 with x2/n2: the two-proportion z-test where its normal
    approximation holds (every expected cell count ≥ `min_expected`), else Fisher's exact test.

    At n = 30 and an 8 % denial rate the expected denials are ~2: there the z-test's tail is
    far too thin and would report p ≈ 1e-6 for what is a 1-in-1,000 event. With a design
    effect d > 1 (hits clustered in claims, `rate_design_effect`) the counts are the effective
    ones, x/d of n/d (rounded for Fisher; never a smaller p than the counts as they are).
    """
    plain = _proportion_p(x1, n1, x2, n2, min_expected)
    if design_effect <= 1:
        return plain
    effective = [v / design_effect for v in (x1, n1, x2, n2)]
    return max(plain, _proportion_p(*effective, min_expected))


def _proportion_p(x1: float, n1: float, x2: float, n2: float, min_expected: float) -> float:
    if n1 <= 0 or n2 <= 0:
        return 1.0
    total, hits = n1 + n2, x1 + x2
    expected = min(n1, n2) * min(hits, total - hits) / total
    if expected >= min_expected:
        return two_proportion_p(x1, n1, x2, n2)
    x1, n1, x2, n2 = (round(v) for v in (x1, n1, x2, n2))
    if n1 <= 0 or n2 <= 0:
        return 1.0
    return fisher_exact_p(x1, n1, x2, n2)


def welch_p(
    mean1: float, var1: float, n1: int, mean2: float, var2: float, n2: int, design_effect=1.0
) -> float:
    """Two-sided p of Welch's t-test from per-group mean, sample variance and size; with
    `design_effect` d > 1 both means' variances are multiplied by d (values shared within
    clusters, see `design_effect`)."""
    if n1 < 2 or n2 < 2:
        return 1.0
    d = max(design_effect, 1.0)
    a, b = d * (var1 or 0.0) / n1, d * (var2 or 0.0) / n2
    if a + b == 0:
        return 1.0 if mean1 == mean2 else 0.0
    t = (mean2 - mean1) / math.sqrt(a + b)
    dof = (a + b) ** 2 / ((a * a / (n1 - 1) if a else 0.0) + (b * b / (n2 - 1) if b else 0.0))
    return min(1.0, 2 * float(stdtr(dof, -abs(t))))


def mann_whitney_p(first: Histogram, second: Histogram, design_effect: float = 1.0) -> float:
    """Two-sided Mann–Whitney U p-value from two value→count histograms.

    Normal approximation with tie correction and continuity correction — the same numbers
    `scipy.stats.mannwhitneyu(..., method="asymptotic")` gives on the expanded samples. With
    `design_effect` d > 1 (values shared within clusters, see `design_effect`) the variance
    of U is multiplied by d: counting a 3-line claim as 3 independent lines overstates z.
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
    variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))) * max(design_effect, 1.0)
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

"""The tests issue 11's tuning added (stats.py): exact rise of a rate, log prediction interval,
linear trend, design effect — against scipy and against their null distributions."""

import math
import random

import pytest
from scipy import stats as sp

from common.domain import stats


def test_binomial_rise_is_the_exact_conditional_test():
    # 37 of 1,621 claims before, 23 of 381 now: given 60 denials, the current window's share
    # of the claims is 381 / 2,002; P(X ≥ 23) under Binomial(60, that share).
    expected = sp.binom.sf(22, 60, 381 / 2002)
    assert stats.binomial_rise_p(37, 1621, 23, 381) == pytest.approx(expected, rel=1e-9)
    # The z-test's thin tail said 1.1e-4 for this (two-sided); the exact one-sided p is 3.5×.
    assert (
        stats.binomial_rise_p(37, 1621, 23, 381) > 3 * stats.two_proportion_p(37, 1621, 23, 381) / 2
    )
    assert stats.binomial_rise_p(10, 100, 0, 100) == 1.0  # nothing now: no rise
    assert stats.binomial_rise_p(0, 100, 5, 0) == 1.0  # no exposure


def test_binomial_rise_is_calibrated_under_no_change():
    rng = random.Random(11)
    p_values = []
    for _ in range(3000):
        base = sum(rng.random() < 0.02 for _ in range(400))
        cur = sum(rng.random() < 0.02 for _ in range(100))
        p_values.append(stats.binomial_rise_p(base, 400, cur, 100))
    # Discrete, so conservative: P(p ≤ α) ≤ α (with sampling slack).
    for alpha in (0.01, 0.05, 0.2):
        assert sum(p <= alpha for p in p_values) / len(p_values) <= alpha * 1.3


def test_log_prediction_matches_a_t_prediction_interval():
    history = [8000.0, 12000.0, 9500.0, 15000.0, 7000.0, 11000.0, 10000.0, 9000.0]
    logs = [math.log1p(h) for h in history]
    mean, sd, k = sum(logs) / 8, float(sp.tstd(logs)), 8
    t = (math.log1p(30000.0) - mean) / (sd * math.sqrt(1 + 1 / k))
    assert stats.log_prediction_p(30000.0, history) == pytest.approx(sp.t.sf(t, k - 1))
    # A week at the history's typical level is not surprising; a tripled one is.
    assert stats.log_prediction_p(10000.0, history) > 0.3
    assert stats.log_prediction_p(30000.0, history) < 0.01
    assert stats.log_prediction_p(1.0, [0.0, 0.0]) == 1.0  # too little history to judge
    assert stats.log_prediction_p(5.0, [3.0, 3.0, 3.0]) == 0.0  # no spread, above it
    assert stats.log_prediction_p(3.0, [3.0, 3.0, 3.0]) == 1.0


def test_log_prediction_is_calibrated_on_skewed_dollars():
    # Weekly denied dollars: a Poisson number of denials of lognormal amounts (a few big ones).
    rng = random.Random(4)

    def week():
        n = sum(rng.random() < 0.3 for _ in range(60))
        return sum(rng.lognormvariate(5, 1.2) for _ in range(n))

    trials = 2000
    hits = sum(
        stats.log_prediction_p(week(), [week() for _ in range(13)]) < 0.01 for _ in range(trials)
    )
    assert hits / trials < 0.02  # the normal test on 91 such days (7-day sums) fires ~4 %


def test_linear_trend_matches_scipy_linregress():
    values = [20.1, 21.3, 20.8, 22.9, 23.5, 24.2]
    fit = sp.linregress(range(6), values)
    slope, p = stats.linear_trend(values)
    assert slope == pytest.approx(fit.slope)
    assert p == pytest.approx(fit.pvalue / 2)  # one-sided: rising
    assert stats.linear_trend(values[::-1])[1] == pytest.approx(1 - fit.pvalue / 2)
    assert stats.linear_trend([1.0, 2.0]) == (0.0, 1.0)
    assert stats.linear_trend([1.0, 2.0, 3.0]) == (1.0, 0.0)  # exactly on a rising line


def test_linear_trend_is_calibrated_on_flat_noise():
    rng = random.Random(8)
    trials = 4000
    hits = sum(
        stats.linear_trend([rng.gauss(20, 1) for _ in range(6)])[1] < 0.01 for _ in range(trials)
    )
    assert hits / trials < 0.015


def test_design_effect_and_the_clustered_mann_whitney():
    # Claims of 1, 1, 2 and 3 lines: Σm = 7, Σm² = 15.
    assert stats.design_effect(7, 15) == pytest.approx(15 / 7)
    assert stats.design_effect(10, 10) == 1.0 and stats.design_effect(0, 0) == 1.0
    first = {10: 40, 12: 60, 14: 30}
    second = {12: 10, 14: 20, 16: 15}
    plain = stats.mann_whitney_p(first, second)
    z = sp.norm.isf(plain / 2)  # the variance × 2 divides z by √2
    assert stats.mann_whitney_p(first, second, 2.0) == pytest.approx(
        2 * sp.norm.sf(z / math.sqrt(2)), rel=1e-6
    )
    assert stats.mann_whitney_p(first, second, 1.0) == plain
    assert stats.mann_whitney_p(first, second, 0.5) == plain  # never below 1


def test_clustered_mann_whitney_is_calibrated_when_lines_share_a_claim():
    # Claims of 1–3 lines that share their decision days: counted as lines, the plain test
    # fires far more often than α; with the design effect it is near α.
    rng = random.Random(2)

    def sample(claims):
        hist, lines, squares = {}, 0, 0
        for _ in range(claims):
            m = rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0]
            days = round(rng.gammavariate(4, 4))
            hist[days] = hist.get(days, 0) + m
            lines, squares = lines + m, squares + m * m
        return hist, lines, squares

    trials, plain, clustered = 1500, 0, 0
    for _ in range(trials):
        (a, la, sa), (b, lb, sb) = sample(300), sample(60)
        effect = stats.design_effect(la + lb, sa + sb)
        plain += stats.mann_whitney_p(a, b) < 0.01
        clustered += stats.mann_whitney_p(a, b, effect) < 0.01
    assert plain / trials > 0.025
    assert clustered / trials < 0.017


def _claims_rate_effect(rng, claims, whole):
    """Claims of 1–3 lines at a 10 % denial rate: per line, or whole claims denied."""
    k = m_sum = m_sq = d_sum = d_sq = dm = 0
    for _ in range(claims):
        m = rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0]
        per_line = sum(rng.random() < 0.1 for _ in range(m))
        d = (m if rng.random() < 0.1 else 0) if whole else per_line
        k, m_sum, m_sq = k + 1, m_sum + m, m_sq + m * m
        d_sum, d_sq, dm = d_sum + d, d_sq + d * d, dm + d * m
    return stats.rate_design_effect(k, m_sum, m_sq, d_sum, d_sq, dm), m_sq / m_sum


def test_rate_design_effect_sees_whole_claims_denied():
    rng = random.Random(6)
    independent, _ = _claims_rate_effect(rng, 5000, whole=False)
    whole, sizes = _claims_rate_effect(rng, 5000, whole=True)
    assert independent == pytest.approx(1.0, abs=0.1)
    assert whole == pytest.approx(sizes, rel=0.1)  # Σm²/Σm ≈ 1.94
    assert stats.rate_design_effect(1, 3, 9, 3, 9, 9) == 1.0  # one claim: no estimate
    assert stats.rate_design_effect(10, 20, 40, 0, 0, 0) == 1.0  # no denials


def test_clustered_counts_are_effective_counts():
    # Design effect 2: 40 of 400 against 30 of 100 is tested as 20 of 200 against 15 of 50.
    assert stats.proportion_test_p(40, 400, 30, 100, design_effect=2.0) == (
        stats.proportion_test_p(20, 200, 15, 50)
    )
    assert stats.binomial_rise_p(40, 2000, 24, 500, 2.0) == stats.binomial_rise_p(20, 2000, 12, 500)
    assert stats.poisson_at_least_p(10, 2.0, 2.0) == stats.poisson_at_least_p(5, 1.0)
    for p in (stats.proportion_test_p(40, 400, 30, 100), stats.binomial_rise_p(40, 2000, 24, 500)):
        assert p < 0.01  # significant as independent lines …
    assert stats.binomial_rise_p(40, 2000, 24, 500, 2.0) > 0.01  # … not as 2-line claims


def test_clustered_proportion_test_is_calibrated_when_claims_are_denied_whole():
    rng = random.Random(9)

    def window(claims):
        x = n = 0
        for _ in range(claims):
            m = rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0]
            x, n = x + (m if rng.random() < 0.1 else 0), n + m
        return x, n

    trials, plain, clustered = 2000, 0, 0
    for _ in range(trials):
        (x1, n1), (x2, n2) = window(600), window(120)
        plain += stats.proportion_test_p(x1, n1, x2, n2) < 0.01
        clustered += stats.proportion_test_p(x1, n1, x2, n2, design_effect=1.94) < 0.01
    assert plain / trials > 0.03
    assert clustered / trials < 0.017


def test_a_design_effect_never_strengthens_the_evidence():
    # Effective counts are rounded for the exact tests: rounding must not turn a design
    # effect of 1.05 into a smaller p than the counts as they are.
    rng = random.Random(12)
    for _ in range(2000):
        n1, n2 = rng.randint(30, 2000), rng.randint(30, 400)
        x1, x2 = rng.randint(0, n1 // 5), rng.randint(0, n2 // 3)
        d = rng.uniform(1.0, 1.3)
        assert stats.proportion_test_p(x1, n1, x2, n2, design_effect=d) >= (
            stats.proportion_test_p(x1, n1, x2, n2)
        )
        assert stats.binomial_rise_p(x1, n1, x2, n2, d) >= stats.binomial_rise_p(x1, n1, x2, n2)
        assert stats.poisson_at_least_p(x2, x1 / 10, d) >= stats.poisson_at_least_p(x2, x1 / 10)

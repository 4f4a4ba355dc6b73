"""Statistics against scipy on the same data; severity, confidence and threshold overrides."""

import random

import pytest
from scipy import stats as sp

from common.domain import signal_model, stats
from common.domain.signal_model import Signal
from common.domain.thresholds import DEFAULT_THRESHOLDS, thresholds_for


def expand(hist: dict) -> list:
    return [v for v, n in hist.items() for _ in range(n)]


def test_two_proportion_z_matches_chi_square_without_correction():
    # A pooled two-proportion z-test is the 2×2 chi-square test: z² = χ².
    rng = random.Random(3)
    for _ in range(200):
        n1, n2 = rng.randint(30, 3000), rng.randint(30, 600)
        x1, x2 = rng.randint(1, n1 - 1), rng.randint(1, n2 - 1)
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        expected = sp.chi2_contingency(table, correction=False)[1]
        assert stats.two_proportion_p(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9)


def test_two_proportion_z_known_value_and_degenerate_cases():
    # 10% of 1000 vs 15% of 1000: z = 3.38, p ≈ 0.00072.
    assert stats.two_proportion_p(100, 1000, 150, 1000) == pytest.approx(0.000722, rel=1e-2)
    assert stats.two_proportion_p(0, 50, 0, 50) == 1.0
    assert stats.two_proportion_p(5, 0, 1, 10) == 1.0


def test_fisher_exact_matches_scipy():
    rng = random.Random(5)
    for _ in range(300):
        n1, n2 = rng.randint(1, 400), rng.randint(1, 60)
        x1, x2 = rng.randint(0, n1), rng.randint(0, n2)
        expected = sp.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])[1]
        assert stats.fisher_exact_p(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9, abs=1e-14)


def test_proportion_test_uses_fisher_when_expected_counts_are_small():
    # 11/270 vs 10/41 at an ~8% base rate: the z-test claims p ≈ 1e-6, Fisher says ≈ 1e-4.
    z = stats.two_proportion_p(11, 270, 10, 41)
    chosen = stats.proportion_test_p(11, 270, 10, 41)
    assert chosen == pytest.approx(sp.fisher_exact([[11, 259], [10, 31]])[1])
    assert chosen > 10 * z
    # Large counts: the z-test.
    assert stats.proportion_test_p(100, 1000, 150, 1000) == stats.two_proportion_p(
        100, 1000, 150, 1000
    )


@pytest.mark.parametrize("seed", range(8))
def test_mann_whitney_from_histograms_matches_scipy(seed):
    rng = random.Random(seed)
    shift = rng.choice([0, 1, 3])
    first = {}
    second = {}
    for _ in range(rng.randint(30, 400)):
        v = max(0, round(rng.gauss(14, 3)))
        first[v] = first.get(v, 0) + 1
    for _ in range(rng.randint(30, 200)):
        v = max(0, round(rng.gauss(14 + shift, 3)))
        second[v] = second.get(v, 0) + 1
    expected = sp.mannwhitneyu(
        expand(first), expand(second), alternative="two-sided", method="asymptotic"
    ).pvalue
    assert stats.mann_whitney_p(first, second) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_mann_whitney_degenerate():
    assert stats.mann_whitney_p({}, {3: 10}) == 1.0
    assert stats.mann_whitney_p({5: 40}, {5: 40}) == 1.0  # every value tied


def test_histogram_median():
    assert stats.histogram_median({1: 1, 2: 1, 10: 1}) == 2
    assert stats.histogram_median({1: 2, 3: 2}) == 2  # mean of the two middle values
    assert stats.histogram_median({4: 5}) == 4
    assert stats.histogram_median({}) is None
    data = {3: 4, 7: 9, 8: 2, 12: 5}
    assert stats.histogram_median(data) == sp.scoreatpercentile(expand(data), 50)


def test_welch_matches_scipy():
    expected = sp.ttest_ind_from_stats(19.0, 3.1, 400, 27.5, 3.4, 60, equal_var=False).pvalue
    assert stats.welch_p(19.0, 3.1**2, 400, 27.5, 3.4**2, 60) == pytest.approx(expected)
    assert stats.welch_p(1.0, 0.0, 1, 2.0, 0.0, 1) == 1.0


def test_benjamini_hochberg_matches_scipy():
    rng = random.Random(9)
    for m in (1, 2, 7, 40):
        ps = [rng.random() ** 3 for _ in range(m)]
        expected = sp.false_discovery_control(ps, method="bh")
        assert stats.benjamini_hochberg(ps) == pytest.approx(list(expected))
    assert stats.benjamini_hochberg([]) == []


def test_benjamini_hochberg_by_hand():
    # m = 4: p·m/rank = 0.004, 0.02, 0.04, 0.8, then the running minimum from the top.
    assert stats.benjamini_hochberg([0.01, 0.001, 0.8, 0.03]) == pytest.approx(
        [0.02, 0.004, 0.8, 0.04]
    )


def test_severity_labels_and_confidence():
    cutoffs = DEFAULT_THRESHOLDS.severity_labels
    assert [signal_model.label_for(v, cutoffs) for v in (1.0, 0.8, 0.5, 0.49, 0.0)] == [
        "critical", "high", "medium", "low", "low",
    ]  # fmt: skip
    # DriftWatch: min((n_b + n_c) / 120, 1) · (1 − p)
    assert signal_model.volume_confidence(30, 30, 120, 0.0) == 0.5
    assert signal_model.volume_confidence(300, 300, 120, 0.01) == pytest.approx(0.99)
    # DelayGuard: 0.7·min(1, n/40) + 0.3·min(1, completeness/0.8)
    kwargs = {"full_at": 40, "volume_weight": 0.7, "completeness_full": 0.8}
    assert signal_model.delay_confidence(10, 10, 0.4, **kwargs) == pytest.approx(0.35 + 0.15)
    assert signal_model.delay_confidence(100, 100, 0.95, **kwargs) == pytest.approx(1.0)


def test_thresholds_overrides_per_customer():
    th = thresholds_for({"signals": {"drift_min_claims": 50, "drift_max_p": "0.05"}})
    assert (th.drift_min_claims, th.drift_max_p) == (50, 0.05)
    assert th.drift_current_days == 14  # untouched
    # Typos, wrong types, negative values and tuples are ignored, never fatal.
    odd = {"signals": {"drift_min_claim": 5, "drift_min_claims": "x", "denial_max_p": -1,
                       "severity_labels": [], "delay_min_claims": True}}  # fmt: skip
    assert thresholds_for(odd) == DEFAULT_THRESHOLDS
    assert thresholds_for(None) == DEFAULT_THRESHOLDS
    assert thresholds_for({"signals": "nope"}) == DEFAULT_THRESHOLDS


def test_windows_are_half_open_and_adjacent():
    from datetime import date

    w = DEFAULT_THRESHOLDS.drift_windows(date(2026, 6, 1))
    assert w["current_end"] == date(2026, 6, 1)
    assert w["current_start"] == date(2026, 5, 18)  # 14 days
    assert w["baseline_end"] == w["current_start"]  # the baseline precedes the current window
    assert (w["baseline_end"] - w["baseline_start"]).days == 90
    d = DEFAULT_THRESHOLDS.denial_windows(date(2026, 6, 1))
    assert (d["current_end"] - d["current_start"]).days == 7
    assert (d["baseline_end"] - d["baseline_start"]).days == 28
    g = DEFAULT_THRESHOLDS.delay_windows(date(2026, 6, 1))
    assert (g["baseline_end"] - g["baseline_start"]).days == 60
    assert (g["current_end"] - g["trend_start"]).days == 42


def make_signal(**changes) -> Signal:
    from datetime import date

    fields = dict(
        customer_id="c1", product="driftwatch", type="denial_rate_increase", payer="Aetna",
        key="E&M", direction="up", as_of=date(2026, 6, 1), window_start=date(2026, 5, 18),
        window_end=date(2026, 6, 1), baseline_start=date(2026, 2, 17),
        baseline_end=date(2026, 5, 18), baseline_value=0.08, current_value=0.16, delta=0.08,
        n_baseline=900, n_current=300, p_value=0.001, severity=0.16, severity_label="low",
        confidence=0.99, dollars_at_risk=100.0, summary="s",
    )  # fmt: skip
    return Signal(**(fields | changes))


def test_episode_key_is_the_identity_product_type_payer_key():
    from datetime import date

    base = make_signal()
    later = make_signal(
        delta=0.2, summary="other", window_start=date(2026, 5, 17), window_end=date(2026, 6, 2)
    )
    assert base.episode_key == later.episode_key  # another window: the same episode
    variants = [
        {"product": "denialscope"},
        {"type": "denial_rate_decrease"},
        {"payer": "Cigna"},
        {"key": "SURGERY"},
        {"key": None},
    ]
    keys = {make_signal(**v).episode_key for v in variants}
    assert base.episode_key not in keys and len(keys) == len(variants)
    first = date(2026, 5, 1)
    assert base.fingerprint(first) != make_signal(customer_id="c2").fingerprint(first)
    assert base.fingerprint(first) != base.fingerprint(date(2026, 6, 1))


def test_signal_rejects_invalid_values():
    with pytest.raises(ValueError):
        make_signal(direction="sideways")
    with pytest.raises(ValueError):
        make_signal(severity=1.5)
    with pytest.raises(ValueError):
        make_signal(product="nope")

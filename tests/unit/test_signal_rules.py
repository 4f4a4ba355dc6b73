"""The detectors' rules on hand-made aggregates (no database): each test and effect floor issue
11's tuning set, with a case just under and just over every threshold."""

import dataclasses
from datetime import date, timedelta

import pytest
from scipy.stats import norm

from common.domain.thresholds import DEFAULT_THRESHOLDS as TH
from common.services.signals import delayguard, denialscope, driftwatch, payment_aging
from common.services.signals.base import run_fields

AS_OF = date(2026, 6, 1)


# --- DelayGuard: payment_timing_trend -------------------------------------------------------


def _payer(means, n=200, var=30.0, payer="Aetna"):
    weeks = {i: delayguard.Bucket(n, m, var, 5000.0) for i, m in enumerate(means)}
    return delayguard.PayerDelays(payer, 1.0, True, {}, weeks)


def _trends(*payers, th=TH):
    windows = th.delay_windows(AS_OF)
    run = delayguard._Run(th, windows, run_fields("delayguard", "c", AS_OF, windows))
    return run.trends(list(payers))


def _ramp(total_rise, base=20.0, wiggle=0.15):
    # a steady rise with a little noise that has no slope of its own (so the fitted rise is
    # exactly `total_rise`) and keeps the slope's error above zero
    noise = (wiggle, -wiggle, 0.0, 0.0, -wiggle, wiggle)
    return [base + total_rise * i / 5 + e for i, e in enumerate(noise)]


def test_trend_fires_on_a_steady_rise_just_over_the_two_day_floor():
    [s] = _trends(_payer(_ramp(2.1)))
    assert s.type == "payment_timing_trend" and s.p_value < 0.01
    assert s.delta == pytest.approx(2.1)  # the fitted rise, first week to the newest
    assert s.details["slope_days_per_week"] == pytest.approx(s.delta / 5, abs=1e-3)


def test_trend_ignores_a_significant_rise_just_under_the_floor():
    assert _trends(_payer(_ramp(1.9))) == []


def test_trend_ignores_a_jump_between_noisy_weeks():
    # Low week then two rises of 5 days in all: the seed's streak rule fired on this; the
    # slope over all six weeks is not significant.
    assert _trends(_payer([22.0, 19.0, 23.0, 18.0, 20.5, 23.0])) == []


def test_trend_test_level_just_under_and_over():
    noisy = [20.0, 21.0, 20.6, 22.0, 21.6, 22.6]  # fitted rise 2.3 days, p ≈ 0.006
    [s] = _trends(_payer(noisy))
    p_raw = s.details["p_raw"]
    assert _trends(_payer(noisy), th=dataclasses.replace(TH, delay_max_p=p_raw * 0.99)) == []
    assert len(_trends(_payer(noisy), th=dataclasses.replace(TH, delay_max_p=p_raw * 1.01)))


def test_trend_is_adjusted_over_every_payer_tested():
    noisy = [20.0, 21.0, 20.6, 22.0, 21.6, 22.6]  # p ≈ 0.006
    flat = [_payer([20.0, 20.3, 19.8, 20.1, 20.2, 19.9], payer=f"P{i}") for i in range(7)]
    # alone it fires; among seven flat payers BH multiplies its p by up to 8
    assert len(_trends(_payer(noisy))) == 1
    assert _trends(_payer(noisy), *flat) == []


def test_trend_needs_ten_claims_every_week():
    assert _trends(_payer(_ramp(5.0), n=9)) == []
    assert len(_trends(_payer(_ramp(5.0), n=10))) == 1


# --- DenialScope: reason_rate_spike and denial_dollars_spike ---------------------------------


def _totals(n_base=2000, n_cur=500, denied_base=200, denied_cur=50, d_base=28_000.0,
            d_cur=7_000.0, payer="Aetna"):  # fmt: skip
    return denialscope.Counts(payer, None, n_base, n_cur, denied_base, denied_cur, d_base, d_cur)


def _ds_run(totals, weeks=None, th=TH):
    dollars = {t.payer: w for t, w in zip(totals, weeks or [], strict=False)}
    past = denialscope.History(dollars=dollars)
    fields = run_fields("denialscope", "c", AS_OF, th.denial_windows(AS_OF))
    return denialscope._Run(th, {t.payer: t for t in totals}, fields, past)


def _reason(x_base, x_cur, reason="CO-50", payer="Aetna"):
    return denialscope.Counts(payer, reason, x_base, x_cur, x_base, x_cur, 100.0 * x_base,
                              100.0 * x_cur)  # fmt: skip


def test_reason_spike_uses_the_exact_test():
    # 40 of 2,000 claims (2 %) before, 25 of 500 (5 %) now: exact one-sided p ≈ 4.6e-4.
    [s] = _ds_run([_totals()]).reason_spikes([_reason(40, 25)])
    assert s.type == "reason_rate_spike"
    assert s.details["p_raw"] == pytest.approx(4.63e-4, rel=0.01)
    # 40 → 18 (3.6 %): up 80 % and 1.6 points: under the 2-point floor.
    assert _ds_run([_totals()]).reason_spikes([_reason(40, 18)]) == []


def test_reason_spike_needs_five_recent_denials():
    # 2 of 2,000 claims before, 5 of 500 now: p ≈ 0.0016 — the count decides.
    th = dataclasses.replace(TH, denial_rate_min_points=0.005)
    assert len(_ds_run([_totals()], th=th).reason_spikes([_reason(2, 5)])) == 1
    fewer = dataclasses.replace(th, denial_spike_min_denials=6)  # 5 is one under the floor
    assert _ds_run([_totals()], th=fewer).reason_spikes([_reason(2, 5)]) == []


def test_reason_spike_family_is_every_known_reason():
    spike = _reason(40, 25)
    quiet = [_reason(100, 25, reason=f"R{i}") for i in range(80)]
    assert len(_ds_run([_totals()]).reason_spikes([spike])) == 1
    assert _ds_run([_totals()]).reason_spikes([spike, *quiet]) == []  # 4.6e-4 × 81 > 0.01


HISTORY = [6_000.0, 7_500.0, 5_200.0, 8_800.0, 6_400.0, 7_000.0, 6_900.0, 5_800.0, 7_700.0,
           6_100.0, 8_000.0, 6_600.0, 7_300.0]  # fmt: skip


def test_dollar_spike_against_the_payers_weekly_history():
    # 28 days at $1,000/day before; the recent 7 days at $3,000/day ($21,000 — far above any
    # of the 13 weeks): fires. $12,000 (within the history's spread once logged): does not.
    fired = _ds_run([_totals(d_cur=21_000.0)], [HISTORY]).dollar_spikes()
    assert [s.type for s in fired] == ["denial_dollars_spike"]
    assert fired[0].details["p_raw"] < 0.001
    assert _ds_run([_totals(d_cur=12_000.0)], [HISTORY]).dollar_spikes() == []


def test_dollar_spike_test_level_just_under_and_over():
    p_raw = _ds_run([_totals(d_cur=14_000.0)], [HISTORY]).dollar_spikes()[0].details["p_raw"]
    under = dataclasses.replace(TH, denial_max_p=p_raw * 0.99)
    over = dataclasses.replace(TH, denial_max_p=p_raw * 1.01)
    assert _ds_run([_totals(d_cur=14_000.0)], [HISTORY], th=under).dollar_spikes() == []
    assert len(_ds_run([_totals(d_cur=14_000.0)], [HISTORY], th=over).dollar_spikes()) == 1


def test_dollar_spike_needs_five_denied_lines_and_the_seed_floors():
    big = [_totals(d_cur=21_000.0, denied_cur=4)], [HISTORY]
    assert _ds_run(*big).dollar_spikes() == []
    assert len(_ds_run([_totals(d_cur=21_000.0, denied_cur=5)], [HISTORY]).dollar_spikes()) == 1
    # Per-day rise: $999 a day is under the $1,000 floor, even if significant against a
    # quiet history.
    quiet = [[2_000.0 + 10 * i for i in range(13)]]
    low = _totals(d_base=28_000.0 * 0.65, d_cur=7 * (650.0 + 999.0))
    assert _ds_run([low], quiet).dollar_spikes() == []
    high = _totals(d_base=28_000.0 * 0.65, d_cur=7 * (650.0 + 1001.0))
    assert len(_ds_run([high], quiet).dollar_spikes()) == 1


# --- DriftWatch: decision time with the design effect ---------------------------------------


BASELINE_DAYS = {d: 100 for d in range(8, 25)}  # 1,700 lines, median 16 days


def _group(design_effect, first_day=10):
    current = {d: 6 for d in range(first_day, first_day + 20, 2)}  # 60 lines
    return driftwatch.GroupStats("Aetna", "E&M", 1700, 100, 60, 4, 1000.0,
                                 days_baseline=BASELINE_DAYS, days_current=current,
                                 design_effect=design_effect)  # fmt: skip


def _days(*groups):
    return driftwatch._days_signals("c", AS_OF, TH.drift_windows(AS_OF), list(groups), TH)


def test_decision_time_counts_a_claim_once_not_per_line():
    # Median 16 → 19 days on 60 lines: p ≈ 1e-4 as independent lines, 0.006 with a design
    # effect of 2 (fires), 0.014 with 2.5 (a claim of these lines is fewer observations).
    [s] = _days(_group(1.0))
    assert (s.type, s.delta) == ("decision_time_increase", 3.0)
    assert s.details["design_effect"] == 1.0
    [s] = _days(_group(2.0))
    assert s.details["p_raw"] == pytest.approx(0.006, abs=0.0005)
    assert _days(_group(2.5)) == []


def test_decision_time_effect_floor_of_three_days():
    assert _days(_group(1.0, first_day=9)) == []  # median 18: Δ 2 days, p ≈ 0.008
    assert len(_days(_group(1.0, first_day=10))) == 1  # median 19: Δ 3 days


# --- DelayGuard: payment_aging ---------------------------------------------------------------


def _aging(paid_by_day, n=100, half_late=True):
    """Baseline: every weekday's lines half paid 2 days after decision, half after 20 (so at
    ages 2–13 the usual paid share is one half). Current: 14 days of `n` lines; day i (age
    13 − i) has paid_by_day[i] of them paid 1 day after decision, the rest unpaid."""
    p = payment_aging.PayerAging("Aetna")
    for weekday in range(1, 8):
        p.baseline[weekday] = {2: 500, 20: 500} if half_late else {2: 1000}
    for i, paid in enumerate(paid_by_day):
        day = AS_OF - timedelta(days=14 - i)
        p.current.append((day, day.isoweekday(), 1, paid, 10.0 * paid))
        p.current.append((day, day.isoweekday(), -1, n - paid, 10.0 * (n - paid)))
    return p


def _judge(p, th=TH):
    return payment_aging.judge([payment_aging.aging_test(p, AS_OF, 1.0)], "c", AS_OF, th)


def _short_by(deficit):
    # 12 days old enough to be half paid (600 expected of 1,400 lines), `deficit` fewer paid
    paid = [50] * 12 + [0, 0]
    for i in range(deficit):
        paid[i % 12] -= 1
    return paid


def test_aging_shortfall_floor_of_ten_points():
    # 1,400 current lines: 140 short is exactly 10 points; 139 is just under
    assert _judge(_aging(_short_by(139))) == []
    [s] = _judge(_aging(_short_by(140)))
    assert s.type == "payment_aging" and s.delta == pytest.approx(0.10)
    assert (s.details["expected_paid"], s.details["paid"]) == (600.0, 460)
    assert s.p_value < 1e-6 and s.severity == pytest.approx(0.5)


def test_aging_lines_too_young_to_be_paid_count_for_nothing():
    # The two newest days (ages 0 and 1) are unpaid, but nothing was ever paid that young.
    t = payment_aging.aging_test(_aging(_short_by(0)), AS_OF, 1.0)
    assert (t.expected, t.observed, t.n_current) == (600.0, 600, 1400)
    assert t.p_raw == 0.5


def test_aging_compares_each_line_with_its_weekday():
    # Friday's lines are paid on Monday (3 days), other days' the next day. On a Monday as_of
    # last Friday's lines (age 2) are rightly unpaid: against Friday's curve nothing is short.
    as_of = date(2026, 6, 1)  # a Monday
    p = payment_aging.PayerAging("Aetna")
    for weekday in range(1, 8):
        p.baseline[weekday] = {3 if weekday == 5 else 1: 100}
    for back in range(1, 15):
        day = as_of - timedelta(days=back)
        lag = 3 if day.isoweekday() == 5 else 1
        paid = lag <= back - 1
        p.current.append((day, day.isoweekday(), lag if paid else -1, 100, 1000.0))
    t = payment_aging.aging_test(p, as_of, 1.0)
    assert t.expected == t.observed == 1200  # 14 days, less the newest and last Friday
    assert payment_aging.judge([t], "c", as_of, TH) == []


def test_aging_design_effect_scales_the_variance():
    t = payment_aging.aging_test(_aging(_short_by(60)), AS_OF, 1.0)
    clustered = dataclasses.replace(t, design_effect=4.0)
    z, z4 = (norm.isf(x.p_raw) for x in (t, clustered))
    assert z4 == pytest.approx(z / 2)


def test_denial_rate_counts_whole_denied_claims_once():
    # 10 % → 20 % (100 of 1,000 lines, 40 of 200): p ≈ 6e-5 as independent lines; where the
    # payer denies whole claims of ~3 lines (design effect 3) it is ≈ 0.02 — not a signal.
    def group(effect):
        return driftwatch.GroupStats("Aetna", "E&M", 1000, 100, 200, 40, 5000.0,
                                     rate_design_effect=effect)  # fmt: skip

    def rates(effect):
        windows = TH.drift_windows(AS_OF)
        return driftwatch._rate_signals("c", AS_OF, windows, [group(effect)], TH)

    [s] = rates(1.0)
    assert s.type == "denial_rate_increase" and s.details["p_raw"] < 1e-4
    assert s.details["design_effect"] == 1.0
    assert len(rates(2.0)) == 1  # ≈ 0.005: still a signal
    assert rates(3.0) == []

"""The three products on labelled scenarios (real Postgres, claims loaded with COPY)."""

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from common.db.schema import customers
from common.domain.thresholds import DEFAULT_THRESHOLDS
from common.services.customers import create_customer
from common.services.signals import PRODUCTS
from common.services.signals.clustering import POOLED, design_effects
from common.services.signals.delayguard import payer_delays
from common.services.signals.runner import run_product
from common.services.signals.store import list_signals
from tests.scenarios import (
    AS_OF,
    DenialShift,
    NewReason,
    PaymentDelay,
    PaymentRamp,
    Scenario,
    claim,
    generate,
    load,
)


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


def run_all(app, customer, as_of=AS_OF, message_id=None) -> list[str]:
    ids = []
    for product in PRODUCTS:
        ids += run_product(app.uow, product, customer.id, as_of, message_id)
    return ids


def found(app, customer) -> list[dict]:
    with app.uow.transaction(customer.id) as conn:
        return list_signals(conn)


def detected(app, customer, product: str) -> list[dict]:
    """What the product measures this run, before the store folds measures into episodes."""
    from common.services.signals import detector

    with app.uow.transaction(customer.id) as conn:
        found = detector(product)(conn, customer.id, AS_OF, DEFAULT_THRESHOLDS)
    return [dataclasses.asdict(s) for s in found]


def kinds(signals) -> set:
    return {(s["product"], s["type"], s["payer"], s["key"]) for s in signals}


def test_stationary_data_raises_nothing(app, acme, owner):
    scenario = Scenario(seed=2)
    assert len(scenario.payers) * len(scenario.groups) >= 40 and scenario.days >= 180
    load(owner, acme.id, generate(scenario))
    assert run_all(app, acme) == []
    assert found(app, acme) == []


def test_denial_rate_increase_on_one_payer_and_group(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    run_all(app, acme)
    signals = found(app, acme)
    assert kinds(signals) == {("driftwatch", "denial_rate_increase", "Cigna", "E&M")}
    s = signals[0]
    assert s["direction"] == "up" and s["n_current"] >= 200 and s["n_baseline"] >= 30
    assert 0.05 <= s["delta"] <= 0.12 and s["p_value"] < 0.01
    assert s["current_value"] - s["baseline_value"] == pytest.approx(s["delta"])
    assert s["severity"] == pytest.approx(min(s["delta"] / 0.10, 1), abs=1e-4)  # SPEC 3.1
    assert (s["window_start"], s["window_end"]) == (AS_OF - timedelta(days=14), AS_OF)
    assert (s["baseline_start"], s["baseline_end"]) == (
        AS_OF - timedelta(days=104),
        s["window_start"],
    )
    assert float(s["dollars_at_risk"]) > 0 and "Cigna" in s["summary"]


def test_customer_override_raises_the_sample_floor(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    with owner.begin() as conn:
        conn.execute(
            update(customers)
            .where(customers.c.id == acme.id)
            .values(settings={"signals": {"drift_min_claims": 5000}})
        )
    assert run_product(app.uow, "driftwatch", acme.id, AS_OF, None) == []


def test_new_denial_reason(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(NewReason("Aetna", "CO-197"),))))
    run_all(app, acme)
    signals = found(app, acme)
    new = [s for s in signals if s["type"] == "new_denial_reason"]
    assert [(s["product"], s["payer"], s["key"], s["direction"]) for s in new] == [
        ("denialscope", "Aetna", "CO-197", "up")
    ]
    assert new[0]["details"]["denials_current"] == 40
    assert new[0]["details"]["denials_baseline"] == 0 and new[0]["baseline_value"] == 0
    assert new[0]["severity_label"] == "critical"  # 40 denials: 3× past the floor of 10
    assert {s["payer"] for s in signals} == {"Aetna"}


def test_payment_slowdown_for_one_payer(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(PaymentDelay("Humana", 9),))))
    signals = detected(app, acme, "delayguard")
    slow = [s for s in signals if s["type"] == "payment_slowdown"]
    assert [(s["product"], s["payer"], s["key"], s["direction"]) for s in slow] == [
        ("delayguard", "Humana", None, "up")
    ]
    s = slow[0]
    assert 7 <= s["delta"] <= 11 and s["severity_label"] in ("high", "critical")
    assert s["details"]["date_basis"] == "payment_date"
    assert 0 < s["details"]["payment_date_completeness"] <= 1
    assert float(s["dollars_at_risk"]) > 0
    assert {s["payer"] for s in signals} == {"Humana"}
    # Slower payments and unpaid approvals measure one change: one episode (the most severe).
    run_all(app, acme)
    [episode] = found(app, acme)
    assert (episode["payer"], episode["type"]) == (
        "Humana",
        max(signals, key=lambda s: (s["severity"], s["dollars_at_risk"] or 0))["type"],
    )


def test_rising_weekly_payment_days_raise_a_critical_trend(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(PaymentRamp("Medicare", 3.5),))))
    trend = [s for s in detected(app, acme, "delayguard") if s["type"] == "payment_timing_trend"]
    assert [(s["payer"], s["direction"]) for s in trend] == [("Medicare", "up")]
    s = trend[0]
    assert s["delta"] >= 10 and s["confidence"] >= 0.75 and s["severity_label"] == "critical"
    assert (s["window_start"], s["window_end"]) == (AS_OF - timedelta(weeks=6), AS_OF)
    assert len(s["details"]["weekly_mean_days"]) == 6


def _drift_claims(n_baseline: int, n_current: int, denied_current: int) -> list[dict]:
    """One payer × group: 5% denied in the baseline, `denied_current` of `n_current` now."""
    rows = []
    for i in range(n_baseline):
        day = AS_OF - timedelta(days=15 + i % 89)
        rows.append(claim("Aetna", "E&M", day, "DENIED" if i % 20 == 0 else "PAID"))
    for i in range(n_current):
        day = AS_OF - timedelta(days=1 + i % 13)
        rows.append(claim("Aetna", "E&M", day, "DENIED" if i < denied_current else "PAID"))
    return rows


def test_fewer_than_30_claims_never_fire(app, acme, owner):
    load(owner, acme.id, _drift_claims(400, 29, 29))  # 29 of 29 denied: huge, but n < 30
    assert run_product(app.uow, "driftwatch", acme.id, AS_OF, None) == []
    load(owner, acme.id, [claim("Aetna", "E&M", AS_OF - timedelta(days=3), "DENIED")])
    assert len(run_product(app.uow, "driftwatch", acme.id, AS_OF, None)) == 1  # n = 30 fires


def test_driftwatch_windows_are_half_open(app, acme, owner):
    rows = _drift_claims(100, 40, 30)
    window_start, baseline_start = AS_OF - timedelta(days=14), AS_OF - timedelta(days=104)
    rows += [
        claim("Aetna", "E&M", AS_OF, "DENIED"),  # as_of itself: outside the current window
        claim("Aetna", "E&M", window_start, "DENIED"),  # window start: inside the current
        claim("Aetna", "E&M", window_start - timedelta(days=1), "PAID"),  # baseline's last day
        claim("Aetna", "E&M", baseline_start, "PAID"),  # baseline's first day
        claim("Aetna", "E&M", baseline_start - timedelta(days=1), "PAID"),  # outside both
    ]
    load(owner, acme.id, rows)
    run_product(app.uow, "driftwatch", acme.id, AS_OF, None)
    [s] = found(app, acme)
    assert (s["n_baseline"], s["n_current"]) == (102, 41)
    assert s["current_value"] == pytest.approx(31 / 41)


def test_denialscope_recent_window_is_half_open(app, acme, owner):
    rows = [claim("Aetna", "E&M", AS_OF - timedelta(days=8 + i % 28)) for i in range(200)]
    rows += [claim("Aetna", "E&M", AS_OF - timedelta(days=1 + i % 6)) for i in range(60)]
    new = [claim("Aetna", "E&M", AS_OF - timedelta(days=2), "DENIED", reason="N-1")] * 4
    new.append(claim("Aetna", "E&M", AS_OF, "DENIED", reason="N-1"))  # outside: 4 < 5
    load(owner, acme.id, rows + new)
    assert run_product(app.uow, "denialscope", acme.id, AS_OF, None) == []
    edge = claim("Aetna", "E&M", AS_OF - timedelta(days=7), "DENIED", reason="N-1")
    load(owner, acme.id, [edge])  # the recent window's first day: inside, now 5
    run_product(app.uow, "denialscope", acme.id, AS_OF, None)
    [s] = found(app, acme)
    assert (s["type"], s["key"], s["details"]["denials_current"]) == (
        "new_denial_reason",
        "N-1",
        5,
    )
    assert s["severity_label"] == "medium"  # the smallest count that fires (SPEC 3.2)


def test_delayguard_cohorts_on_payment_date_half_open(app, acme, owner):
    start = AS_OF - timedelta(days=14)

    def paid(on):
        return claim("Aetna", "E&M", on - timedelta(days=5), payment=on)

    rows = [paid(AS_OF - timedelta(days=20 + i % 50)) for i in range(50)]
    rows += [paid(AS_OF - timedelta(days=1 + i % 13)) for i in range(10)]
    rows += [paid(start), paid(start - timedelta(days=1)), paid(AS_OF)]
    load(owner, acme.id, rows)
    with app.uow.transaction(acme.id) as conn:
        [aetna] = payer_delays(conn, acme.id, AS_OF, DEFAULT_THRESHOLDS)
    assert aetna.by_payment and aetna.completeness == 1.0
    assert (aetna.windows[0].n, aetna.windows[1].n) == (51, 11)
    assert aetna.windows[1].mean == pytest.approx(15.0)  # submitted = decided − 10, paid +5


def test_redelivery_and_rerun_create_nothing_new(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    first = run_all(app, acme, message_id="m-1")
    assert len(first) == 1
    assert run_all(app, acme, message_id="m-1") == []  # same message: skipped by the ledger
    assert run_all(app, acme, message_id="m-2") == []  # same as_of: one observation a day
    assert run_all(app, acme) == []  # direct recompute, no message id
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM signals")).scalar() == 1
        outbox = conn.execute(text("SELECT topic, payload FROM outbox")).all()
        ledger = conn.execute(
            text("SELECT consumer, message_id FROM processed_messages ORDER BY 1, 2")
        ).all()
    assert [row.topic for row in outbox] == ["signals-raised"]
    assert first[0] in outbox[0].payload and '"product": "driftwatch"' in outbox[0].payload
    assert len(ledger) == 6  # three consumers × two message ids


def test_signals_are_tenant_scoped(app, acme, owner):
    other = create_customer(app.uow, "other")
    load(owner, acme.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    run_all(app, acme)
    assert run_all(app, other) == []
    assert found(app, other) == [] and len(found(app, acme)) == 1


def test_a_persisting_change_is_one_episode_until_it_stops(app, acme, owner):
    load(owner, acme.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    days = [AS_OF, AS_OF + timedelta(days=1), AS_OF + timedelta(days=3)]
    opened = [run_product(app.uow, "driftwatch", acme.id, day, None) for day in days]
    assert [len(ids) for ids in opened] == [1, 0, 0]  # one episode, opened once
    with owner.connect() as conn:
        episode = conn.execute(text("SELECT * FROM signals")).mappings().one()
        history = conn.execute(
            text("SELECT as_of, severity FROM signal_observations ORDER BY 1")
        ).all()
        raised = conn.execute(text("SELECT count(*) FROM outbox WHERE topic = 'signals-raised'"))
        raised = raised.scalar()
    assert (episode["first_seen_as_of"], episode["last_seen_as_of"]) == (days[0], days[-1])
    assert episode["times_seen"] == 3 and episode["ended_as_of"] is None
    assert episode["as_of"] == days[-1] and episode["window_end"] == days[-1]
    assert [h.as_of for h in history] == days
    # Raised when opened and again only when it rose (dispatch alerts once per label).
    rises = sum(
        later.severity > earlier.severity
        for earlier, later in zip(history, history[1:], strict=False)
    )
    assert raised == 1 + rises
    # Once the change has left the current window for a whole window length, it closes.
    quiet = AS_OF + timedelta(days=60)
    assert run_product(app.uow, "driftwatch", acme.id, quiet, None) == []
    with app.uow.transaction(acme.id) as conn:
        assert list_signals(conn) == []
        [closed] = list_signals(conn, status="closed")
    assert closed["ended_as_of"] == days[-1] + timedelta(days=14)


def test_payment_aging_sees_a_slowdown_before_the_late_money_lands(app, acme, owner):
    # Humana pays 4–6 days after deciding; for lines decided in the last 14 days it has paid
    # nothing yet (no payment dates: the money has not landed, so no payment-date cohort moves).
    rows = []
    for offset in range(120, 0, -1):
        decided = AS_OF - timedelta(days=offset)
        for i in range(6):
            late = offset <= 14  # decided since the current cohort began
            paid_on = None if late else decided + timedelta(days=4 + i % 3)
            if paid_on is not None and paid_on >= AS_OF:
                paid_on = None  # only what is known on as_of
            rows.append(claim("Humana", "E&M", decided, payment=paid_on))
            rows.append(claim("Aetna", "E&M", decided, payment=decided + timedelta(days=5)))
    rows = [r for r in rows if r["payment_date"] is None or r["payment_date"] < AS_OF]
    load(owner, acme.id, rows)
    run_product(app.uow, "delayguard", acme.id, AS_OF, None)
    aging = [s for s in found(app, acme) if s["type"] == "payment_aging"]
    assert [s["payer"] for s in aging] == ["Humana"]  # Aetna, unchanged, raises nothing
    [s] = aging
    # Each of the 14 days' 6 lines is judged at its age: at ages 0-3 none would have been
    # paid, at 4 a third, at 5 two thirds, from 6 on all — 9 days' worth, 54 of 84 lines.
    assert (s["details"]["expected_paid"], s["details"]["paid"]) == (54.0, 0)
    assert s["current_value"] == 1.0 and s["baseline_value"] == pytest.approx(30 / 84)
    assert s["delta"] == pytest.approx(54 / 84)
    assert (s["window_start"], s["window_end"]) == (AS_OF - timedelta(days=14), AS_OF)
    assert s["severity_label"] == "critical" and s["p_value"] < 0.01


@pytest.mark.parametrize(("late_by", "fires"), [(0, False), (20, True)])
def test_payment_aging_on_a_past_as_of_ignores_later_payments(app, acme, owner, late_by, fires):
    # Humana pays 4–6 days after deciding; the last 14 days' lines were paid `late_by` days
    # later than that — dates after as_of, in the table because as_of is in the past. At
    # as_of they were unpaid: a payment dated on or after as_of must not count.
    rows = []
    for offset in range(90, 0, -1):
        decided = AS_OF - timedelta(days=offset)
        for i in range(6):
            extra = late_by if offset <= 14 else 0
            paid_on = decided + timedelta(days=4 + i % 3 + extra)
            rows.append(claim("Humana", "E&M", decided, payment=paid_on))
    load(owner, acme.id, rows)
    aging = [s for s in detected(app, acme, "delayguard") if s["type"] == "payment_aging"]
    assert len(aging) == fires
    if fires:
        assert aging[0]["details"]["paid"] == 0 and aging[0]["details"]["expected_paid"] == 54


def test_design_effects_count_the_lines_of_each_claim(app, acme, owner):
    day = AS_OF - timedelta(days=5)
    rows = []
    for i in range(60):  # 60 E&M claims of 3 lines, every fifth claim denied whole
        outcome = "DENIED" if i % 5 == 0 else "PAID"
        rows += [claim("Aetna", "E&M", day, outcome) | {"claim_id": f"E{i}"} for _ in range(3)]
    rows += [claim("Aetna", "RADIOLOGY", day) for _ in range(40)]  # single-line claims
    for i in range(10):  # claims with one E&M and one RADIOLOGY line
        rows += [claim("Aetna", g, day) | {"claim_id": f"M{i}"} for g in ("E&M", "RADIOLOGY")]
    rows += [claim("Cigna", "E&M", day) | {"claim_id": f"C{i // 2}"} for i in range(20)]
    load(owner, acme.id, rows)
    with app.uow.transaction(acme.id) as conn:
        effects = design_effects(conn, acme.id, DEFAULT_THRESHOLDS)
        small = dataclasses.replace(DEFAULT_THRESHOLDS, design_sample_lines=50)
        sampled = design_effects(conn, acme.id, small)
    # per cell: a claim's lines in that cell; per payer: all its lines
    assert effects.for_days("Aetna", "E&M") == pytest.approx((60 * 9 + 10) / 190)
    assert effects.for_days("Aetna", "RADIOLOGY") == 1.0
    assert effects.days[("Aetna", None)] == pytest.approx((60 * 9 + 40 + 10 * 4) / 240)
    # Whole claims denied: the rate's design effect is the cell's Σm²/Σm, give or take the
    # k/(k−1) of the cluster-robust variance; no denials on RADIOLOGY: 1.
    k, lines, p = 70, 190, 36 / 190
    spread = 12 * 9 * (1 - p) ** 2 + 48 * 9 * p**2 + 10 * p**2  # Σ (d − p·m)²
    assert effects.for_rate("Aetna", "E&M") == pytest.approx(
        k / (k - 1) * spread / (lines * p * (1 - p))
    )
    assert 2.5 < effects.for_rate("Aetna", "E&M") < 3.1
    assert effects.for_rate("Aetna", "RADIOLOGY") == 1.0
    # Cigna's 20 lines are under the 30-line minimum: it falls back to the tenant's value
    assert ("Cigna", "E&M") not in effects.days and ("Cigna", None) not in effects.days
    assert effects.for_days("Cigna", "E&M") == effects.days[POOLED]
    assert effects.days[POOLED] == pytest.approx((60 * 9 + 40 + 10 * 4 + 10 * 4) / 260)
    # a bounded read: the newest 50 lines are Cigna's 20 and 30 of Aetna's (10 + 10 mixed, 10
    # RADIOLOGY), so only Aetna as a payer reaches 30 sampled lines
    assert set(sampled.days) == {("Aetna", None), POOLED}


@pytest.mark.parametrize(("first_denied", "new"), [(28, True), (29, False)])
def test_a_reason_first_denied_within_28_days_stays_new(app, acme, owner, first_denied, new):
    # Three denials of N-2 `first_denied` days before as_of, six in the recent week. At 28
    # days they are inside the new-reason span (SPEC 3.2): still a new reason. At 29 they are
    # in the 180-day lookback: N-2 is a known reason, judged only as a rate spike (which, in
    # the same episode family, fires either way: 1.5 % of claims → 10 %).
    rows = [claim("Aetna", "E&M", AS_OF - timedelta(days=8 + i % 28)) for i in range(200)]
    rows += [claim("Aetna", "E&M", AS_OF - timedelta(days=1 + i % 6)) for i in range(60)]
    early = AS_OF - timedelta(days=first_denied)
    rows += [claim("Aetna", "E&M", early, "DENIED", reason="N-2") for _ in range(3)]
    rows += [claim("Aetna", "E&M", AS_OF - timedelta(days=2), "DENIED", reason="N-2")] * 6
    load(owner, acme.id, rows)
    types = {s["type"] for s in detected(app, acme, "denialscope") if s["key"] == "N-2"}
    assert types == ({"new_denial_reason", "reason_rate_spike"} if new else {"reason_rate_spike"})

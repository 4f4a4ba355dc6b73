"""`upstream backtest`: the plan, the as-of data guarantee, and a small replay end to end.

Only invariants are asserted here (structure, counts that must add up, the guarantee, and one
change no detector may miss); the issue 11 targets are what the backtest measures, not what
this test requires, because the products are tuned against them.
"""

import json
from datetime import timedelta

import pytest

from common.cli import main
from common.devtools.backtest.claims import Timeline, generate
from common.devtools.backtest.loading import (
    BacktestError,
    assert_known_before,
    ingest_rows,
    ingestor,
)
from common.devtools.backtest.scenarios import KINDS, ONSET, plan
from common.services.customers import create_customer
from common.services.signals import PRODUCTS

DECIDED, PAID = 6, 8  # columns of a backtest row


def test_the_default_plan_covers_every_change_and_keeps_controls():
    scenarios = plan(7, 10)
    injected = {(c.kind, c.size) for s in scenarios for c in s.changes}
    assert injected == {(k.name, size) for k in KINDS.values() for size in k.sizes}
    assert sum(1 for s in scenarios if not s.changes) == 2
    cells = [(s, p.name, c.group) for s in scenarios for p in s.payers for c in p.cells]
    untouched = sum(s.untouched("driftwatch", payer, group) for s, payer, group in cells)
    assert untouched >= len(cells) / 2
    assert plan(7, 10) == scenarios and plan(8, 10) != scenarios


def test_both_payment_slowdown_shapes_have_every_size():
    changes = [c for s in plan(7, 10) for c in s.changes]
    for kind in ("payment_delay", "payment_lag"):
        assert sorted(c.size for c in changes if c.kind == kind) == [3, 5, 8, 12]


@pytest.mark.parametrize("kind", ["payment_delay", "payment_lag"])
def test_payment_slowdown_shapes(kind):
    # payment_delay: payments due from the onset land `size` days later (held), whatever the
    # decision date; payment_lag: lines decided from the onset are paid `size` days later.
    scenario = next(s for s in plan(7, 10) for c in s.changes if c.kind == kind)
    change = next(c for c in scenario.changes if c.kind == kind)
    start = ONSET - timedelta(days=120)
    lines = [
        line
        for line in generate(scenario, start, ONSET + timedelta(days=60))
        if line.payer == change.payer and line.paid and line.decided >= start + timedelta(60)
    ]

    def mean_lag(selected):
        return sum((x.paid - x.decided).days for x in selected) / len(selected)

    before = [x for x in lines if x.decided < ONSET - timedelta(days=20)]
    decided_after = [x for x in lines if x.decided >= ONSET]
    straddling = [x for x in lines if ONSET - timedelta(days=3) <= x.decided < ONSET]
    rise = mean_lag(decided_after) - mean_lag(before)
    assert rise == pytest.approx(change.size, abs=1.5)
    if kind == "payment_lag":  # decided before the onset: paid as usual
        assert mean_lag(straddling) == pytest.approx(mean_lag(before), abs=1.5)
    else:  # held: their payments, due after the onset, are late too
        assert mean_lag(straddling) - mean_lag(before) > change.size / 2


def test_each_day_holds_only_what_was_known_that_day():
    scenario = plan(7, 2)[0]
    timeline = Timeline(scenario, 6)
    history = timeline.history_rows()
    assert history and all(r[DECIDED] < ONSET.isoformat() for r in history)
    assert all(r[PAID] == "" or r[PAID] < ONSET.isoformat() for r in history)
    updates = 0
    for k in range(6):
        day = (ONSET + timedelta(days=k)).isoformat()
        rows = timeline.day_rows(ONSET + timedelta(days=k))
        assert all(r[DECIDED] <= day and (r[PAID] == "" or r[PAID] == day) for r in rows)
        updates += sum(1 for r in rows if r[DECIDED] < day)
    assert updates > 0  # payments arrive as updates of lines decided earlier
    assert Timeline(scenario, 6).history_rows() == history  # seeded: the same lines


def test_the_guard_refuses_a_line_dated_on_the_as_of(app):
    customer = create_customer(app.uow, "bt-guard")
    day = ONSET.isoformat()
    row = ["G-1", "1", "Aetna", "99213", day, day, day, "paid", "", "150.00", "90.00",
           "90.00", "", ""]  # fmt: skip
    ingest_rows(app, ingestor(app), "bt-guard", "one.csv", [row])
    assert_known_before(app, customer.id, ONSET + timedelta(days=1))
    with pytest.raises(BacktestError, match="on or after"):
        assert_known_before(app, customer.id, ONSET)


def test_a_small_backtest_adds_up(app, capsys):
    """Two customers (one with four changes, one without), ten days from the onset."""
    assert main(["backtest", "--json", "--customers", "2", "--days", "10", "--seed", "7"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (
        doc["days"] == 10
        and doc["seed"] == 7
        and doc["signal_rows"] in ("episodes", "rows per run")
    )
    assert [s["changes"] for s in doc["scenarios"]] == [4, 0]
    assert doc["data_guarantee"] == doc["data_guarantee"] | {"as_of_runs": 20, "violations": 0}

    changes = doc["changes"]
    assert doc["per_change"]["changes"] == len(changes) == 4
    assert doc["per_change"]["detected"] == sum(c["detected"] for c in changes)
    assert sum(r["changes"] for r in doc["by_change"]) == len(changes)
    assert sum(r["found"] for r in doc["by_change"]) == doc["per_change"]["detected"]
    for row in doc["by_change"]:
        assert row["recall_14d"] is None and row["recall_28d"] is None  # 10 days only
        assert 0 <= row["alerted"] <= row["found"] <= row["changes"]
    for c in changes:
        assert c["detected"] == (c["days_to_detection"] is not None) == (c["signals"] > 0)
        if c["detected"]:
            assert 1 <= c["days_to_detection"] <= 10 and c["highest_label"]
        assert c["alerts"] >= c["default_rule_alerted"]

    rise = next(c for c in changes if c["type"] == "denial_rate")
    assert (rise["size"], rise["lines_per_day"]) == (0.12, 40.0)
    assert rise["detected"] and rise["days_to_detection"] <= 10  # +12 points on 40 lines a day

    fp = doc["false_positives"]
    assert set(fp) == set(PRODUCTS)
    changed, quiet = doc["scenarios"]
    assert fp["driftwatch"]["all"]["untouched_units"] == (
        changed["untouched_cells"] + quiet["untouched_cells"]
    )
    assert fp["driftwatch"]["no_change"]["untouched_units"] == quiet["cells"]
    for product, counts in fp.items():
        assert counts["no_change"]["untouched_units"] == quiet["payers"] or product == "driftwatch"
        assert counts["all"]["unit_weeks"] == pytest.approx(
            counts["all"]["untouched_units"] * 10 / 7, abs=0.05
        )
        for scope in ("all", "no_change"):
            assert 0 <= counts[scope]["alert_level"] <= counts[scope]["signals"]
        assert counts["no_change"]["signals"] <= counts["all"]["signals"]
    false_signals = sum(fp[p]["all"]["signals"] for p in PRODUCTS)
    found_signals = sum(c["signals"] for c in changes)
    assert found_signals + false_signals + doc["collateral_signals"] == sum(
        s["signals"] for s in doc["scenarios"]
    )
    assert set(doc["targets"]) >= {"large_changes", "one_signal_per_change"}
    assert doc["machine"]["cpu_count"] >= 1 and doc["seconds"]["wall"] > 0

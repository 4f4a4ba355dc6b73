"""`upstream signals`, `upstream bench signals|ingest|api` (in-process, on the test database)."""

import json
from datetime import timedelta

import pytest

from common.cli import main
from common.commands.signals import CONTRACT_KEYS
from common.services.customers import create_customer
from common.services.signals import PRODUCTS
from common.services.signals.runner import run_product
from tests.scenarios import AS_OF, DenialShift, PaymentDelay, Scenario, generate, load


@pytest.fixture
def acme(app, owner):
    customer = create_customer(app.uow, "acme", "Acme Clinic")
    changes = (DenialShift("Cigna", "E&M"), PaymentDelay("Humana", 9))
    load(owner, customer.id, generate(Scenario(seed=2, changes=changes)))
    for product in PRODUCTS:
        run_product(app.uow, product, customer.id, AS_OF, None)
    return customer


def test_signals_json_follows_the_contract(acme, capsys):
    assert main(["signals", "--customer", "acme", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {(i["product"], i["payer"]) for i in items} == {
        ("driftwatch", "Cigna"),
        ("delayguard", "Humana"),  # one payment-delay episode, whichever measure leads
    }
    for item in items:
        assert list(item)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
        assert item["direction"] in ("up", "down")
        assert item["severity_label"] in ("low", "medium", "high", "critical")
        assert 0 <= item["severity"] <= 1 and 0 <= item["confidence"] <= 1
        assert isinstance(item["dollars_at_risk"], float) and item["summary"]
        assert item["window_end"] == AS_OF.isoformat() and item["id"]
    drift = next(i for i in items if i["product"] == "driftwatch")
    assert drift["key"] == "E&M" and drift["p_value"] < 0.01
    slow = next(i for i in items if i["product"] == "delayguard")
    assert slow["key"] is None and slow["type"] in ("payment_slowdown", "payment_aging")
    assert (drift["first_seen_as_of"], drift["times_seen"], drift["ended_as_of"]) == (
        AS_OF.isoformat(),
        1,
        None,
    )


def test_closed_episodes_only_with_all(app, acme, capsys):
    for product in PRODUCTS:  # two months on, nothing fires: every episode closes
        run_product(app.uow, product, acme.id, AS_OF + timedelta(days=60), None)
    assert main(["signals", "--customer", "acme", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["signals", "--customer", "acme", "--all", "--json"]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert closed and all(i["ended_as_of"] for i in closed)


def test_signals_filters_and_human_output(acme, capsys):
    assert main(["signals", "--customer", "acme", "--product", "denialscope", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["signals", "--customer", "acme"]) == 0
    out = capsys.readouterr().out
    assert "denial_rate_increase" in out and "Humana" in out


def test_unknown_customer_is_bad_input(app, capsys):
    assert main(["signals", "--customer", "nobody", "--json"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_bench_signals_small(app, capsys):
    assert main(["bench", "signals", "--rows", "3000", "--repeat", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 3000 and set(result["products_seconds"]) == set(PRODUCTS)
    assert result["seed_style_rows_loaded"] > 0 and result["speedup_vs_seed_style"] > 0
    assert result["just_loaded"]["total_seconds"] > 0 and result["all_visible_share"] > 0.9
    assert result["machine"]["cpu_count"] >= 1 and result["machine"]["postgres"]


def test_bench_ingest_small_reports_the_copy_floor_and_the_ratio(app, capsys):
    assert main(["bench", "ingest", "--rows", "2000", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["rows"], result["status"], result["rows_accepted"]) == (2000, "loaded", 2000)
    assert len(result["copy_runs_seconds"]) == 3 and result["copy_floor_seconds"] > 0
    assert result["ratio_to_copy"] > 0 and result["target_ratio"] == 8.0
    assert result["machine"]["cpu_count"] >= 1 and result["peak_rss_mb"] > 0
    assert result["baseline_executemany_rows_per_second"] > 0


def test_bench_api_small_serves_every_endpoint_without_errors(app, capsys):
    argv = ["bench", "api", "--rows", "2000", "--seconds", "0.3", "--clients", "1", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 2000 and result["clients"] == 1
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in result["endpoints"].values())
    assert set(result["first_request_ms"]) == set(result["endpoints"])
    assert result["machine"]["cpu_count"] >= 1

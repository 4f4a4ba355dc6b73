"""`upstream recompute` and `upstream alerts` against the local stack."""

import json

import pytest

from common.cli import main
from common.domain.messages import SignalsRaised
from common.services.customers import create_customer
from tests.alert_helpers import add_signal, rows


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


def test_recompute_runs_the_pipeline_for_one_customer(app, acme, owner, capsys):
    assert main(["recompute", "--customer", "acme", "--as-of", "2026-06-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["customers"] == ["acme"] and doc["as_of"] == "2026-06-01"
    assert set(doc["signals_created"]) == {"driftwatch", "denialscope", "delayguard"}
    assert doc["dead_letters"] == 0
    ledger = rows(owner, "SELECT consumer FROM processed_messages ORDER BY consumer")
    assert {r["consumer"] for r in ledger} >= {"recompute_fanout"}
    assert app.bus.pending() == 0


def test_recompute_rejects_bad_input(app, acme, capsys):
    assert main(["recompute", "--customer", "nobody"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["recompute", "--as-of", "June"])
    assert exc.value.code == 2


def test_alerts_lists_status_signal_and_delivery(app, acme, capsys):
    sid = add_signal(app, acme.id, dollars_at_risk=5000)
    quiet = add_signal(app, acme.id, severity=0.2, payer="Cigna")
    app.alerts.dispatch("m-1", SignalsRaised(acme.id, "driftwatch", (sid, quiet)))
    assert main(["alerts", "--customer", "acme", "--json"]) == 0
    [alert] = json.loads(capsys.readouterr().out)
    assert (alert["status"], alert["payer"], alert["severity_label"]) == ("open", "Aetna", "high")
    assert alert["dollars_at_risk"] == 5000 and alert["delivery_status"] == "none"
    assert main(["alerts", "--customer", "acme"]) == 0
    human = capsys.readouterr().out
    assert "delivery_status" in human and "Aetna" in human
    assert main(["alerts", "--customer", "nobody"]) == 2


def test_report_all_writes_one_report_pair_per_active_customer(app, capsys):
    create_customer(app.uow, "one")
    create_customer(app.uow, "two")
    assert main(["report", "--all", "--as-of", "2026-11-20", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted((r["customer"], r["format"]) for r in doc["reports"]) == [
        ("one", "csv"),
        ("one", "pdf"),
        ("two", "csv"),
        ("two", "pdf"),
    ]

"""Issue 12: `upstream ingest` reports what this upload's fan-out created, whoever ran it."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from common.bootstrap import Container
from common.commands import ingest as ingest_command
from common.commands.ingest import ingest_file, ingest_object, put_file
from common.devtools.synth import SynthOptions, write_claims_csv
from common.services.customers import create_customer


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def claims_file(tmp_path):
    path = tmp_path / "claims.csv"
    write_claims_csv(path, SynthOptions(rows=12_000, bad_rows=False))
    return path


def _signals(owner) -> int:
    with owner.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM signals")).scalar_one()


def test_signals_created_counts_the_fan_out_serve_ran(app, acme, owner, settings, claims_file):
    """`upstream serve` ingested the file and runs the fan-out; the CLI reports its count."""
    serve = Container(settings)  # another process: its own relay and in-process bus
    try:
        event = put_file(app, claims_file, "acme")
        # serve's watcher saw the object first: its ingest_claims loads the file and publishes
        # ClaimsLoaded to serve's bus; the fan-out runs when serve's bus driver next drains.
        assert serve.ingestor().ingest(event)["status"] in ("loaded", "partial")
        assert serve.bus.pending() == 3 and _signals(owner) == 0

        def serve_drains_later():
            time.sleep(0.5)
            serve.bus.drain()

        driver = threading.Thread(target=serve_drains_later)
        driver.start()
        report = ingest_object(app, event, "acme")
        driver.join()
    finally:
        if "engine" in serve.__dict__:
            serve.engine.dispose()
    assert report["status"] in ("loaded", "partial")
    assert _signals(owner) > 0
    assert report["signals_created"] == _signals(owner)


def test_signals_created_counts_only_this_upload(app, acme, owner, claims_file, tmp_path):
    first = ingest_file(app, claims_file, "acme")
    assert first["signals_created"] == _signals(owner) > 0
    again = tmp_path / "again.csv"
    again.write_bytes(claims_file.read_bytes().replace(b"C00000001,", b"X00000001,"))
    second = ingest_file(app, again, "acme")
    assert second["status"] in ("loaded", "partial")
    assert second["signals_created"] == _signals(owner) - first["signals_created"]
    duplicate = ingest_file(app, claims_file.rename(tmp_path / "copy.csv"), "acme")
    assert (duplicate["status"], duplicate["signals_created"]) == ("duplicate", 0)


def test_an_unfinished_fan_out_is_null_with_a_note(
    app, acme, owner, settings, claims_file, monkeypatch
):
    monkeypatch.setattr(ingest_command, "FANOUT_WAIT_SECONDS", 0.3)
    serve = Container(settings)
    try:
        event = put_file(app, claims_file, "acme")
        serve.ingestor().ingest(event)  # serve never drains its bus here
        report = ingest_object(app, event, "acme")
    finally:
        if "engine" in serve.__dict__:
            serve.engine.dispose()
    assert report["signals_created"] is None
    assert "0 of 3 signal products" in report["signals_pending"]
    assert "not known yet" in ingest_command.render_report(report)

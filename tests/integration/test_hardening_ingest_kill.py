"""Issue 12 / SPEC 2.6: `upstream ingest` killed mid-load; the event's retry resumes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from common.devtools.synth import SynthOptions, write_claims_csv
from common.services.customers import create_customer
from tests.ingest_helpers import ROOT, count, drop_and_fire, ingest_client, latest_upload

ROWS = 60_000


def _advisory_locks(owner) -> int:
    with owner.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        ).scalar_one()


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


def test_a_load_killed_mid_way_is_resumed_by_the_retry(app, acme, owner, settings, tmp_path):
    path = tmp_path / "claims.csv"
    write_claims_csv(path, SynthOptions(rows=ROWS, bad_rows=False))
    env = dict(os.environ, UPSTREAM_HOME=str(settings.home), DATABASE_URL=settings.database_url)
    proc = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "common.cli", "ingest", str(path), "--customer", "acme", "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The load holds the customer's ingest lock from the dedupe check until it commits.
        assert _wait_for(lambda: _advisory_locks(owner) > 0, 60), "the load never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _wait_for(lambda: _advisory_locks(owner) == 0, 30), "the dead load kept its lock"
    upload = latest_upload(owner)
    assert upload["status"] == "received" and count(owner, "claims") == 0
    # The finalized event's retry (Eventarc redelivers; serve's watcher re-scans) resumes it.
    blob = app.inbox.info("acme/claims.csv")
    from common.local.events import finalized_event

    headers, data = finalized_event(app.settings.inbox_bucket, blob)
    assert ingest_client().post("/", headers=headers, json=data).status_code == 200
    resumed = latest_upload(owner)
    assert resumed["id"] == upload["id"] and resumed["status"] == "loaded"
    assert resumed["rows_accepted"] == ROWS and count(owner, "claims") == ROWS
    assert count(owner, "uploads") == 1
    # A re-send of the same bytes is now the duplicate of the resumed upload.
    response, _ = drop_and_fire(app, "acme/claims-again.csv", path.read_bytes())
    assert response.status_code == 200 and latest_upload(owner)["status"] == "duplicate"

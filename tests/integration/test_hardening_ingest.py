"""Issue 12 hardening of ingestion: concurrent duplicates, stuck uploads (real Postgres)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from common.db.locks import ingest_lock_key
from common.services.customers import create_customer
from common.services.ingest import ObjectEvent
from tests.ingest_helpers import csv_bytes

GOOD = [
    "A1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,",
    "A2,Aetna,99214,2026-01-06,2026-01-21,denied,,220.00,150.00,0,CO-16,Missing info",
]


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


def _event(app, name: str, body: bytes) -> ObjectEvent:
    info = app.inbox.write(name, body)
    return ObjectEvent(app.settings.inbox_bucket, info.name, info.generation, info.size)


def _waiting_on_advisory_locks(owner) -> int:
    with owner.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ).scalar_one()


def _statuses(owner) -> list[str]:
    with owner.connect() as conn:
        return sorted(conn.execute(text("SELECT status FROM uploads")).scalars())


def test_identical_bytes_ingested_at_the_same_moment_load_once(app, acme, owner):
    """SPEC 2.5: two byte-identical copies at once → one loaded, the other duplicate."""
    body = csv_bytes(*GOOD)
    events = [_event(app, "acme/copy-1.csv", body), _event(app, "acme/copy-2.csv", body)]
    results, errors = [], []

    def ingest(event):
        try:
            results.append(app.ingestor().ingest(event))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    # Hold the customer's ingest lock so that both uploads are in flight at once, then let go.
    with owner.begin() as conn:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": ingest_lock_key(acme.id)},
        )
        threads = [threading.Thread(target=ingest, args=(e,)) for e in events]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_on_advisory_locks(owner) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting_on_advisory_locks(owner) == 2
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(r["status"] for r in results) == ["duplicate", "loaded"]
    assert _statuses(owner) == ["duplicate", "loaded"]
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM claims")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 1


def test_cli_refuses_a_customer_that_would_escape_the_bucket(app, acme, owner, tmp_path, capsys):
    from common.cli import main

    path = tmp_path / "jan.csv"
    path.write_bytes(csv_bytes(*GOOD))
    assert main(["ingest", str(path), "--customer", "../acme", "--json"]) == 2
    assert "'..' path segment" in capsys.readouterr().err
    assert app.inbox.list() == [] and _statuses(owner) == []

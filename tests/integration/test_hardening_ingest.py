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


def _backdate(owner, upload_id: str, minutes: int, status: str | None = None) -> None:
    with owner.begin() as conn:
        conn.execute(
            text(
                "UPDATE uploads SET received_at = now() - make_interval(mins => :m), "
                "status = coalesce(:s, status) WHERE id = :id"
            ),
            {"m": minutes, "s": status, "id": upload_id},
        )


def _claimed(app, customer, name: str, body: bytes) -> tuple[ObjectEvent, str]:
    """What a load killed mid-way leaves: the upload row committed `received`, nothing else."""
    from common.services.ingest import uploads

    event = _event(app, name, body)
    with app.uow.transaction(customer.id) as conn:
        return event, uploads.claim_upload(conn, customer, event)


def _upload(owner, upload_id: str) -> dict:
    with owner.connect() as conn:
        row = conn.execute(text("SELECT * FROM uploads WHERE id = :id"), {"id": upload_id})
        return dict(row.mappings().one())


def test_the_sweep_fails_uploads_a_stopped_load_left_behind(app, acme, owner):
    from common.services.ingest import uploads

    stuck_event, stuck = _claimed(app, acme, "acme/stuck.csv", csv_bytes(GOOD[0]))
    _, processing = _claimed(app, acme, "acme/processing.csv", csv_bytes(GOOD[1]))
    _, recent = _claimed(app, acme, "acme/recent.csv", csv_bytes(*GOOD))
    _, running = _claimed(app, acme, "acme/running.csv", csv_bytes(*GOOD))
    loaded = app.ingestor().ingest(_event(app, "acme/done.csv", csv_bytes(*GOOD)))["upload_id"]
    _backdate(owner, stuck, 16)
    _backdate(owner, processing, 20, status="processing")
    _backdate(owner, recent, 5)
    _backdate(owner, running, 60)
    _backdate(owner, loaded, 60)
    # A live load holds its upload row until it commits, however long it has been going.
    with owner.begin() as live:
        live.execute(text("SELECT 1 FROM uploads WHERE id = :id FOR UPDATE"), {"id": running})
        assert sorted(uploads.fail_stuck(app.uow)) == sorted([stuck, processing])
    for upload_id in (stuck, processing):
        row = _upload(owner, upload_id)
        assert row["status"] == "failed" and row["completed_at"] is not None
        assert "stopped before it finished" in row["error"] and "nothing was loaded" in row["error"]
    assert [_upload(owner, u)["status"] for u in (recent, running, loaded)] == [
        "received",
        "received",
        "loaded",
    ]
    with owner.connect() as conn:
        actions = conn.execute(
            text("SELECT target_id FROM audit_events WHERE action = 'upload.failed'")
        ).scalars()
        assert sorted(map(str, actions)) == sorted([stuck, processing])
    assert uploads.fail_stuck(app.uow) == [running]  # once its load is gone, it is stuck too
    assert uploads.fail_stuck(app.uow) == []  # nothing twice
    # The event's redelivery (or a re-send) still loads a swept upload.
    assert app.ingestor().ingest(stuck_event)["status"] == "loaded"


def test_upstream_uploads_sweep_runs_it_by_hand(app, acme, owner, capsys):
    import json

    from common.cli import main

    _, stuck = _claimed(app, acme, "acme/stuck.csv", csv_bytes(*GOOD))
    _backdate(owner, stuck, 30)
    assert main(["uploads", "sweep", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"failed": [stuck]}
    assert _upload(owner, stuck)["status"] == "failed"

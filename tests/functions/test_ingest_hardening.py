"""Issue 12: ingest events that can never succeed are bad messages — recorded, acknowledged.

Real finalized CloudEvents through the functions-framework client, on real Postgres.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from common.local.events import finalized_event
from common.services.customers import create_customer
from common.storage.port import BlobInfo
from tests.ingest_helpers import count, csv_bytes, ingest_client, latest_upload

GOOD = [
    "A1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,",
    "A2,Aetna,99214,2026-01-06,2026-01-21,denied,,220.00,150.00,0,CO-16,Missing info",
]


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


def _fire(app, blob: BlobInfo, client=None, **data_changes):
    headers, data = finalized_event(app.settings.inbox_bucket, blob)
    headers["ce-subject"] = headers["ce-subject"].replace("\n", "%0A")  # a header is one line
    data |= data_changes
    return (client or ingest_client()).post("/", headers=headers, json=data)


def _letters(owner) -> list[dict]:
    with owner.connect() as conn:
        rows = conn.execute(text("SELECT * FROM dead_letters ORDER BY id"))
        return [dict(r) for r in rows.mappings()]


def test_an_object_that_no_longer_exists_is_rejected_and_acknowledged(app, acme, owner):
    gone = BlobInfo("acme/gone.csv", 120, "1764000000000000000")
    client = ingest_client()
    assert _fire(app, gone, client).status_code == 200
    upload = latest_upload(owner)
    assert upload["status"] == "rejected"
    message = upload["report"]["message"]
    assert "no longer in the bucket" in message and "retry" not in message
    assert upload["error"] is None
    [letter] = _letters(owner)
    assert letter["subscription"] == "ingest_claims" and letter["attempts"] == 0
    assert "no longer in the bucket" in letter["last_error"]
    # A redelivery finds the finished upload: acknowledged again, recorded once.
    assert _fire(app, gone, client).status_code == 200
    assert count(owner, "uploads") == 1 and len(_letters(owner)) == 1


def test_a_replaced_generation_is_rejected_and_the_new_one_loads(app, acme, owner):
    old = app.inbox.write("acme/jan.csv", csv_bytes(GOOD[0]))
    time.sleep(0.01)
    new = app.inbox.write("acme/jan.csv", csv_bytes(*GOOD))
    assert old.generation != new.generation
    client = ingest_client()
    assert _fire(app, old, client).status_code == 200
    assert latest_upload(owner)["status"] == "rejected"
    assert "replaced" in latest_upload(owner)["report"]["message"]
    assert count(owner, "claims") == 0
    assert _fire(app, new, client).status_code == 200
    upload = latest_upload(owner)
    assert (upload["status"], upload["rows_accepted"]) == ("loaded", 2)
    assert len(_letters(owner)) == 1


@pytest.mark.parametrize(
    "name",
    [
        "acme/../beta/jan.csv",
        "../jan.csv",
        "nobody/../jan.csv",
        "acme/./jan.csv",
        "acme//jan.csv",
        "/acme/jan.csv",
        "acme/jan\x00.csv",
        "acme/jan\n.csv",
        "acme/jan\ud800.csv",
        "acme/" + "x" * 1100 + ".csv",
    ],
)
def test_an_object_name_that_cannot_be_read_is_a_bad_message(app, acme, owner, name):
    app.inbox.write("acme/jan.csv", csv_bytes(*GOOD))
    response = _fire(app, BlobInfo(name, 120, "1764000000000000000"))
    assert response.status_code == 200
    assert count(owner, "uploads") == 0
    assert count(owner, "quarantined_objects") == 0
    [letter] = _letters(owner)
    assert letter["subscription"] == "ingest_claims"
    assert "object name" in letter["last_error"]
    assert [b.name for b in app.inbox.list()] == ["acme/jan.csv"]


@pytest.mark.parametrize("size", ["1" + "0" * 30, "-5", "12abc"])
def test_an_impossible_size_is_a_bad_message(app, acme, owner, size):
    blob = app.inbox.write("acme/jan.csv", csv_bytes(*GOOD))
    assert _fire(app, blob, size=size).status_code == 200
    assert count(owner, "uploads") == 0
    assert len(_letters(owner)) == 1


@pytest.mark.parametrize("generation", ["1\x00", "abc", "1" * 40])
def test_an_impossible_generation_is_a_bad_message(app, acme, owner, generation):
    blob = app.inbox.write("acme/jan.csv", csv_bytes(*GOOD))
    assert _fire(app, blob, generation=generation).status_code == 200
    assert count(owner, "uploads") == 0
    assert len(_letters(owner)) == 1


def test_a_folder_placeholder_is_ignored(app, acme, owner):
    # The Cloud Console's "create folder" writes a zero-byte `acme/march/` object.
    response = _fire(app, BlobInfo("acme/march/", 0, "1764000000000000000"))
    assert response.status_code == 200
    assert count(owner, "uploads") == 0 and _letters(owner) == []


def _stuck_upload(app, customer, owner, minutes: int = 16) -> str:
    """An upload a killed load left `received` `minutes` ago."""
    from common.services.ingest import ObjectEvent, uploads

    blob = app.inbox.write("acme/stuck.csv", csv_bytes(*GOOD))
    event = ObjectEvent(app.settings.inbox_bucket, blob.name, blob.generation, blob.size)
    with app.uow.transaction(customer.id) as conn:
        upload_id = uploads.claim_upload(conn, customer, event)
    with owner.begin() as conn:
        conn.execute(
            text("UPDATE uploads SET received_at = now() - make_interval(mins => :m)"),
            {"m": minutes},
        )
    return upload_id


# The sweep's drivers: the every-minute scheduled job in the cloud, the bus driver locally.


def test_the_every_minute_job_sweeps_stuck_uploads(app, acme, owner):
    from common.domain.messages import RecomputeRequested
    from common.topology import RECOMPUTE_REQUESTED
    from tests.pubsub_events import client, post

    upload_id = _stuck_upload(app, acme, owner)
    every_minute = RecomputeRequested(scope="deliveries")  # terraform: webhook-retries job
    assert post(client("recompute_fanout"), RECOMPUTE_REQUESTED, every_minute).status_code == 200
    assert str(latest_upload(owner)["id"]) == str(upload_id)
    assert latest_upload(owner)["status"] == "failed"


def test_upstream_serve_sweeps_stuck_uploads(app, acme, owner):
    from common.local.runner import BusDriver

    _stuck_upload(app, acme, owner)
    driver = BusDriver(app, interval=0.05)
    driver.start()
    try:
        deadline = time.monotonic() + 5
        while latest_upload(owner)["status"] != "failed" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        driver.stop.set()
        driver.join(5)
    assert latest_upload(owner)["status"] == "failed"

"""The ingest_claims function through functions-framework with real finalized CloudEvents."""

import pytest

from common.services.customers import create_customer
from tests.ingest_helpers import count, csv_bytes, drop_and_fire, latest_upload

GOOD = [
    "A1,Aetna,99213,2026-01-05,2026-01-20,paid,2026-01-25,150.00,100.00,100.00,,",
    "A2,Aetna,99214,2026-01-06,2026-01-21,denied,,220.00,150.00,0,CO-16,Missing info",
]


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_finalized_event_loads_the_file(app, acme, owner, mode):
    response, _ = drop_and_fire(app, "acme/jan.csv", csv_bytes(*GOOD), mode=mode)
    assert response.status_code == 200
    upload = latest_upload(owner)
    assert upload["status"] == "loaded"
    assert (upload["rows_total"], upload["rows_accepted"]) == (2, 2)
    assert count(owner, "claims") == 2


def test_claims_loaded_is_published_after_commit(app, acme, owner):
    drop_and_fire(app, "acme/jan.csv", csv_bytes(*GOOD))
    from sqlalchemy import text

    with owner.connect() as conn:
        rows = conn.execute(text("SELECT topic, payload, published_at FROM outbox")).all()
    assert len(rows) == 1
    topic, payload, published_at = rows[0]
    assert topic == "claims-loaded" and published_at is not None
    import json

    body = json.loads(payload)
    assert body["event_type"] == "ClaimsLoaded" and body["reason"] == "upload"
    assert body["customer_id"] == acme.id and body["rows_accepted"] == 2
    assert body["schema_version"] == 1
    assert (body["date_min"], body["date_max"]) == ("2026-01-20", "2026-01-21")


def test_same_event_twice_is_processed_once(app, acme, owner):
    from common.local.events import finalized_event
    from tests.ingest_helpers import ingest_client

    blob = app.inbox.write("acme/jan.csv", csv_bytes(*GOOD))
    headers, data = finalized_event(app.settings.inbox_bucket, blob)
    client = ingest_client()
    assert client.post("/", headers=headers, json=data).status_code == 200
    assert client.post("/", headers=headers, json=data).status_code == 200
    assert count(owner, "uploads") == 1
    assert count(owner, "claims") == 2
    assert count(owner, "outbox") == 1


def test_wrong_event_type_is_recorded_and_acknowledged(app, owner):
    from common.local.events import finalized_event
    from common.storage.port import BlobInfo
    from tests.ingest_helpers import ingest_client

    headers, data = finalized_event("inbox", BlobInfo("acme/x.csv", 3, "1"))
    headers["ce-type"] = "google.cloud.storage.object.v1.deleted"
    response = ingest_client().post("/", headers=headers, json=data)
    assert response.status_code == 200
    assert count(owner, "dead_letters") == 1
    assert count(owner, "uploads") == 0


def test_unknown_customer_is_quarantined(app, owner):
    response, _ = drop_and_fire(app, "nobody/jan.csv", csv_bytes(*GOOD))
    assert response.status_code == 200
    assert [b.name for b in app.inbox.list()] == ["quarantine/nobody/jan.csv"]
    assert count(owner, "quarantined_objects") == 1
    assert count(owner, "claims") == 0


def test_a_tab_separated_txt_export_loads(app, acme, owner):
    body = csv_bytes(*GOOD).replace(b",", b"\t")
    response, _ = drop_and_fire(app, "acme/export.txt", body)
    assert response.status_code == 200
    assert latest_upload(owner)["status"] == "loaded"


def test_other_file_types_are_quarantined(app, acme, owner):
    drop_and_fire(app, "acme/claims.xlsx", b"PK\x03\x04")
    assert [b.name for b in app.inbox.list()] == ["quarantine/acme/claims.xlsx"]
    assert latest_upload(owner)["status"] == "quarantined"

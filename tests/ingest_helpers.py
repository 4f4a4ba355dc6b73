"""Helpers for ingest tests: drop a file into the bucket and fire the real CloudEvent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import functions_framework
from sqlalchemy import text

from common.local.events import finalized_event

ROOT = Path(__file__).resolve().parent.parent
INGEST_SOURCE = str(ROOT / "functions" / "ingest_claims" / "main.py")

HEADER = (
    "claim_id,payer,cpt,submitted_date,decided_date,outcome,payment_date,"
    "billed_amount,allowed_amount,paid_amount,denial_reason_code,denial_reason_text"
)


def ingest_client():
    """The deployed ingest function behind a functions-framework test client."""
    return functions_framework.create_app(
        target="ingest_claims", source=INGEST_SOURCE
    ).test_client()


def drop_and_fire(app, name: str, body: bytes, mode: str = "binary", client=None):
    """Write `body` to the bucket as `name` and deliver its finalized CloudEvent."""
    blob = app.inbox.write(name, body)
    headers, data = finalized_event(app.settings.inbox_bucket, blob)
    client = client or ingest_client()
    if mode == "binary":
        response = client.post("/", headers=headers, json=data)
    else:
        envelope = {k[3:]: v for k, v in headers.items() if k.startswith("ce-")}
        envelope |= {"datacontenttype": "application/json", "data": data}
        response = client.post(
            "/", headers={"Content-Type": "application/cloudevents+json"}, data=json.dumps(envelope)
        )
    return response, blob


def latest_upload(owner) -> dict:
    """The newest upload row (owner engine: sees every tenant)."""
    with owner.connect() as conn:
        row = conn.execute(text("SELECT * FROM uploads ORDER BY received_at DESC LIMIT 1"))
        return dict(row.mappings().one())


def count(owner, table: str) -> int:
    """Row count of a table, across tenants."""
    with owner.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def csv_bytes(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    """A CSV file from a header and rows."""
    return (newline.join((header, *rows)) + newline).encode()


@contextmanager
def claims_insert_fails_when(owner, condition: str) -> Iterator[None]:
    """Inject a crash: every INSERT into claims raises 'injected crash' while `condition` holds."""
    with owner.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION fail_load() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF {condition} THEN RAISE EXCEPTION 'injected crash'; END IF; RETURN NULL; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER crash BEFORE INSERT ON claims "
                "FOR EACH STATEMENT EXECUTE FUNCTION fail_load()"
            )
        )
    try:
        yield
    finally:
        with owner.begin() as conn:
            conn.execute(text("DROP TRIGGER crash ON claims"))
            conn.execute(text("DROP FUNCTION fail_load()"))

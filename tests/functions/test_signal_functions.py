"""The three signal functions through functions-framework with real Pub/Sub event shapes."""

import base64
import json
import uuid
from contextlib import contextmanager
from pathlib import Path

import functions_framework
import pytest
from sqlalchemy import text

from common.db.schema import ROLLUP_TABLES
from common.domain.messages import ClaimsLoaded, SignalsRaised, encode
from common.services.customers import create_customer
from common.topology import CLAIMS_LOADED
from tests.scenarios import AS_OF, DenialShift, Scenario, generate, load

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = ("driftwatch", "denialscope", "delayguard")
PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"


def client(product: str):
    name = f"signal_{product}"
    source = str(ROOT / "functions" / name / "main.py")
    return functions_framework.create_app(target=name, source=source).test_client()


def pubsub_message(payload: bytes, message_id: str, attributes: dict | None = None) -> dict:
    return {
        "data": base64.b64encode(payload).decode(),
        "attributes": attributes or {},
        "messageId": message_id,
        "publishTime": "2026-06-01T06:00:00.000Z",
    }


def claims_loaded(customer_id: str, as_of=AS_OF) -> bytes:
    return encode(ClaimsLoaded(customer_id=customer_id, reason="upload", as_of=as_of))[0]


def post(product: str, payload: bytes, mode: str = "binary", message_id: str | None = None):
    """Deliver `payload` as Eventarc (binary or structured CloudEvent) or a raw push would."""
    message_id = message_id or uuid.uuid4().hex
    data = {
        "message": pubsub_message(payload, message_id),
        "subscription": f"projects/p/subscriptions/signal-{product}-{CLAIMS_LOADED}",
    }
    attributes = {
        "id": message_id,
        "specversion": "1.0",
        "type": PUBLISHED,
        "source": f"//pubsub.googleapis.com/projects/p/topics/{CLAIMS_LOADED}",
        "time": "2026-06-01T06:00:00.000Z",
    }
    if mode == "binary":
        headers = {f"ce-{k}": v for k, v in attributes.items()}
        return client(product).post("/", headers=headers, json=data)
    if mode == "structured":
        body = attributes | {"datacontenttype": "application/json", "data": data}
        return client(product).post(
            "/", headers={"Content-Type": "application/cloudevents+json"}, data=json.dumps(body)
        )
    return client(product).post("/", json=data)  # raw Pub/Sub push envelope


def rows(owner, sql: str, **params) -> list:
    with owner.connect() as conn:
        return conn.execute(text(sql), params).all()


@pytest.fixture
def acme(app, owner):
    customer = create_customer(app.uow, "acme", "Acme Clinic")
    load(owner, customer.id, generate(Scenario(seed=2, changes=(DenialShift("Cigna", "E&M"),))))
    return customer


@contextmanager
def rollups_unreadable(owner):
    """A real transient failure: the application role loses SELECT on the rollups the
    products read, for a while."""
    tables = ", ".join(t.name for t in ROLLUP_TABLES)
    with owner.begin() as conn:
        conn.execute(text(f"REVOKE SELECT ON {tables} FROM upstream_app"))
    try:
        yield
    finally:
        with owner.begin() as conn:
            conn.execute(text(f"GRANT SELECT ON {tables} TO upstream_app"))


@pytest.mark.parametrize("mode", ["binary", "structured", "push"])
def test_claims_loaded_raises_signals_and_publishes_after_commit(app, acme, owner, mode):
    response = post("driftwatch", claims_loaded(acme.id), mode, message_id="msg-1")
    assert response.status_code == 200
    signal = rows(owner, "SELECT id, type, payer, key FROM signals")
    assert [(s.type, s.payer, s.key) for s in signal] == [("denial_rate_increase", "Cigna", "E&M")]
    [outbox] = rows(owner, "SELECT topic, payload, published_at FROM outbox")
    assert outbox.topic == "signals-raised" and outbox.published_at is not None
    assert json.loads(outbox.payload)["signal_ids"] == [str(signal[0].id)]
    ledger = rows(owner, "SELECT consumer, message_id FROM processed_messages")
    assert [tuple(r) for r in ledger] == [("signal_driftwatch", "msg-1")]
    assert app.bus.pending() == 1  # SignalsRaised waits for alert_dispatch on the local bus


def test_every_product_acknowledges_and_redelivery_adds_nothing(app, acme, owner):
    payload = claims_loaded(acme.id)
    for product in PRODUCTS:
        assert post(product, payload, message_id="same").status_code == 200
        assert post(product, payload, message_id="same", mode="push").status_code == 200
    assert rows(owner, "SELECT count(*) FROM signals")[0][0] == 1
    assert rows(owner, "SELECT count(*) FROM outbox")[0][0] == 1
    assert rows(owner, "SELECT count(*) FROM processed_messages")[0][0] == 3


def test_as_of_defaults_to_today(app, acme, owner):
    payload = encode(ClaimsLoaded(customer_id=acme.id))[0]
    assert post("delayguard", payload).status_code == 200  # today: windows hold no claims
    assert rows(owner, "SELECT count(*) FROM signals")[0][0] == 0


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"event_type": "ClaimsLoaded", "schema_version": 1}',  # no customer
        json.dumps(
            {"event_type": "ClaimsLoaded", "schema_version": 1, "customer_id": "acme"}
        ).encode(),  # not a UUID
        encode(ClaimsLoaded(customer_id=str(uuid.uuid4())))[0],  # no such customer
        encode(SignalsRaised(customer_id=str(uuid.uuid4()), product="driftwatch"))[0],
        json.dumps(
            {"event_type": "ClaimsLoaded", "schema_version": 9, "customer_id": "x"}
        ).encode(),
        json.dumps(
            {"event_type": "ClaimsLoaded", "schema_version": 1, "customer_id": "x", "as_of": "x"}
        ).encode(),
    ],
    ids=["not-json", "no-customer", "slug", "unknown", "wrong-type", "version", "bad-date"],
)
def test_malformed_messages_are_recorded_and_acknowledged(app, owner, payload):
    response = post("denialscope", payload, message_id="bad-1")
    assert 200 <= response.status_code < 300
    [letter] = rows(owner, "SELECT subscription, topic, message_id, attempts FROM dead_letters")
    assert tuple(letter) == ("signal_denialscope", CLAIMS_LOADED, "bad-1", 0)
    assert rows(owner, "SELECT count(*) FROM processed_messages")[0][0] == 0


def test_wrong_event_shape_is_recorded_and_acknowledged(app, owner):
    headers = {
        "ce-id": "e-1", "ce-specversion": "1.0", "ce-source": "//storage.googleapis.com/x",
        "ce-type": "google.cloud.storage.object.v1.finalized",
    }  # fmt: skip
    response = client("delayguard").post("/", headers=headers, json={"bucket": "b", "name": "n"})
    assert response.status_code == 200
    assert rows(owner, "SELECT attempts FROM dead_letters")[0][0] == 0


def test_transient_failure_returns_500_and_the_retry_succeeds(app, acme, owner):
    payload = claims_loaded(acme.id)
    with rollups_unreadable(owner):
        assert post("driftwatch", payload, message_id="m-7").status_code == 500
    # Nothing committed: not the ledger row, not a signal, not a dead letter.
    assert rows(owner, "SELECT count(*) FROM processed_messages")[0][0] == 0
    assert rows(owner, "SELECT count(*) FROM dead_letters")[0][0] == 0
    assert post("driftwatch", payload, message_id="m-7").status_code == 200
    assert rows(owner, "SELECT count(*) FROM signals")[0][0] == 1


def test_local_bus_dead_letters_after_five_attempts_then_replay_succeeds(app, acme, owner):
    data, attributes = encode(ClaimsLoaded(customer_id=acme.id, as_of=AS_OF))
    with rollups_unreadable(owner):
        app.bus.publish(CLAIMS_LOADED, data, attributes)
        app.bus.drain()
    letters = {d["subscription"]: d for d in app.dead_letters.list()}
    subscriptions = {f"signal-{p}-{CLAIMS_LOADED}" for p in PRODUCTS}
    assert set(letters) == subscriptions
    assert all(letters[s]["attempts"] == 5 and letters[s]["last_error"] for s in subscriptions)
    for name in subscriptions:
        app.dead_letters.replay(letters[name]["id"])
    app.bus.drain()
    remaining = {d["subscription"] for d in app.dead_letters.list()}
    assert not remaining & subscriptions
    assert rows(owner, "SELECT type, payer FROM signals")[0] == ("denial_rate_increase", "Cigna")

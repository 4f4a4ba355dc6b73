"""recompute_fanout through functions-framework with real messagePublished deliveries."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from common.domain.messages import RecomputeRequested, SignalsRaised
from common.services.alerts import create_webhook_endpoint
from common.services.customers import create_customer
from common.topology import CLAIMS_LOADED, RECOMPUTE_REQUESTED
from tests.alert_helpers import Receiver, add_signal, rows
from tests.pubsub_events import MODES, client, post

AS_OF = date(2026, 6, 1)


@pytest.fixture
def tenants(app, owner):
    acme = create_customer(app.uow, "acme", "Acme")
    beta = create_customer(app.uow, "beta", "Beta")
    gone = create_customer(app.uow, "gone", "Gone")
    with owner.begin() as conn:
        conn.execute(text("UPDATE customers SET active = false WHERE slug = 'gone'"))
    return acme, beta, gone


@pytest.fixture
def fanout_client(app):
    return client("recompute_fanout")


def claims_loaded(owner) -> list[dict]:
    out = rows(owner, "SELECT topic, payload, published_at FROM outbox ORDER BY id")
    assert all(r["topic"] == CLAIMS_LOADED and r["published_at"] for r in out)
    return [json.loads(r["payload"]) for r in out]


@pytest.mark.parametrize("mode", MODES)
def test_schedule_fans_out_to_every_active_customer_once(tenants, fanout_client, owner, mode):
    acme, beta, _ = tenants
    request = RecomputeRequested(as_of=AS_OF)
    assert (
        post(fanout_client, RECOMPUTE_REQUESTED, request, mode, message_id="r-1").status_code == 200
    )
    assert (
        post(fanout_client, RECOMPUTE_REQUESTED, request, mode, message_id="r-1").status_code == 200
    )
    messages = claims_loaded(owner)
    assert sorted(m["customer_id"] for m in messages) == sorted([acme.id, beta.id])
    assert {(m["reason"], m["as_of"], m["event_type"]) for m in messages} == {
        ("schedule", "2026-06-01", "ClaimsLoaded")
    }


def test_a_named_customer_gets_a_request_for_today_by_default(tenants, fanout_client, owner):
    acme = tenants[0]
    response = post(fanout_client, RECOMPUTE_REQUESTED, RecomputeRequested(customer_id=acme.id))
    assert response.status_code == 200
    [message] = claims_loaded(owner)
    assert message["customer_id"] == acme.id and message["reason"] == "request"
    assert message["as_of"] == datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize(
    "message",
    [
        RecomputeRequested(customer_id="00000000-0000-0000-0000-000000000001"),
        RecomputeRequested(customer_id="nope"),
        SignalsRaised(customer_id="00000000-0000-0000-0000-000000000001", product="driftwatch"),
    ],
)
def test_bad_requests_are_recorded_and_acknowledged(tenants, fanout_client, owner, message):
    assert post(fanout_client, RECOMPUTE_REQUESTED, message).status_code == 200
    [letter] = rows(owner, "SELECT * FROM dead_letters")
    assert letter["subscription"] == "recompute_fanout" and letter["attempts"] == 0
    assert rows(owner, "SELECT * FROM outbox") == []


def test_inactive_customer_request_is_a_bad_message(tenants, fanout_client, owner):
    gone = tenants[2]
    post(fanout_client, RECOMPUTE_REQUESTED, RecomputeRequested(customer_id=gone.id))
    assert len(rows(owner, "SELECT * FROM dead_letters")) == 1


def test_the_schedule_also_retries_due_webhook_deliveries(app, tenants, fanout_client, owner):
    acme = tenants[0]
    with Receiver() as receiver:
        create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
        receiver.responses.append(500)
        sid = add_signal(app, acme.id)
        message = SignalsRaised(customer_id=acme.id, product="driftwatch", signal_ids=(sid,))
        # Dispatched "in the past": the retry is due by now.
        app.alerts.dispatch("m-1", message, now=datetime(2026, 6, 1, tzinfo=UTC))
        assert post(fanout_client, RECOMPUTE_REQUESTED, RecomputeRequested()).status_code == 200
    assert [a["status_code"] for a in rows(owner, "SELECT * FROM webhook_attempts")] == [500, 200]
    assert rows(owner, "SELECT status FROM webhook_deliveries") == [{"status": "delivered"}]


def test_the_deliveries_scope_retries_webhooks_without_recomputing(
    app, tenants, fanout_client, owner
):
    acme = tenants[0]
    with Receiver() as receiver:
        create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
        receiver.responses.append(500)
        sid = add_signal(app, acme.id)
        message = SignalsRaised(customer_id=acme.id, product="driftwatch", signal_ids=(sid,))
        app.alerts.dispatch("m-1", message, now=datetime(2026, 6, 1, tzinfo=UTC))
        request = RecomputeRequested(scope="deliveries")
        assert post(fanout_client, RECOMPUTE_REQUESTED, request).status_code == 200
    assert [a["status_code"] for a in rows(owner, "SELECT * FROM webhook_attempts")] == [500, 200]
    assert rows(owner, "SELECT * FROM outbox WHERE topic = 'claims-loaded'") == []


def test_an_unknown_scope_is_a_bad_message(tenants, fanout_client, owner):
    assert (
        post(fanout_client, RECOMPUTE_REQUESTED, RecomputeRequested(scope="all")).status_code == 200
    )
    [letter] = rows(owner, "SELECT * FROM dead_letters")
    assert "scope" in letter["last_error"]

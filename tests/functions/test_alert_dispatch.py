"""alert_dispatch through functions-framework with real messagePublished deliveries."""

import pytest

from common.bus.outbox import add_message
from common.domain.messages import ClaimsLoaded, SignalsRaised
from common.services.alerts import create_webhook_endpoint
from common.services.customers import create_customer
from common.topology import SIGNALS_RAISED
from tests.alert_helpers import Receiver, add_signal, rows
from tests.pubsub_events import MODES, client, post


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def dispatch_client(app):
    return client("alert_dispatch")


def raised(customer, *ids):
    return SignalsRaised(customer_id=customer.id, product="driftwatch", signal_ids=ids)


@pytest.mark.parametrize("mode", MODES)
def test_signals_raised_creates_alerts_once_per_message(app, acme, dispatch_client, owner, mode):
    with Receiver() as receiver:
        create_webhook_endpoint(app.uow, acme.id, receiver.url, None, app.secret_box, True)
        sid = add_signal(app, acme.id)
        first = post(dispatch_client, SIGNALS_RAISED, raised(acme, sid), mode, message_id="m-1")
        again = post(dispatch_client, SIGNALS_RAISED, raised(acme, sid), mode, message_id="m-1")
    assert (first.status_code, again.status_code) == (200, 200)
    [alert] = rows(owner, "SELECT * FROM alerts")
    assert str(alert["signal_id"]) == sid and alert["status"] == "sent"
    assert len(rows(owner, "SELECT * FROM webhook_deliveries")) == 1
    assert len(receiver.requests) == 1
    assert rows(owner, "SELECT message_id FROM processed_messages") == [{"message_id": "m-1"}]


@pytest.mark.parametrize(
    ("message", "raw"),
    [
        (None, b"not json"),
        (None, b'{"event_type": "SignalsRaised", "schema_version": 9, "customer_id": "x"}'),
        (ClaimsLoaded(customer_id="00000000-0000-0000-0000-000000000001"), None),
        (SignalsRaised(customer_id="not-a-uuid", product="driftwatch"), None),
        (SignalsRaised(customer_id="00000000-0000-0000-0000-000000000001", product="x"), None),
    ],
)
def test_bad_messages_are_recorded_and_acknowledged(app, dispatch_client, owner, message, raw):
    response = post(dispatch_client, SIGNALS_RAISED, message, raw=raw)
    assert response.status_code == 200
    [letter] = rows(owner, "SELECT * FROM dead_letters")
    assert letter["subscription"] == "alert_dispatch" and letter["attempts"] == 0
    assert rows(owner, "SELECT * FROM alerts") == []
    assert rows(owner, "SELECT * FROM processed_messages") == []


def test_signals_of_another_customer_are_invisible(app, acme, dispatch_client, owner):
    other = create_customer(app.uow, "other", "Other")
    theirs = add_signal(app, other.id)
    response = post(dispatch_client, SIGNALS_RAISED, raised(acme, theirs))
    assert response.status_code == 200
    assert rows(owner, "SELECT * FROM alerts") == []


def test_local_bus_routes_signals_raised_to_alert_dispatch(app, acme, owner):
    sid = add_signal(app, acme.id)
    with app.uow.transaction() as conn:
        add_message(conn, SIGNALS_RAISED, raised(acme, sid))
    app.relay.flush()
    app.bus.drain()
    assert [str(a["signal_id"]) for a in rows(owner, "SELECT * FROM alerts")] == [sid]
    assert rows(owner, "SELECT * FROM dead_letters") == []

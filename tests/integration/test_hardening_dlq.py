"""Issue 12 item 6: `upstream dlq` shows and replays the bad messages consumers recorded.

Real deliveries through functions-framework, the local bus, real Postgres; the cloud half
uses the Pub/Sub fake through the real client.
"""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import text

from common import topology
from common.bootstrap import Container, use_container
from common.bus.pubsub import PubSubPublisher
from common.bus.pubsub_dlq import publish_to_topic
from common.cli import main
from common.commands.dlq import dead_letter_view
from common.config import Settings
from common.domain.messages import ClaimsLoaded, RecomputeRequested, SignalsRaised, encode
from common.local.events import finalized_event
from common.services.bad_messages import RecordedBadMessages, ReplayError, record_bad_message
from common.services.customers import create_customer
from common.storage.port import BlobInfo
from tests.alert_helpers import rows
from tests.fakes import PROJECT
from tests.integration.test_pubsub_dlq import DRIFTWATCH, dead_letter, pull
from tests.pubsub_events import client, post

BAD_CLAIMS_LOADED = b'{"event_type": "ClaimsLoaded", "schema_version": 1, "customer_id": "x"}'


def letters(owner) -> list[dict]:
    return rows(owner, "SELECT * FROM dead_letters ORDER BY id")


def dlq(capsys, *argv) -> tuple[int, dict | list | None, str]:
    code = main(["dlq", *argv, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_list_shows_recorded_bad_messages_and_replay_reaches_the_same_consumer(app, owner, capsys):
    response = post(
        client("signal_denialscope"), topology.CLAIMS_LOADED, None, raw=BAD_CLAIMS_LOADED
    )
    assert response.status_code == 200
    [recorded] = letters(owner)
    assert recorded["subscription"] == "signal_denialscope"

    code, listed, _ = dlq(capsys, "list")
    assert code == 0
    [letter] = listed
    assert letter["id"] == str(recorded["id"]) and letter["kind"] == "bad_message"
    assert letter["subscription"] == "signal_denialscope"

    code, replayed, err = dlq(capsys, "replay", letter["id"])
    assert code == 0, err
    # The consumer that recorded it got it again (and recorded it again: still malformed);
    # its siblings on claims-loaded got nothing.
    old, new = letters(owner)
    assert old["replayed_at"] is not None
    assert new["subscription"] == "signal_denialscope"
    assert new["message_id"] == replayed["message_id"] != old["message_id"]
    assert new["payload"] == old["payload"] == BAD_CLAIMS_LOADED.decode()
    assert replayed["remaining"] == 1
    code, listed, _ = dlq(capsys, "list")
    assert [x["id"] for x in listed] == [str(new["id"])]


def test_a_recorded_pubsub_message_keeps_its_data_and_attributes(app, owner):
    message = SignalsRaised(customer_id="00000000-0000-0000-0000-000000000001", product="x")
    post(client("alert_dispatch"), topology.SIGNALS_RAISED, message)
    [recorded] = letters(owner)
    data, attributes = encode(message)
    assert recorded["payload"] == data.decode()
    assert recorded["attributes"] == attributes | {"rejected_by": "alert_dispatch"}


def test_a_replay_to_the_reactivated_customer_succeeds(app, owner, capsys):
    gone = create_customer(app.uow, "gone", "Gone")
    with owner.begin() as conn:
        conn.execute(text("UPDATE customers SET active = false WHERE slug = 'gone'"))
    request = RecomputeRequested(customer_id=gone.id)
    post(client("recompute_fanout"), topology.RECOMPUTE_REQUESTED, request)
    [recorded] = letters(owner)
    with owner.begin() as conn:
        conn.execute(text("UPDATE customers SET active = true WHERE slug = 'gone'"))

    code, replayed, err = dlq(capsys, "replay", str(recorded["id"]))

    assert code == 0, err
    assert replayed["remaining"] == 0
    ledger = rows(owner, "SELECT consumer, message_id FROM processed_messages")
    assert {"consumer": "recompute_fanout", "message_id": replayed["message_id"]} in ledger
    [fanned] = rows(owner, "SELECT payload FROM outbox WHERE topic = 'claims-loaded'")
    assert json.loads(fanned["payload"])["customer_id"] == gone.id


def test_an_ingest_bad_message_replays_to_ingest_claims(app, owner, capsys):
    create_customer(app.uow, "acme", "Acme")
    headers, data = finalized_event(app.settings.inbox_bucket, BlobInfo("acme/../x.csv", 9, "7"))
    assert client("ingest_claims").post("/", headers=headers, json=data).status_code == 200
    [recorded] = letters(owner)
    assert recorded["subscription"] == "ingest_claims"

    code, replayed, err = dlq(capsys, "replay", str(recorded["id"]))

    assert code == 0, err
    old, new = letters(owner)
    assert old["replayed_at"] is not None
    assert new["subscription"] == "ingest_claims" and new["message_id"] == replayed["message_id"]
    assert json.loads(new["payload"]) == json.loads(old["payload"]) == data
    assert new["last_error"] == old["last_error"]


def test_a_letter_that_cannot_be_redelivered_is_kept_unmarked(app, owner, capsys):
    record_bad_message(app.uow, "retired_consumer", "old-topic", "m-1", {"x": 1}, "bad")
    with owner.begin() as conn:  # a bus dead letter of a subscription that no longer exists
        conn.execute(
            text(
                "INSERT INTO dead_letters (subscription, topic, message_id, payload, attributes,"
                " attempts, first_attempt_at) VALUES ('gone-sub', 't', 'm-2', '{}', '{}', 5, now())"
            )
        )
    for row in letters(owner):
        code, _, err = dlq(capsys, "replay", str(row["id"]))
        assert code == 2 and "no dead letter" not in err, err
    assert all(row["replayed_at"] is None for row in letters(owner))
    code, listed, _ = dlq(capsys, "list")
    assert sorted(x["kind"] for x in listed) == ["bad_message", "dead_letter"]


def test_a_letter_is_replayed_once(app, owner, capsys):
    post(client("signal_driftwatch"), topology.CLAIMS_LOADED, None, raw=b"not json")
    [recorded] = letters(owner)
    assert dlq(capsys, "replay", str(recorded["id"]))[0] == 0
    code, _, err = dlq(capsys, "replay", str(recorded["id"]))
    assert code == 2 and "already replayed" in err
    assert dlq(capsys, "replay", "999999")[0] == 2


def test_purge_drops_both_kinds(app, owner, capsys):
    record_bad_message(app.uow, "alert_dispatch", topology.SIGNALS_RAISED, "m-1", "{}", "bad")
    data, attributes = encode(ClaimsLoaded(customer_id="00000000-0000-0000-0000-000000000009"))
    with owner.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO dead_letters (subscription, topic, message_id, payload, attributes,"
                " attempts, first_attempt_at) VALUES (:s, :t, 'm-2', :p, '{}', 5, now())"
            ),
            {"s": DRIFTWATCH.name, "t": DRIFTWATCH.topic, "p": data.decode()},
        )
    code, purged, _ = dlq(capsys, "purge")
    assert (code, purged) == (0, {"purged": 2})
    assert letters(owner) == []


# Cloud mode: Pub/Sub's -dlq subscriptions and Postgres's bad messages in one list.


@pytest.fixture
def cloud(database_url, tmp_path, clean_db, pubsub):
    home = tmp_path / "cloud-home"
    home.mkdir()
    settings = Settings(home=home, database_url=database_url, backend="cloud", gcp_project=PROJECT)
    container = Container(settings)
    use_container(container)
    yield container
    use_container(None)
    if "dead_letters" in container.__dict__:
        container.dead_letters.close()
    if "bus" in container.__dict__:
        container.bus.close()
    container.engine.dispose()


def test_cloud_list_shows_pubsub_dead_letters_and_recorded_bad_messages(
    cloud, publisher, subscriber, owner, capsys
):
    dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id="c-1"))
    bad = SignalsRaised(customer_id="00000000-0000-0000-0000-000000000001", product="x")
    data, attributes = encode(bad)
    body = {"message": {"data": base64.b64encode(data).decode(), "attributes": attributes}}
    record_bad_message(cloud.uow, "alert_dispatch", topology.SIGNALS_RAISED, "m-9", body, "bad")

    code, listed, err = dlq(capsys, "list")

    assert code == 0, err
    by_kind = {letter["kind"]: letter for letter in listed}
    assert set(by_kind) == {"dead_letter", "bad_message"}
    assert by_kind["dead_letter"]["subscription"] == DRIFTWATCH.name
    assert by_kind["bad_message"]["subscription"] == "alert_dispatch"
    assert by_kind["bad_message"]["event_type"] == "SignalsRaised"

    # The recorded one replays to alert_dispatch's subscription with its data and attributes.
    drained = pull(subscriber, "alert-dispatch-signals-raised")
    assert drained == []
    code, replayed, err = dlq(capsys, "replay", by_kind["bad_message"]["id"])
    assert code == 0, err
    [redelivered] = pull(subscriber, "alert-dispatch-signals-raised")
    assert redelivered.message.message_id == replayed["message_id"]
    assert redelivered.message.data == data
    assert dict(redelivered.message.attributes) == attributes
    assert [x["kind"] for x in dlq(capsys, "list")[1]] == ["dead_letter"]


def test_cloud_replay_that_cannot_publish_marks_nothing(cloud, owner):
    record_bad_message(cloud.uow, "alert_dispatch", topology.SIGNALS_RAISED, "m-1", "{}", "bad")
    [row] = letters(owner)
    elsewhere = PubSubPublisher("a-project-without-topics", timeout_seconds=5)
    try:
        store = RecordedBadMessages(cloud.uow, publish_to_topic(elsewhere))
        with pytest.raises(ReplayError):
            store.replay(str(row["id"]))
    finally:
        elsewhere.close()
    assert letters(owner)[0]["replayed_at"] is None
    assert [x["id"] for x in dead_letter_view(cloud).list()] == [str(row["id"])]

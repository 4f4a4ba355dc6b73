"""The claims-loaded consumer shared by the three signal functions.

Decodes a Pub/Sub messagePublished CloudEvent (binary, structured, or converted from a raw
push envelope), runs one product, and classifies failures: a malformed message is recorded
in dead letters and acknowledged; anything else raises, so Pub/Sub retries and, after five
attempts, dead-letters it.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from common.domain.messages import BadMessage, ClaimsLoaded
from common.services.bad_messages import record_bad_message
from common.services.pubsub_event import pubsub_message
from common.services.signals.runner import consumer_name, run_product
from common.topology import CLAIMS_LOADED


@dataclass(frozen=True)
class Delivery:
    """What a signal function needs from one delivery."""

    message_id: str
    customer_id: str
    as_of: date


def parse_event(cloud_event) -> Delivery:
    """The ClaimsLoaded inside a messagePublished event; BadMessage when it cannot be used."""
    message_id, loaded = pubsub_message(cloud_event, ClaimsLoaded)
    try:
        customer_id = str(uuid.UUID(str(loaded.customer_id)))
    except ValueError:
        raise BadMessage("customer_id is not a UUID") from None
    return Delivery(
        message_id=message_id,
        customer_id=customer_id,
        as_of=loaded.as_of or datetime.now(UTC).date(),
    )


def handle_claims_loaded(app, product: str, cloud_event) -> list[str]:
    """Run `product` for the event's customer; publish SignalsRaised after commit."""
    consumer = consumer_name(product)
    try:
        delivery = parse_event(cloud_event)
        new_ids = run_product(
            app.uow, product, delivery.customer_id, delivery.as_of, delivery.message_id
        )
    except BadMessage as exc:
        record_bad_message(
            app.uow, consumer, CLAIMS_LOADED, cloud_event["id"], _payload(cloud_event), str(exc)
        )
        return []
    # Also on a redelivery: a crash between commit and publish left the outbox row waiting.
    app.relay.flush()
    return new_ids


def _payload(cloud_event) -> object:
    """The undecoded message body for on-call (bad messages carry no claim values)."""
    data = cloud_event.data
    message = data.get("message") if isinstance(data, dict) else None
    if isinstance(message, dict) and isinstance(message.get("data"), str):
        try:
            return base64.b64decode(message["data"]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return message["data"]
    return data

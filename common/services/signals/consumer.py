"""The claims-loaded consumer shared by the three signal functions.

Decodes a Pub/Sub messagePublished CloudEvent (binary, structured, or converted from a raw
push envelope) and runs one product. A malformed message raises BadMessage, which the
function's trigger wrapper records and acknowledges; anything else raises, so Pub/Sub retries
and, after five attempts, dead-letters it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from common.domain.messages import BadMessage, ClaimsLoaded
from common.services.pubsub_event import pubsub_message
from common.services.signals.runner import run_product


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
    """Run `product` for the event's customer; publish SignalsRaised after commit.

    A message that cannot be used raises BadMessage: the function's trigger wrapper
    (common.triggers.bad_messages_recorded) records and acknowledges it.
    """
    delivery = parse_event(cloud_event)
    new_ids = run_product(
        app.uow, product, delivery.customer_id, delivery.as_of, delivery.message_id
    )
    # Also on a redelivery: a crash between commit and publish left the outbox row waiting.
    app.relay.flush()
    return new_ids

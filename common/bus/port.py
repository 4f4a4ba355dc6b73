"""The Publisher port every bus adapter implements."""

from __future__ import annotations

from typing import Protocol

# Keyword arguments of the Pub/Sub client's publish that an attribute of the same name would
# shadow. Every adapter refuses them, so the local bus fails where the cloud one would.
RESERVED_ATTRIBUTES = frozenset({"ordering_key", "retry", "timeout"})


def refuse_reserved_attributes(attributes: dict[str, str]) -> None:
    """Raise ValueError when an attribute name is one the Pub/Sub client would swallow."""
    clash = RESERVED_ATTRIBUTES.intersection(attributes)
    if clash:
        raise ValueError(f"attribute names reserved by the client: {sorted(clash)}")


class Publisher(Protocol):
    """Publishes one encoded message to a topic and returns the bus's message id."""

    # True when subscribers run in this process (`drain` delivers), False when the bus's own
    # servers deliver (Pub/Sub): then a command reports what it published and returns.
    delivers_in_process: bool

    def publish(self, topic: str, data: bytes, attributes: dict[str, str]) -> str:
        """Publish `data` with `attributes` to `topic`; return the message id."""
        ...

    def drain(self) -> int:
        """Deliver what is queued here until nothing is; return deliveries (0 when the bus's
        servers deliver)."""
        ...


class DeadLetterStore(Protocol):
    """On-call view of dead letters (local table or Pub/Sub `<sub>-dlq` subscriptions)."""

    def list(self) -> list[dict]:
        """Dead letters without acknowledging them: id, subscription, attempts, error, age."""
        ...

    def show(self, letter_id: str) -> dict:
        """One dead letter with its payload and attributes (KeyError when unknown)."""
        ...

    def replay(self, letter_id: str) -> str:
        """Republish a dead letter to its original topic; return the new message id."""
        ...

    def purge(self) -> int:
        """Drop every dead letter; return how many."""
        ...

"""The Publisher port every bus adapter implements."""

from __future__ import annotations

from typing import Protocol


class Publisher(Protocol):
    """Publishes one encoded message to a topic and returns the bus's message id."""

    def publish(self, topic: str, data: bytes, attributes: dict[str, str]) -> str:
        """Publish `data` with `attributes` to `topic`; return the message id."""
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

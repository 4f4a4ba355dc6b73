"""Pub/Sub adapter of the Publisher port (google-cloud-pubsub)."""

from __future__ import annotations

import threading

from common.bus.port import refuse_reserved_attributes


def require_project(project_id: str | None) -> str:
    """The project id, or a ValueError naming the missing setting."""
    if not project_id:
        raise ValueError("the Pub/Sub backend needs GOOGLE_CLOUD_PROJECT")
    return project_id


class PubSubPublisher:
    """Publishes to `projects/<project>/topics/<topic>`; the client is built on first publish."""

    delivers_in_process = False  # Pub/Sub pushes to the functions

    def __init__(self, project_id: str | None, timeout_seconds: float = 30.0) -> None:
        self.project_id = require_project(project_id)
        self.timeout_seconds = timeout_seconds
        self._client = None
        self._lock = threading.Lock()

    def topic_path(self, topic: str) -> str:
        """Full resource name of a topic in this project."""
        return f"projects/{self.project_id}/topics/{topic}"

    def publish(self, topic: str, data: bytes, attributes: dict[str, str]) -> str:
        """Publish and wait for the server's message id; raise on failure (the caller retries)."""
        refuse_reserved_attributes(attributes)
        future = self.client.publish(
            self.topic_path(topic), data, timeout=self.timeout_seconds, **attributes
        )
        return future.result(timeout=self.timeout_seconds)

    def drain(self) -> int:
        """Nothing to deliver here: Pub/Sub delivers to the subscribers."""
        return 0

    @property
    def client(self):
        """The google-cloud-pubsub PublisherClient, built once on first use."""
        with self._lock:
            if self._client is None:
                from google.cloud import pubsub_v1

                self._client = pubsub_v1.PublisherClient()
            return self._client

    def close(self) -> None:
        """Flush and stop the client, if one was built."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.stop()
            client.transport.close()

"""Fixtures for the Pub/Sub adapters: the in-process fake, used through the real client."""

import pytest

from common.bus.pubsub import PubSubPublisher
from tests.fakes import PROJECT, provision_topology
from tests.fakes.pubsub_server import FakePubSub, running_pubsub_fake


@pytest.fixture
def pubsub(monkeypatch):
    """A fresh fake with the whole topology; the client finds it via PUBSUB_EMULATOR_HOST."""
    fake = FakePubSub()
    with running_pubsub_fake(fake) as host:
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", host)
        provision_topology(PROJECT)
        yield fake


@pytest.fixture
def publisher(pubsub):
    """The production publisher adapter, pointed at the fake."""
    publisher = PubSubPublisher(PROJECT, timeout_seconds=10)
    yield publisher
    publisher.close()


@pytest.fixture
def subscriber(pubsub):
    """A real SubscriberClient for pulling what was published."""
    from google.cloud import pubsub_v1

    client = pubsub_v1.SubscriberClient()
    yield client
    client.close()

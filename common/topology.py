"""Topics, subscriptions and consumer functions, as data. Terraform mirrors this table."""

from __future__ import annotations

from dataclasses import dataclass

CLAIMS_LOADED = "claims-loaded"
SIGNALS_RAISED = "signals-raised"
RECOMPUTE_REQUESTED = "recompute-requested"

# CloudEvent types that trigger functions, as Eventarc and Pub/Sub push spell them. Defined
# here, the dependency-free table, so that services (bad-message replay) and the local runner
# can build events without importing the trigger layer; functions use `common.triggers`.
OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized"
MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"

TOPICS: tuple[str, ...] = (CLAIMS_LOADED, SIGNALS_RAISED, RECOMPUTE_REQUESTED)

MAX_DELIVERY_ATTEMPTS = 5


@dataclass(frozen=True)
class Subscription:
    """One push subscription: a topic delivered to one consumer function."""

    topic: str
    function: str

    @property
    def name(self) -> str:
        """Subscription name, as in Terraform: `<function>-<topic>`."""
        return f"{self.function.replace('_', '-')}-{self.topic}"

    @property
    def dead_letter_topic(self) -> str:
        """Dead-letter topic (and its pull subscription) for this subscription."""
        return f"{self.name}-dlq"


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(CLAIMS_LOADED, "signal_driftwatch"),
    Subscription(CLAIMS_LOADED, "signal_denialscope"),
    Subscription(CLAIMS_LOADED, "signal_delayguard"),
    Subscription(SIGNALS_RAISED, "alert_dispatch"),
    Subscription(RECOMPUTE_REQUESTED, "recompute_fanout"),
)

# Functions triggered by something other than Pub/Sub.
STORAGE_TRIGGERED = ("ingest_claims",)  # OBJECT_FINALIZED on the inbox bucket
HTTP_FUNCTIONS = ("api", "portal")  # portal: the browser pages (issue 15)

FUNCTIONS: tuple[str, ...] = (
    STORAGE_TRIGGERED + tuple(s.function for s in SUBSCRIPTIONS) + HTTP_FUNCTIONS
)


def subscriptions_for(topic: str) -> tuple[Subscription, ...]:
    """Every subscription on a topic, in declaration order."""
    return tuple(s for s in SUBSCRIPTIONS if s.topic == topic)


def subscription_named(name: str) -> Subscription:
    """Look a subscription up by its name (KeyError when unknown)."""
    for sub in SUBSCRIPTIONS:
        if sub.name == name:
            return sub
    raise KeyError(name)

"""claims-loaded (Pub/Sub messagePublished) → DelayGuard signals for that customer and as_of."""

import functions_framework

from common.bootstrap import container
from common.services.signals.consumer import handle_claims_loaded


@functions_framework.cloud_event
def signal_delayguard(cloud_event):
    """Run DelayGuard once per message; bad messages are recorded and acked, failures retry."""
    handle_claims_loaded(container(), "delayguard", cloud_event)

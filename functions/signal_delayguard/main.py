"""claims-loaded (Pub/Sub messagePublished) → DelayGuard signals for that customer and as_of."""

import functions_framework

from common.bootstrap import container
from common.services.signals.consumer import handle_claims_loaded
from common.triggers import bad_messages_recorded


@functions_framework.cloud_event
def signal_delayguard(cloud_event):
    """Run DelayGuard once per message; bad messages are recorded and acked, failures retry."""
    app = container()
    with bad_messages_recorded(app.uow, "signal_delayguard", cloud_event):
        handle_claims_loaded(app, "delayguard", cloud_event)

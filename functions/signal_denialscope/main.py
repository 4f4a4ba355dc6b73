"""claims-loaded (Pub/Sub messagePublished) → DenialScope signals for that customer and as_of."""

import functions_framework

from common.bootstrap import container
from common.services.signals.consumer import handle_claims_loaded


@functions_framework.cloud_event
def signal_denialscope(cloud_event):
    """Run DenialScope once per message; bad messages are recorded and acked, failures retry."""
    handle_claims_loaded(container(), "denialscope", cloud_event)

"""claims-loaded (Pub/Sub messagePublished) → DriftWatch signals for that customer and as_of."""

import functions_framework

from common.bootstrap import container
from common.services.signals.consumer import handle_claims_loaded


@functions_framework.cloud_event
def signal_driftwatch(cloud_event):
    """Run DriftWatch once per message; bad messages are recorded and acked, failures retry."""
    handle_claims_loaded(container(), "driftwatch", cloud_event)

"""Inbox bucket object.finalized → validate and load the claim file."""

import functions_framework

from common.bootstrap import container
from common.triggers import bad_messages_recorded, object_event


@functions_framework.cloud_event
def ingest_claims(cloud_event):
    """Load one claim file; an event that can never load is recorded and acknowledged."""
    app = container()
    with bad_messages_recorded(app.uow, "ingest_claims", cloud_event):
        app.ingestor().ingest(object_event(cloud_event))

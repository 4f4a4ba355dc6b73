"""Inbox bucket object.finalized → validate and load the claim file."""

import functions_framework

from common.bootstrap import container
from common.domain.messages import BadMessage
from common.services.bad_messages import record_bad_message
from common.services.ingest import object_event


@functions_framework.cloud_event
def ingest_claims(cloud_event):
    """Load one claim file; an event that can never load is recorded and acknowledged."""
    app = container()
    try:
        app.ingestor().ingest(object_event(cloud_event["type"], cloud_event.data))
    except BadMessage as exc:
        record_bad_message(
            app.uow,
            "ingest_claims",
            "storage.finalized",
            cloud_event["id"],
            cloud_event.data,
            str(exc),
        )

"""recompute-requested messagePublished → one ClaimsLoaded(reason=schedule) per customer."""

from datetime import UTC, datetime

import functions_framework

from common.bootstrap import container
from common.domain.messages import RecomputeRequested
from common.services.ingest.uploads import fail_stuck
from common.services.recompute import fan_out_recompute
from common.triggers import bad_messages_recorded, pubsub_message


@functions_framework.cloud_event
def recompute_fanout(cloud_event):
    """Fan the request out through the outbox; also the scheduled webhook-retry pass and the
    sweep of uploads stuck after a killed load (SPEC 2.6). A bad request does neither."""
    app = container()
    with bad_messages_recorded(app.uow, "recompute_fanout", cloud_event):
        message_id, message = pubsub_message(cloud_event, RecomputeRequested)
        if message.scope == "signals":
            fan_out_recompute(app.uow, message_id, message, datetime.now(UTC).date())
        app.relay.flush()
        app.alerts.deliver_due()
        fail_stuck(app.uow)  # the every-minute job also fails uploads stuck after a killed load

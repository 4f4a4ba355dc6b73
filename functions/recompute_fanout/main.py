"""recompute-requested messagePublished → one ClaimsLoaded(reason=schedule) per customer."""

from datetime import UTC, datetime

import functions_framework

from common.bootstrap import container
from common.domain.messages import BadMessage, RecomputeRequested
from common.services.bad_messages import record_bad_message
from common.services.ingest.uploads import fail_stuck
from common.services.pubsub_event import pubsub_message
from common.services.recompute import fan_out_recompute
from common.topology import RECOMPUTE_REQUESTED


@functions_framework.cloud_event
def recompute_fanout(cloud_event):
    """Fan the request out through the outbox; also the scheduled webhook-retry pass and the
    sweep of uploads stuck after a killed load (SPEC 2.6)."""
    app = container()
    try:
        message_id, message = pubsub_message(cloud_event, RecomputeRequested)
        if message.scope == "signals":
            fan_out_recompute(app.uow, message_id, message, datetime.now(UTC).date())
    except BadMessage as exc:
        record_bad_message(
            app.uow,
            "recompute_fanout",
            RECOMPUTE_REQUESTED,
            cloud_event["id"],
            cloud_event.data,
            str(exc),
        )
        return
    app.relay.flush()
    app.alerts.deliver_due()
    fail_stuck(app.uow)  # the every-minute job also fails uploads stuck after a killed load

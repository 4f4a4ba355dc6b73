"""signals-raised messagePublished → alert rules, suppression, webhook and e-mail delivery."""

import functions_framework

from common.bootstrap import container
from common.domain.messages import BadMessage, SignalsRaised
from common.services.bad_messages import record_bad_message
from common.services.pubsub_event import pubsub_message
from common.topology import SIGNALS_RAISED


@functions_framework.cloud_event
def alert_dispatch(cloud_event):
    """Alert once per (signal, rule); a bad message is recorded and acknowledged."""
    app = container()
    try:
        message_id, message = pubsub_message(cloud_event, SignalsRaised)
        app.alerts.dispatch(message_id, message)
    except BadMessage as exc:
        record_bad_message(
            app.uow, "alert_dispatch", SIGNALS_RAISED, cloud_event["id"], cloud_event.data, str(exc)
        )

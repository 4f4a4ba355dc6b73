"""signals-raised messagePublished → alert rules, suppression, webhook and e-mail delivery."""

import functions_framework

from common.bootstrap import container
from common.domain.messages import SignalsRaised
from common.triggers import bad_messages_recorded, pubsub_message


@functions_framework.cloud_event
def alert_dispatch(cloud_event):
    """Alert once per (signal, rule); a bad message is recorded and acknowledged."""
    app = container()
    with bad_messages_recorded(app.uow, "alert_dispatch", cloud_event):
        message_id, message = pubsub_message(cloud_event, SignalsRaised)
        app.alerts.dispatch(message_id, message)

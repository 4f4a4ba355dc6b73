"""Bad messages are recorded where on-call looks (dead letters) and then acknowledged."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from sqlalchemy import insert

from common.db.schema import dead_letters
from common.db.uow import UnitOfWork

log = logging.getLogger(__name__)


def record_bad_message(
    uow: UnitOfWork, consumer: str, topic: str, message_id: str, payload: object, error: str
) -> None:
    """Keep an unprocessable message (attempts = 0 marks 'rejected, not retried')."""
    body = payload if isinstance(payload, str) else json.dumps(payload, default=str)
    with uow.transaction() as conn:
        conn.execute(
            insert(dead_letters).values(
                subscription=consumer,
                topic=topic,
                message_id=message_id or "unknown",
                payload=body[:100_000],
                attributes={"rejected_by": consumer},
                attempts=0,
                last_error=error[:2000],
                first_attempt_at=datetime.now(UTC),
            )
        )
    log.error(
        "bad message recorded",
        extra={"consumer": consumer, "message_id": message_id, "error": error},
    )

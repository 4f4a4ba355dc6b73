"""Transactional outbox: messages are written with the effect and published after commit."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, func, insert, select, update

from common.bus.port import Publisher
from common.db.schema import outbox
from common.db.uow import UnitOfWork
from common.domain.messages import encode

log = logging.getLogger(__name__)


def add_message(conn: Connection, topic: str, message) -> None:
    """Queue `message` for `topic` inside the caller's transaction."""
    data, attributes = encode(message)
    conn.execute(insert(outbox).values(topic=topic, payload=data.decode(), attributes=attributes))


class OutboxRelay:
    """Publishes committed outbox rows; a row stays queued until the bus accepts it."""

    def __init__(self, uow: UnitOfWork, publisher: Publisher, batch: int = 100) -> None:
        self.uow = uow
        self.publisher = publisher
        self.batch = batch

    def flush(self) -> int:
        """Publish every pending row; return how many were published."""
        published = 0
        while True:
            with self.uow.transaction() as conn:
                rows = conn.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.payload, outbox.c.attributes)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self.batch)
                    .with_for_update(skip_locked=True)
                ).all()
                for row in rows:
                    message_id = self.publisher.publish(
                        row.topic, row.payload.encode(), dict(row.attributes)
                    )
                    conn.execute(
                        update(outbox)
                        .where(outbox.c.id == row.id)
                        .values(published_at=func.now(), message_id=message_id)
                    )
                    log.info("published", extra={"topic": row.topic, "message_id": message_id})
                published += len(rows)
            if len(rows) < self.batch:
                return published

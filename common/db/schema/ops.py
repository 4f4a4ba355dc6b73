"""Operational tables: idempotency ledger, outbox, local dead letters, audit trail."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from common.db.schema.base import created_at, metadata, tenant

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("consumer", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("customer_id", Uuid),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("consumer", "message_id", name="pk_processed_messages"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("topic", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("attributes", JSONB, nullable=False),
    created_at(),
    Column("published_at", DateTime(timezone=True)),
    Column("message_id", Text),
    Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("subscription", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("attributes", JSONB, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("first_attempt_at", DateTime(timezone=True), nullable=False),
    Column("dead_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("replayed_at", DateTime(timezone=True)),
)

audit_events = tenant(
    Table(
        "audit_events",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("customer_id", Uuid, index=True),
        Column("actor", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("target_type", Text),
        Column("target_id", Text),
        Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        created_at(),
    )
)
